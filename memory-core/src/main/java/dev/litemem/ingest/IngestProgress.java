package dev.litemem.ingest;

/** A snapshot of a running ingest, for progress bars. */
public record IngestProgress(int filesDone, int filesTotal, long chunks, long elapsedNanos) {
    public double chunksPerSecond() {
        return elapsedNanos <= 0 ? 0 : chunks * 1e9 / elapsedNanos;
    }
}
