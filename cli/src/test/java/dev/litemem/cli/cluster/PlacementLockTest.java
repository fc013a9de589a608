package dev.litemem.cli.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Moves placing tenants at once keep every entry: the read-modify-write of the placement file is under its lock. */
class PlacementLockTest {
    @Test
    void concurrentPlacementsLoseNoEntry(@TempDir Path dir) throws Exception {
        Path placement = dir.resolve("placement");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int worker = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        try (PlacementLock lock = PlacementLock.take(placement)) {
                            Placement.load(placement).with("t" + worker + "-" + i, Node.parse("h:" + (worker + 1), "n"))
                                    .write(placement);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(100, Placement.load(placement).tenants().size());
    }
}
