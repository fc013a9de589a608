package dev.litemem.server.internal;

import dev.litemem.server.ServerException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tenants whose writes are paused while they move to another node (docs/SCALE-OUT.md). A frozen tenant answers every
 * write with 503 {@code tenant-frozen} (and {@code Retry-After}); reads are served. {@link #freeze} returns only once
 * the writes already admitted have finished, so a snapshot taken after it holds every acknowledged write.
 *
 * <p>A freeze is kept on disk ({@code DATA/.frozen/NAME}, an empty owner-only file) so a restart of the server in the
 * middle of a move does not let writes in again that the copy would miss. Deleting the tenant, or creating or
 * importing one of that name, lifts it.
 */
final class Freezes {
    /** How long {@link #freeze} waits for admitted writes to finish. */
    static final long DRAIN_MILLIS = 30_000;
    private final Path dir;
    private final ConcurrentHashMap<String, Gate> gates = new ConcurrentHashMap<>();

    /**
     * One tenant's state, in the map only while the tenant is frozen or has writes in flight (so requests for
     * made-up names leave nothing behind). Changed inside the map's {@code compute} for the name, under the gate's
     * monitor too, which {@link #freeze} waits on.
     */
    private static final class Gate {
        boolean frozen;
        int writing;
    }

    Freezes(Path dir) {
        this.dir = dir;
        if (!Files.isDirectory(dir)) {
            return; // made at the first freeze
        }
        try {
            DataFolder.ownerOnly(dir, "rwx------");
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (TenantKeys.NAME.matcher(name).matches()) {
                        gate(name).frozen = true;
                    }
                }
            }
        } catch (IOException e) {
            throw new ServerException("cannot read the folder of frozen tenants " + dir + ": " + e, e);
        }
    }

    private Gate gate(String name) {
        return gates.computeIfAbsent(name, n -> new Gate());
    }

    /** Admits one write: the returned action ends it. Null when the tenant is frozen (nothing was admitted). */
    Runnable enterWrite(String name) {
        boolean[] admitted = new boolean[1];
        gates.compute(name, (n, g) -> {
            Gate gate = g == null ? new Gate() : g;
            synchronized (gate) {
                if (!gate.frozen) {
                    gate.writing++;
                    admitted[0] = true;
                }
            }
            return gate;
        });
        if (!admitted[0]) {
            return null;
        }
        return () -> gates.computeIfPresent(name, (n, gate) -> {
            synchronized (gate) {
                if (--gate.writing == 0) {
                    gate.notifyAll();
                    return gate.frozen ? gate : null;
                }
                return gate;
            }
        });
    }

    boolean isFrozen(String name) {
        Gate g = gates.get(name);
        if (g == null) {
            return false;
        }
        synchronized (g) {
            return g.frozen;
        }
    }

    /**
     * Freezes the tenant (idempotent) and waits until no admitted write is running; 503 {@code freeze-timeout} when
     * they do not finish in time (the tenant stays frozen: call again).
     */
    void freeze(String name) throws InterruptedException {
        // A frozen gate stays in the map (see enterWrite), so g is the one writers count themselves out of.
        Gate g = gates.compute(name, (n, cur) -> {
            Gate gate = cur == null ? new Gate() : cur;
            synchronized (gate) {
                gate.frozen = true;
            }
            return gate;
        });
        Path marker = dir.resolve(name);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                DataFolder.ownerOnly(dir, "rwx------");
                DataFolder.syncDirectory(dir.getParent());
            }
            Files.createFile(marker);
            DataFolder.ownerOnly(marker, "rw-------");
            DataFolder.syncDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // Frozen already.
        } catch (IOException e) {
            thawInMemory(name);
            throw new ServerException("cannot record the freeze of tenant '" + name + "': " + e, e);
        }
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        synchronized (g) {
            while (g.writing > 0) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new ServerException(503, "freeze-timeout", null, "the tenant is frozen, but writes admitted"
                            + " before are still running: retry the freeze to wait for them");
                }
                g.wait(left);
            }
        }
    }

    /** Lifts the freeze (idempotent). */
    void thaw(String name) {
        try {
            if (Files.isDirectory(dir) && Files.deleteIfExists(dir.resolve(name))) {
                DataFolder.syncDirectory(dir);
            }
        } catch (IOException e) {
            throw new ServerException("cannot lift the freeze of tenant '" + name + "': " + e, e);
        }
        thawInMemory(name);
    }

    private void thawInMemory(String name) {
        gates.computeIfPresent(name, (n, gate) -> {
            synchronized (gate) {
                gate.frozen = false;
                return gate.writing == 0 ? null : gate;
            }
        });
    }
}
