package dev.litemem.internal.store;

import dev.litemem.LiteMemOptions;
import java.nio.file.Path;

/** LiteMem files of an older schema version, with one record, for tests outside this package. */
public final class OldFiles {
    private OldFiles() {
    }

    public static void create(Path file, int version) {
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).build();
        try (Database old = Database.openAtVersion(file, options, version)) {
            old.write(h -> {
                h.execute("INSERT INTO collections (id, name, model, dimension, metric, created_at)"
                        + " VALUES (1, 'notes', 'caller-vectors', 2, 'l2', 1000)");
                h.execute("INSERT INTO records (collection_id, id, text, embedding, created_at, updated_at)"
                        + " VALUES (1, 'a', 'kept', x'0000803F00000040', 1000, 2000)");
                return null;
            });
        }
    }
}
