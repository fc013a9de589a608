package dev.litemem.check;

import java.nio.file.Path;
import java.util.List;

/**
 * What a check of one file found.
 *
 * @param file          the file checked
 * @param schemaVersion the file's schema version ({@code PRAGMA user_version}), or -1 when it could not be read
 * @param quick         whether this was the quick check ({@link StoreCheck#quickCheck}) rather than the full one
 * @param findings      every problem found, in the order the checks ran; empty when the file is sound
 * @param millis        how long the check took
 */
public record CheckReport(Path file, int schemaVersion, boolean quick, List<Finding> findings, long millis) {
    public CheckReport {
        findings = List.copyOf(findings);
    }

    /** Whether nothing was found. */
    public boolean clean() {
        return findings.isEmpty();
    }
}
