package dev.litemem.internal.ingest;

import java.util.List;

/** What a reader thread made of one file: unchanged, failed, or its chunks ready to embed. */
public sealed interface Parsed {
    SourceFile file();

    record Unchanged(SourceFile file) implements Parsed {
    }

    record Failed(SourceFile file, String message) implements Parsed {
    }

    /** {@code reused}: vectors of the file's previous chunks by embedded text, for chunks an edit left alone. */
    record Ready(SourceFile file, boolean isNew, String title, long size, long modifiedMillis, byte[] sha256,
                 List<Chunk> chunks, java.util.Map<String, float[]> reused) implements Parsed {
    }
}
