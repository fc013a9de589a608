package dev.litemem.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected values are worked out by hand: DCG = sum of grade / log2(rank + 1). */
class RetrievalMetricsTest {
    private static final double EPS = 1e-9;
    private static final double LOG2_3 = Math.log(3) / Math.log(2);

    /** Grades a=2, b=1, c=1 and d judged not relevant. Ideal DCG@10 = 2 + 1/log2(3) + 1/log2(4). */
    private static final Map<String, Integer> GRADED = Map.of("a", 2, "b", 1, "c", 1, "d", 0);
    private static final double IDEAL = 2 + 1 / LOG2_3 + 0.5;

    @Test
    void gradedNdcgUsesLinearGainAndLogRankPlusOneDiscount() {
        List<String> ranking = List.of("d", "b", "a", "x");
        double expected = (1 / LOG2_3 + 2 / 2.0) / IDEAL;
        assertEquals(expected, RetrievalMetrics.ndcg(ranking, GRADED, 10), EPS);
        assertEquals(0.5209090851403014, RetrievalMetrics.ndcg(ranking, GRADED, 10), EPS);
        assertEquals(2.0 / 3, RetrievalMetrics.recall(ranking, GRADED, 10), EPS);
        assertEquals(0.5, RetrievalMetrics.reciprocalRank(ranking, GRADED, 10), EPS);
    }

    @Test
    void binaryGradesGiveADifferentNdcgThanGradedOnes() {
        Map<String, Integer> binary = Map.of("a", 1, "b", 1, "c", 1, "d", 0);
        List<String> ranking = List.of("d", "b", "a", "x");
        assertEquals(0.5307212739772434, RetrievalMetrics.ndcg(ranking, binary, 10), EPS);
        // Exponential gain (2^g - 1) would give 0.5158...; linear gain gives 0.5209.
        assertEquals(0.5209090851403014, RetrievalMetrics.ndcg(ranking, GRADED, 10), EPS);
    }

    @Test
    void documentsTiedInGradeCanSwapWithoutChangingNdcg() {
        double first = RetrievalMetrics.ndcg(List.of("a", "b", "c"), GRADED, 10);
        double swapped = RetrievalMetrics.ndcg(List.of("a", "c", "b"), GRADED, 10);
        assertEquals(1.0, first, EPS);
        assertEquals(first, swapped, EPS);
        assertTrue(RetrievalMetrics.ndcg(List.of("b", "a", "c"), GRADED, 10) < 1.0);
    }

    @Test
    void idealRankingIsCutAtKToo() {
        // DCG@2 = 1 + 2/log2(3); IDCG@2 = 2 + 1/log2(3) (the third relevant document is beyond the cutoff).
        assertEquals(0.8597186998521972, RetrievalMetrics.ndcg(List.of("b", "a"), GRADED, 2), EPS);
        assertEquals(1.0, RetrievalMetrics.ndcg(List.of("a", "b"), GRADED, 2), EPS);
    }

    @Test
    void fewerResultsThanK() {
        List<String> one = List.of("a");
        assertEquals(2 / IDEAL, RetrievalMetrics.ndcg(one, GRADED, 10), EPS);
        assertEquals(0.6387878864795979, RetrievalMetrics.ndcg(one, GRADED, 10), EPS);
        assertEquals(1.0 / 3, RetrievalMetrics.recall(one, GRADED, 100), EPS);
        assertEquals(1.0, RetrievalMetrics.reciprocalRank(one, GRADED, 10), EPS);
        assertEquals(0.0, RetrievalMetrics.ndcg(List.of(), GRADED, 10), EPS);
    }

    @Test
    void relevantDocumentBelowTheCutoffOnlyCountsForDeeperRecall() {
        List<String> ranking = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            ranking.add("noise" + i);
        }
        ranking.add("z");
        Map<String, Integer> grades = Map.of("z", 1);
        assertEquals(0.0, RetrievalMetrics.recall(ranking, grades, 10), EPS);
        assertEquals(1.0, RetrievalMetrics.recall(ranking, grades, 100), EPS);
        assertEquals(0.0, RetrievalMetrics.reciprocalRank(ranking, grades, 10), EPS);
        assertEquals(0.0, RetrievalMetrics.ndcg(ranking, grades, 10), EPS);
        assertEquals(1 / (Math.log(13) / Math.log(2)), RetrievalMetrics.ndcg(ranking, grades, 100), EPS);
    }

    @Test
    void evaluateSkipsQueriesWithoutRelevantDocumentsAndScoresMissingRankingsAsZero() {
        Map<String, Map<String, Integer>> qrels = Map.of(
                "q1", GRADED,
                "q2", Map.of("e", 0),
                "q3", Map.of("f", 1));
        Map<String, List<String>> rankings = Map.of(
                "q1", List.of("d", "b", "a", "x"),
                "q2", List.of("e"),
                "unjudged", List.of("a"));

        RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(rankings, qrels);

        assertEquals(2, scores.queriesScored());
        assertEquals(1, scores.queriesSkipped());
        assertEquals(1, scores.queriesWithoutRanking());
        assertEquals(0.5209090851403014 / 2, scores.ndcgAt10(), EPS);
        assertEquals((2.0 / 3) / 2, scores.recallAt10(), EPS);
        assertEquals((2.0 / 3) / 2, scores.recallAt100(), EPS);
        assertEquals(0.25, scores.mrrAt10(), EPS);
        assertEquals(List.of("ndcg@10", "recall@10", "recall@100", "mrr@10", "queries"),
                List.copyOf(scores.asMap().keySet()));
        assertEquals(2.0, scores.asMap().get("queries"));
    }

    @Test
    void perfectRankingScoresOne() {
        RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(
                Map.of("q1", List.of("a", "c", "b", "d")), Map.of("q1", GRADED));
        assertEquals(1.0, scores.ndcgAt10(), EPS);
        assertEquals(1.0, scores.recallAt10(), EPS);
        assertEquals(1.0, scores.mrrAt10(), EPS);
    }

    @Test
    void noScorableQueriesGiveZeroQueriesNotNaN() {
        RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(Map.of(), Map.of("q", Map.of("a", 0)));
        assertEquals(0, scores.queriesScored());
        assertEquals(0.0, scores.ndcgAt10());
    }

    @Test
    void duplicateDocumentsInARankingAreRejected() {
        DatasetException e = assertThrows(DatasetException.class, () -> RetrievalMetrics.evaluate(
                Map.of("q1", List.of("a", "b", "a")), Map.of("q1", GRADED)));
        assertTrue(e.getMessage().contains("ranks 1 and 3"), e.getMessage());
        assertThrows(DatasetException.class, () -> RetrievalMetrics.ndcg(List.of("a"), GRADED, 0));
    }
}
