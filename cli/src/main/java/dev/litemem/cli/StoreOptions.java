package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that reads or writes a store shares. */
final class StoreOptions {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The LiteMem file.")
    Path db;

    @Option(names = {"-c", "--collection"}, defaultValue = "docs", paramLabel = "NAME",
            description = "The collection (default: ${DEFAULT-VALUE}).")
    String collection;

    @Option(names = "--model", paramLabel = "NAME", description = "The bundled embedding model for new collections:"
            + " all-minilm-l6-v2 (default) or bge-small-en-v1.5. Existing collections keep their own model.")
    String model;

    /** Opens the store, which must exist unless {@code create} is true. */
    LiteMem open(boolean create) {
        if (!create && !Files.exists(db)) {
            throw new dev.litemem.LiteMemException(db + " does not exist: check the path, or create it with 'litemem add'"
                    + " or 'litemem ingest'");
        }
        return LiteMem.open(db, options(model));
    }

    static LiteMemOptions options(String model) {
        return model == null ? LiteMemOptions.defaults()
                : LiteMemOptions.builder().embedder(dev.litemem.Embedders.bundled(model)).build();
    }

    Collection existingCollection(LiteMem mem) {
        boolean exists = mem.collections().stream().anyMatch(c -> c.name().equals(collection));
        if (!exists) {
            throw new dev.litemem.LiteMemException("collection '" + collection + "' does not exist in " + db
                    + ": choose one with --collection (see 'litemem stats --db " + db + "')");
        }
        return mem.collection(collection);
    }
}
