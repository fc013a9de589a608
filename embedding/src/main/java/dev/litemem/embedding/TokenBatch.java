package dev.litemem.embedding;

/** Token ids of several texts padded to one length, row-major {@code [rows, length]}. */
record TokenBatch(int rows, int length, long[] ids, long[] mask, long[] types) {
}
