package dev.litemem.datasets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ranked-retrieval metrics computed as trec_eval (and so pytrec_eval and BEIR) computes them.
 *
 * <ul>
 *   <li>nDCG@k: BEIR reports pytrec_eval's {@code ndcg_cut.k}, whose gain is the grade itself (linear, not
 *       {@code 2^grade - 1}) and whose discount is {@code log2(rank + 1)} for 1-based ranks; the ideal ranking sorts
 *       all judged documents with grade &gt; 0 by grade and is cut at k as well.</li>
 *   <li>recall@k: relevant (grade &gt; 0) documents in the top k divided by all relevant documents of the query.</li>
 *   <li>MRR@k: 1 / rank of the first relevant document in the top k, 0 if there is none.</li>
 * </ul>
 *
 * <p>Rankings are taken in the order given (trec_eval instead re-sorts by score). A query is scored when the qrels
 * give it at least one document with grade &gt; 0; other queries are skipped, as trec_eval does. A scored query with
 * no ranking counts as an empty ranking (all metrics 0), like {@code trec_eval -c}. BEIR's own MRR divides by every
 * query in the qrels; here every metric is averaged over the same scored queries.
 */
public final class RetrievalMetrics {

    /** Mean scores over {@link #queriesScored} queries; {@link #queriesSkipped} had no relevant document. */
    public record Scores(double ndcgAt10, double recallAt10, double recallAt100, double mrrAt10,
                         int queriesScored, int queriesSkipped, int queriesWithoutRanking) {

        /** The scores under their usual names: ndcg@10, recall@10, recall@100, mrr@10, queries. */
        public Map<String, Double> asMap() {
            Map<String, Double> map = new LinkedHashMap<>();
            map.put("ndcg@10", ndcgAt10);
            map.put("recall@10", recallAt10);
            map.put("recall@100", recallAt100);
            map.put("mrr@10", mrrAt10);
            map.put("queries", (double) queriesScored);
            return map;
        }
    }

    private RetrievalMetrics() {
    }

    /**
     * Scores rankings against qrels.
     *
     * @param rankings query id to document ids, best first, without duplicates
     * @param qrels    query id to document id to grade, as {@link BeirDataset#qrels()}
     */
    public static Scores evaluate(Map<String, List<String>> rankings, Map<String, Map<String, Integer>> qrels) {
        double ndcg10 = 0;
        double recall10 = 0;
        double recall100 = 0;
        double mrr10 = 0;
        int scored = 0;
        int skipped = 0;
        int withoutRanking = 0;
        for (Map.Entry<String, Map<String, Integer>> entry : qrels.entrySet()) {
            Map<String, Integer> grades = entry.getValue();
            if (countRelevant(grades) == 0) {
                skipped++;
                continue;
            }
            List<String> ranking = rankings.get(entry.getKey());
            if (ranking == null) {
                withoutRanking++;
                ranking = List.of();
            }
            requireNoDuplicates(ranking);
            ndcg10 += ndcg(ranking, grades, 10);
            recall10 += recall(ranking, grades, 10);
            recall100 += recall(ranking, grades, 100);
            mrr10 += reciprocalRank(ranking, grades, 10);
            scored++;
        }
        if (scored == 0) {
            return new Scores(0, 0, 0, 0, 0, skipped, withoutRanking);
        }
        return new Scores(ndcg10 / scored, recall10 / scored, recall100 / scored, mrr10 / scored,
                scored, skipped, withoutRanking);
    }

    /** nDCG@k of one ranking (linear gain, log2(rank + 1) discount); 0 when no document has grade &gt; 0. */
    public static double ndcg(List<String> ranking, Map<String, Integer> grades, int k) {
        requirePositive(k);
        double dcg = 0;
        int depth = Math.min(k, ranking.size());
        for (int i = 0; i < depth; i++) {
            int grade = grades.getOrDefault(ranking.get(i), 0);
            if (grade > 0) {
                dcg += grade / log2(i + 2);
            }
        }
        List<Integer> ideal = new ArrayList<>();
        for (int grade : grades.values()) {
            if (grade > 0) {
                ideal.add(grade);
            }
        }
        ideal.sort((a, b) -> Integer.compare(b, a));
        double idealDcg = 0;
        for (int i = 0; i < Math.min(k, ideal.size()); i++) {
            idealDcg += ideal.get(i) / log2(i + 2);
        }
        return idealDcg > 0 ? dcg / idealDcg : 0;
    }

    /** Relevant documents in the top k over all relevant documents; 0 when there are none. */
    public static double recall(List<String> ranking, Map<String, Integer> grades, int k) {
        requirePositive(k);
        int relevant = countRelevant(grades);
        if (relevant == 0) {
            return 0;
        }
        int found = 0;
        int depth = Math.min(k, ranking.size());
        for (int i = 0; i < depth; i++) {
            if (grades.getOrDefault(ranking.get(i), 0) > 0) {
                found++;
            }
        }
        return (double) found / relevant;
    }

    /** 1 / rank of the first document with grade &gt; 0 within the top k, or 0. */
    public static double reciprocalRank(List<String> ranking, Map<String, Integer> grades, int k) {
        requirePositive(k);
        int depth = Math.min(k, ranking.size());
        for (int i = 0; i < depth; i++) {
            if (grades.getOrDefault(ranking.get(i), 0) > 0) {
                return 1.0 / (i + 1);
            }
        }
        return 0;
    }

    private static int countRelevant(Map<String, Integer> grades) {
        int relevant = 0;
        for (int grade : grades.values()) {
            if (grade > 0) {
                relevant++;
            }
        }
        return relevant;
    }

    private static void requireNoDuplicates(List<String> ranking) {
        Map<String, Integer> firstRank = new HashMap<>();
        for (int i = 0; i < ranking.size(); i++) {
            Integer earlier = firstRank.putIfAbsent(ranking.get(i), i + 1);
            if (earlier != null) {
                throw new DatasetException("a ranking lists the same document at ranks " + earlier + " and " + (i + 1)
                        + "; collapse duplicates (e.g. several chunks of one document) before evaluating");
            }
        }
    }

    private static void requirePositive(int k) {
        if (k <= 0) {
            throw new DatasetException("cutoff k must be positive, got " + k);
        }
    }

    private static double log2(int x) {
        return Math.log(x) / Math.log(2);
    }
}
