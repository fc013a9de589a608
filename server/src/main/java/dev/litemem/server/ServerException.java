package dev.litemem.server;

/**
 * A request the server refuses, or a server that cannot start. Rendered as application/problem+json: {@link #type()}
 * is stable (clients branch on it), the message is for people, {@link #field()} names the offending part of the
 * request. Messages never contain record text, metadata values, vectors or keys.
 */
public class ServerException extends RuntimeException {
    private final int status;
    private final String type;
    private final String field;

    public ServerException(int status, String type, String field, String message) {
        super(message);
        this.status = status;
        this.type = type;
        this.field = field;
    }

    public ServerException(String message, Throwable cause) {
        super(message, cause);
        this.status = 500;
        this.type = "internal-error";
        this.field = null;
    }

    public int status() {
        return status;
    }

    /** A short stable identifier such as {@code invalid-input} or {@code tenant-not-found}. */
    public String type() {
        return type;
    }

    /** The offending part of the request, such as {@code records[2].vector}, or null. */
    public String field() {
        return field;
    }
}
