package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LiteMem.exportTo: a consistent copy while a writer goes on, refusing to overwrite, as private as its source. */
class ExportTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void theCopyHoldsEveryCommitBeforeItAndOpensWhileTheWriterGoesOn() throws Exception {
        Path copy = stores.path("copy.db");
        try (LiteMem mem = stores.open("live.db")) {
            Collection notes = mem.collection("notes");
            notes.upsertAll(batch(0, 200));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong(200);
            Thread writer = new Thread(() -> {
                for (int b = 1; !stop.get(); b++) {
                    notes.upsertAll(batch(b * 200, 200));
                    written.addAndGet(200);
                }
            });
            writer.start();
            long before = written.get();
            long bytes;
            try {
                bytes = mem.exportTo(copy);
            } finally {
                stop.set(true);
                writer.join();
            }
            assertEquals(Files.size(copy), bytes);
            try (LiteMem exported = stores.open(copy)) {
                long count = exported.collection("notes").count();
                assertTrue(count >= before && count % 200 == 0 && count <= written.get(),
                        "whole batches only, every one committed before the export: " + count);
                Record first = exported.collection("notes").get("n0").orElseThrow();
                assertArrayEquals(notes.get("n0").orElseThrow().vector(), first.vector());
                assertEquals(1.0, exported.collection("notes").search(first.vector(), 1).get(0).score(), 1e-5,
                        "the copy's index finds a record by its own vector");
            }
        }
    }

    @Test
    void anExistingTargetIsRefusedAndLeftUnchanged() throws Exception {
        Path target = stores.path("taken.db");
        Files.writeString(target, "not mine");
        try (LiteMem mem = stores.open("live.db")) {
            mem.collection("notes").upsertAll(batch(0, 3));
            LiteMemException e = assertThrows(LiteMemException.class, () -> mem.exportTo(target));
            assertTrue(e.getMessage().contains("already exists"), e.getMessage());
            assertEquals("not mine", Files.readString(target));
            LiteMemException noFolder = assertThrows(LiteMemException.class,
                    () -> mem.exportTo(stores.path("missing").resolve("copy.db")));
            assertTrue(noFolder.getMessage().contains("check that its folder exists"), noFolder.getMessage());
        }
    }

    @Test
    void aPrivateStoreGivesAPrivateCopy() throws Exception {
        Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions only");
        Path copy = stores.path("copy.db");
        try (LiteMem mem = stores.open("private.db")) {
            mem.collection("notes").upsertAll(batch(0, 3));
            Files.setPosixFilePermissions(mem.path(), PosixFilePermissions.fromString("rw-------"));
            mem.exportTo(copy);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(copy)));
    }

    private static List<Record> batch(int from, int n) {
        List<Record> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(Record.of("n" + i, "note " + i + " topic " + (i % 5), Map.of("i", i)));
        }
        return out;
    }
}
