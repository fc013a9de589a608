package dev.litemem.work;

import java.util.List;

/** The append-only journal of one run: tool calls, results, failures, retries, approvals. */
public interface Journal {
    /** Appends an entry (its payload a JSON value); returns its sequence number, growing over the whole file. */
    long append(String type, String payloadJson);

    /** Up to {@code limit} entries of the run after sequence {@code afterSeq} (0: from the start), oldest first. */
    List<JournalEntry> read(long afterSeq, int limit);

    /** The same, of one type only. */
    List<JournalEntry> read(String type, long afterSeq, int limit);
}
