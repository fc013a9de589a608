package dev.litemem.server.internal;

import dev.litemem.server.ServerException;

/** The server's refusals, by stable problem type. */
final class Errors {
    private Errors() {
    }

    static ServerException invalid(String field, String message) {
        return new ServerException(400, "invalid-input", field, message);
    }

    static ServerException invalidJson(String message) {
        return new ServerException(400, "invalid-json", null, message);
    }

    static ServerException tooLarge(String field, String message) {
        return new ServerException(413, "payload-too-large", field, message);
    }

    static ServerException unauthorized() {
        return new ServerException(401, "unauthorized", "Authorization",
                "this route needs a key: send the header 'Authorization: Bearer KEY'");
    }

    static ServerException forbiddenAdmin() {
        return new ServerException(403, "forbidden", "Authorization", "this route needs the admin key");
    }

    /** The same answer for a tenant that does not exist and a tenant the key does not open. */
    static ServerException tenantNotFound() {
        return new ServerException(404, "tenant-not-found", "tenant",
                "no tenant by this name is open to this key: check the tenant name and the key");
    }

    /** A tenant whose file failed the server's check when it was opened (docs/OPERATIONS.md, "Quarantine"). */
    static ServerException tenantQuarantined(String name, String kinds) {
        return new ServerException(503, "tenant-quarantined", "tenant", "this tenant's file failed the server's check"
                + " when it was opened (" + kinds + "), so it is not served; nothing was written to it and other tenants"
                + " are served as usual. An operator runs 'litemem check DATA/tenants/" + name + ".db' for the findings,"
                + " then restores the file from a backup or repairs it in place: the next request checks it again");
    }

    static ServerException collectionNotFound() {
        return new ServerException(404, "collection-not-found", "collection",
                "this tenant has no collection by this name: write a record to create it, or create it explicitly");
    }

    static ServerException recordNotFound() {
        return new ServerException(404, "record-not-found", "id", "this collection has no record with this id");
    }

    static ServerException conflict(String field, String message) {
        return new ServerException(409, "conflict", field, message);
    }
}
