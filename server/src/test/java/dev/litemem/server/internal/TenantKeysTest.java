package dev.litemem.server.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key files and the cache of their hashes. */
class TenantKeysTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFileIsReadOnceUntilItsCachedHashIsForgotten() throws Exception {
        TenantKeys keys = new TenantKeys(dir);
        String first = keys.commitNewKey("acme");
        assertTrue(keys.opens("acme", first));

        // The file changes behind the cache (as a restore of the folder would change it): the cache still answers.
        String second = TenantKeys.newKey();
        Files.writeString(keys.keyFile("acme"), HexFormat.of().formatHex(TenantKeys.sha256(second)),
                StandardCharsets.US_ASCII);
        assertTrue(keys.opens("acme", first), "the cached hash answers until it is forgotten");
        assertFalse(keys.opens("acme", second));

        // Forgotten, the next lookup reads the file, as a restarted server's first lookup does.
        keys.forgetCached("acme");
        assertTrue(keys.opens("acme", second), "the file is read again");
        assertFalse(keys.opens("acme", first));
    }
}
