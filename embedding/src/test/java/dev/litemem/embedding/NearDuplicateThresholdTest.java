package dev.litemem.embedding;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.Embedder;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.testing.TempStores;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The measurement behind memory's default near-duplicate threshold per bundled model (docs/MEMORY.md): a rewording of
 * the same fact should reach it, and a different fact (another city, number, negation) must stay below it, since a
 * false merge loses a fact while a missed one only keeps two wordings. Prints the cosines it saw.
 */
class NearDuplicateThresholdTest {
    /** The same fact, reworded slightly: should count as a near-duplicate. */
    static final List<List<String>> SAME = List.of(
            List.of("Alice prefers short answers", "Alice prefers short answers, please"),
            List.of("The deploy key is stored in the vault", "The deploy key is kept in the vault"),
            List.of("Bob's birthday is on March 3", "Bob's birthday is March 3"),
            List.of("My favourite colour is blue", "My favorite color is blue"),
            List.of("Alice lives in Paris", "Alice is living in Paris"),
            List.of("The user wants replies in French", "The user wants all replies in French"));
    /** Different facts in almost the same words: must never be merged. */
    static final List<List<String>> DIFFERENT = List.of(
            List.of("Alice lives in Paris", "Alice lives in Berlin"),
            List.of("Alice prefers short answers", "Alice prefers long answers"),
            List.of("Bob's birthday is on March 3", "Bob's birthday is on March 4"),
            List.of("The meeting is at 10", "The meeting is at 11"),
            List.of("Alice has two cats", "Alice has three cats"),
            List.of("The user likes green tea", "The user dislikes green tea"),
            List.of("Alice is allergic to peanuts", "Alice is not allergic to peanuts"),
            List.of("The build runs on Java 17", "The build runs on Java 21"));

    @RegisterExtension
    final TempStores stores = new TempStores();

    @ParameterizedTest
    @ValueSource(strings = {BundledModels.ALL_MINILM_L6_V2, BundledModels.BGE_SMALL_EN_V15})
    void theDefaultThresholdMergesRewordingsOnlyAndNeverDifferentFacts(String model) {
        Embedder embedder = new LocalEmbedderProvider().create(model);
        double threshold;
        try (LiteMem mem = stores.open("t.db", LiteMemOptions.builder().embedder(embedder).build())) {
            threshold = mem.memory().nearDuplicateThreshold();
        }
        double maxDifferent = 0;
        for (List<String> pair : DIFFERENT) {
            double c = cosine(embedder, pair);
            System.out.printf("%s different %.3f  %s | %s%n", model, c, pair.get(0), pair.get(1));
            maxDifferent = Math.max(maxDifferent, c);
        }
        int merged = 0;
        for (List<String> pair : SAME) {
            double c = cosine(embedder, pair);
            System.out.printf("%s same      %.3f  %s | %s%n", model, c, pair.get(0), pair.get(1));
            merged += c >= threshold ? 1 : 0;
        }
        System.out.printf("%s threshold %.3f: highest different fact %.3f, rewordings merged %d of %d%n", model,
                threshold, maxDifferent, merged, SAME.size());
        assertTrue(maxDifferent < threshold, model + ": a different fact reaches " + maxDifferent);
        // Cosine cannot tell a negation from a rewording (all-minilm-l6-v2: 0.983 for "not allergic"), so the
        // threshold sits above every different fact and merges only the closest rewordings.
        assertTrue(merged >= 1, model + ": no rewording reaches " + threshold);
    }

    private static double cosine(Embedder embedder, List<String> pair) {
        List<float[]> v = embedder.embed(pair).vectors();
        return Vectors.cosine(v.get(0), v.get(1));
    }
}
