package dev.litemem.work;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The versioned state of one scope: JSON values by key. Every write makes a new version (1, 2, ...). */
public interface WorkState {
    /** The entry, unless absent or expired. */
    Optional<StateEntry> get(String key);

    /** Writes the value (JSON) whatever the version; returns the new entry. */
    StateEntry put(String key, String json);

    /** Writes the value, to expire {@code ttl} from now. */
    StateEntry put(String key, String json, Duration ttl);

    /**
     * Writes the value only if the entry's version is still {@code expectedVersion} (0: only if there is no entry).
     *
     * @return the new entry, or empty when another writer got there first (nothing was written)
     */
    Optional<StateEntry> compareAndSet(String key, long expectedVersion, String json);

    /** Deletes the entry; returns whether it existed. */
    boolean delete(String key);

    /** Every entry of the scope, by key. */
    List<StateEntry> entries();
}
