package dev.litemem.migrate;

import java.nio.file.Path;
import java.util.List;

/**
 * What migrating one file did (or, for a plan, would do).
 *
 * @param file          the file
 * @param status        what happened
 * @param schemaBefore  its schema version before, -1 when it could not be read
 * @param schemaAfter   its schema version after (the same as before when nothing was committed)
 * @param userMigrations the versions of the user's migrations applied (or pending, for a plan), in order
 * @param error         why it failed (null otherwise); never the user's data
 */
public record MigrationResult(Path file, Status status, int schemaBefore, int schemaAfter, List<Integer> userMigrations,
                              String error) {
    public MigrationResult {
        userMigrations = List.copyOf(userMigrations);
    }

    public enum Status {
        /** Schema steps or user migrations were applied and committed. */
        MIGRATED("migrated"),
        /** Nothing to do: the file was current already. */
        CURRENT("current"),
        /** A plan only: something is pending (nothing was applied). */
        PENDING("pending"),
        /** Nothing was committed: the file is exactly as it was. */
        FAILED("failed");

        private final String id;

        Status(String id) {
            this.id = id;
        }

        /** The lower-case name used in JSON output and the journal. */
        public String id() {
            return id;
        }
    }
}
