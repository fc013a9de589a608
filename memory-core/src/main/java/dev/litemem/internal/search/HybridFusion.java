package dev.litemem.internal.search;

import dev.litemem.Fusion;
import java.util.Collection;

/** Scores the rows of a hybrid search from what each side said of them, by the request's {@link Fusion}. */
public final class HybridFusion {
    private HybridFusion() {
    }

    static void score(Collection<Candidate> rows, Fusion fusion, double weight, int rrfK) {
        switch (fusion) {
            case RRF -> rows.forEach(s -> s.score = (float) (rrf(weight, rrfK, s.semanticRank)
                    + rrf(1 - weight, rrfK, s.keywordRank)));
            case MIN_MAX, Z_SCORE -> {
                Spread semantic = new Spread();
                Spread keyword = new Spread();
                for (Candidate s : rows) {
                    semantic.add(s.semanticScore);
                    keyword.add(s.keywordScore);
                }
                boolean minMax = fusion == Fusion.MIN_MAX;
                for (Candidate s : rows) {
                    double a = minMax ? semantic.minMax(s.semanticScore) : semantic.zScore(s.semanticScore);
                    double b = minMax ? keyword.minMax(s.keywordScore) : keyword.zScore(s.keywordScore);
                    s.score = (float) (weight * a + (1 - weight) * b);
                }
            }
        }
    }

    /** Weighted reciprocal rank fusion: weight / (k + rank), or 0 when the side did not return the row. */
    public static double rrf(double weight, int k, Integer rank) {
        return rank == null ? 0 : weight / (k + rank);
    }

    /** Minimum, maximum, mean and standard deviation of one side's scores. */
    private static final class Spread {
        private int n;
        private double min = Double.POSITIVE_INFINITY;
        private double max = Double.NEGATIVE_INFINITY;
        private double sum;
        private double sumOfSquares;

        void add(Float score) {
            if (score != null) {
                n++;
                min = Math.min(min, score);
                max = Math.max(max, score);
                sum += score;
                sumOfSquares += (double) score * score;
            }
        }

        /** In [0, 1]; 0 for a row this side did not return, 1 for every row when all its scores are equal. */
        double minMax(Float score) {
            if (score == null) {
                return 0;
            }
            return max > min ? (score - min) / (max - min) : 1;
        }

        /** The z-score; the lowest z-score of the list for a row this side did not return (0 for an empty side). */
        double zScore(Float score) {
            if (n == 0) {
                return 0;
            }
            double mean = sum / n;
            double sd = Math.sqrt(Math.max(0, sumOfSquares / n - mean * mean));
            double value = score == null ? min : score;
            return sd > 0 ? (value - mean) / sd : 0;
        }
    }
}
