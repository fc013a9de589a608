package dev.litemem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.litemem.index.Metric;
import dev.litemem.testing.TempStores;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Equal scores rank by row id on both sides of a search, so two files with the same rows (a replica and its primary,
 * a restored file and its original) answer in the same order, whatever order their indexes were built in.
 */
class SearchTiesTest {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void equalSemanticScoresRankByRowIdOnTheGraphAndOnTheExactScan() {
        for (int exactBelow : new int[] {0, 2_000}) {
            try (LiteMem mem = stores.open(stores.path("ties-" + exactBelow + ".db"), LiteMemOptions.builder()
                    .useBundledEmbedder(false).backgroundIndexing(false).exactSearchBelow(exactBelow).build())) {
                Collection c = mem.collection("twins", CollectionSpec.vectors(4, Metric.COSINE));
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    ids.add("twin-" + i);
                }
                Collections.shuffle(ids, new Random(7));
                for (String id : ids) { // one upsert each: row ids in this (shuffled) order
                    c.upsert(Record.builder().id(id).vector(new float[] {1, 2, 3, 4}).build());
                }
                c.upsert(Record.builder().id("other").vector(new float[] {4, 3, 2, 1}).build());
                // Searched twice, the second time after the index was built again from a checkpoint.
                for (int round = 0; round < 2; round++) {
                    List<Hit> hits = c.search(new float[] {1, 2, 3, 4}, 25);
                    List<String> got = hits.stream().map(h -> h.record().id()).toList();
                    assertEquals(ids.subList(0, 25), got, "exactSearchBelow " + exactBelow + ", round " + round);
                    for (int i = 0; i < hits.size(); i++) {
                        assertEquals(i + 1, hits.get(i).semanticRank());
                    }
                    c.checkpointIndex();
                    c.loadIndex();
                }
            }
        }
    }
}
