package dev.litemem.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.LedgerPolicy;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A change bound for the ledger carries the after-image written in its transaction, so intermediate states survive;
 * any other change keeps only its hash (an image is a second copy of the record).
 */
class ChangeImagesTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void eachEntryHoldsTheRecordAsItsTransactionWroteIt() throws Exception {
        try (LiteMem mem = stores.open("images.db")) {
            Collection scratch = mem.collection("scratch", CollectionSpec.vectors(2, Metric.L2));
            scratch.upsert(Record.builder().id("plain").text("no image").vector(new float[] {0, 0}).build());
            Object[] plain = mem.withReadHandle(h -> h.createQuery("SELECT image, image_vector, after_sha256 FROM changes")
                    .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getBytes(2), rs.getBytes(3)}).one());
            assertNull(plain[0], "a change outside the outbox keeps no image");
            assertNull(plain[1], "a change outside the outbox keeps no vector copy");
            assertEquals(32, ((byte[]) plain[2]).length, "but its row hash");

            Collection raw = mem.collection("raw", CollectionSpec.vectors(2, Metric.L2), LedgerPolicy.ALL);
            raw.upsert(Record.builder().id("a").text("first").vector(new float[] {1, 2})
                    .metadata(Map.of("tag", "x", "n", 1)).source("doc.md", 3).build());
            raw.upsert(Record.builder().id("a").text("second \"quoted\"\n").vector(new float[] {3, 4}).build());
            raw.delete("a");

            List<Object[]> rows = mem.withReadHandle(h -> h.createQuery("SELECT op, image, image_vector FROM changes WHERE record_id = 'a' ORDER BY seq")
                    .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getString(2), rs.getBytes(3)}).list());
            assertEquals(3, rows.size());

            JsonNode first = Json.MAPPER.readTree((String) rows.get(0)[1]);
            assertEquals("insert", rows.get(0)[0]);
            assertEquals("a", first.get("id").asText());
            assertEquals("first", first.get("text").asText());
            assertEquals("x", first.get("metadata").get("tag").asText());
            assertEquals(1, first.get("metadata").get("n").asInt());
            assertEquals("doc.md", first.get("source").asText());
            assertEquals(3, first.get("chunk").asInt());
            assertArrayEquals(new float[] {1, 2}, VectorCodec.decode((byte[]) rows.get(0)[2]));

            JsonNode second = Json.MAPPER.readTree((String) rows.get(1)[1]);
            assertEquals("second \"quoted\"\n", second.get("text").asText());
            assertEquals(0, second.get("metadata").size());
            assertEquals(first.get("created_at").asLong(), second.get("created_at").asLong(), "an update keeps created_at");
            assertArrayEquals(new float[] {3, 4}, VectorCodec.decode((byte[]) rows.get(1)[2]));

            assertEquals("delete", rows.get(2)[0]);
            assertNull(rows.get(2)[1]);
            assertNull(rows.get(2)[2]);
        }
    }

    @Test
    void keepChangeImagesLogsEveryRowChangeAsARowImageUntilTurnedOff() throws Exception {
        try (LiteMem mem = stores.open("all-images.db")) {
            Collection notes = mem.collection("notes", CollectionSpec.vectors(2, Metric.L2));
            notes.upsert(Record.builder().id("before").text("t").vector(new float[] {1, 0}).build());
            assertEquals(false, mem.keepsChangeImages());
            mem.keepChangeImages(true);
            assertEquals(true, mem.keepsChangeImages());
            notes.upsert(Record.builder().id("during").text("t").vector(new float[] {0, 1}).build());
            mem.keepChangeImages(false);
            notes.upsert(Record.builder().id("after").text("t").vector(new float[] {1, 1}).build());
            List<Object[]> rows = mem.withReadHandle(h -> h.createQuery("SELECT record_id, image, image_vector,"
                    + " after_sha256 FROM changes WHERE entity <> 'row' ORDER BY seq").map((rs, ctx) -> new Object[] {rs.getString(1),
                    rs.getString(2), rs.getBytes(3), rs.getBytes(4)}).list());
            assertNull(rows.get(0)[1], "written before the setting");
            assertEquals("during", rows.get(1)[0]);
            assertNull(rows.get(1)[1], "outside the outbox the entry keeps no image: its row image has the row");
            assertEquals(32, ((byte[]) rows.get(1)[3]).length, "but its row hash");
            assertNull(rows.get(2)[1], "written after the setting was turned off");
            List<String> rowImages = mem.withReadHandle(h -> h.createQuery("SELECT image FROM changes WHERE entity ="
                    + " 'row' AND record_id = 'records'").mapTo(String.class).list());
            assertEquals(1, rowImages.size(), "and its row image, logged by the row triggers only while images are on");
            assertTrue(rowImages.get(0).contains("\"during\""), rowImages.get(0));
        }
    }
}
