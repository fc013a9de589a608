package dev.litemem.datasets;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a synthetic vector set with exact ground truth: {@code base.fvecs}, {@code queries.fvecs},
 * {@code groundtruth.ivecs} (ids of the k nearest base vectors per query, nearest first) and {@code params.txt}.
 *
 * <pre>
 * java -cp litemem-datasets.jar dev.litemem.datasets.GenerateVectors --n 100000 --dim 384 --queries 1000 \
 *     --k 100 --clusters 100 --seed 42 --out DIR [--metric ip|l2] [--normalize true|false] [--spread 1.0]
 *     [--threads N]
 * </pre>
 */
public final class GenerateVectors {
    static final String USAGE = "usage: GenerateVectors --out DIR [--n 100000] [--dim 384] [--queries 1000] [--k 100] "
            + "[--clusters 100] [--seed 42] [--metric ip|l2] [--normalize true|false] [--spread 1.0] [--threads N]\n"
            + "  --metric ip ranks by inner product (cosine when normalized, the default); l2 by Euclidean distance.\n"
            + "  --normalize defaults to true for ip and false for l2.";

    private static final Set<String> OPTIONS = Set.of(
            "out", "n", "dim", "queries", "k", "clusters", "seed", "metric", "normalize", "spread", "threads");

    private GenerateVectors() {
    }

    public static void main(String[] args) {
        try {
            run(args, System.out);
        } catch (DatasetException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /** Parses {@code args}, generates the files and returns the output folder. */
    static Path run(String[] args, PrintStream out) {
        Map<String, String> options = parse(args);
        if (!options.containsKey("out")) {
            throw new DatasetException("--out DIR is required");
        }
        Path dir = Path.of(options.get("out"));
        int n = intOption(options, "n", 100_000);
        int dim = intOption(options, "dim", 384);
        int queryCount = intOption(options, "queries", 1000);
        int k = intOption(options, "k", 100);
        int clusters = intOption(options, "clusters", 100);
        long seed = longOption(options, "seed", 42);
        int threads = intOption(options, "threads", Runtime.getRuntime().availableProcessors());
        DistanceMetric metric = metricOption(options.getOrDefault("metric", "ip"));
        boolean normalize = booleanOption(options, "normalize", metric == DistanceMetric.INNER_PRODUCT);
        double spread = doubleOption(options, "spread", 1.0);
        if (n <= 0 || queryCount <= 0) {
            throw new DatasetException("--n and --queries must be positive");
        }
        if (k > n) {
            throw new DatasetException("--k (" + k + ") cannot exceed --n (" + n + ")");
        }

        long start = System.nanoTime();
        GaussianMixture mixture = new GaussianMixture(dim, clusters, spread, normalize, seed);
        float[][] base = mixture.sample(n, 1);
        float[][] queries = mixture.sample(queryCount, 2);
        long generated = System.nanoTime();
        int[][] truth = GroundTruth.compute(base, queries, k, metric, threads);
        long computed = System.nanoTime();

        try {
            Files.createDirectories(dir);
            VectorFiles.writeFvecs(dir.resolve("base.fvecs"), base);
            VectorFiles.writeFvecs(dir.resolve("queries.fvecs"), queries);
            VectorFiles.writeIvecs(dir.resolve("groundtruth.ivecs"), truth);
            String params = String.format(Locale.ROOT, "n=%d%ndim=%d%nqueries=%d%nk=%d%nclusters=%d%nseed=%d%n"
                            + "metric=%s%nnormalize=%s%nspread=%s%ngenerator=GaussianMixture streams base=1 queries=2%n",
                    n, dim, queryCount, k, clusters, seed, metric == DistanceMetric.L2 ? "l2" : "ip", normalize, spread);
            Files.writeString(dir.resolve("params.txt"), params, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DatasetException(dir + ": cannot write output (" + e.getClass().getSimpleName() + ")", e);
        }
        out.printf(Locale.ROOT, "wrote %d base and %d query vectors (dim %d) and top-%d ground truth to %s "
                        + "(generate %.1f s, ground truth %.1f s on %d threads)%n",
                n, queryCount, dim, k, dir, (generated - start) / 1e9, (computed - generated) / 1e9, threads);
        return dir;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new DatasetException("unexpected argument at position " + (i + 1) + "; options look like --name value");
            }
            String name = arg.substring(2);
            String value;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new DatasetException("--" + name + " needs a value");
            }
            if (!OPTIONS.contains(name)) {
                throw new DatasetException("unknown option --" + name);
            }
            if (options.put(name, value) != null) {
                throw new DatasetException("--" + name + " given twice");
            }
        }
        return options;
    }

    private static int intOption(Map<String, String> options, String name, int defaultValue) {
        long value = longOption(options, name, defaultValue);
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new DatasetException("--" + name + " must be a positive int");
        }
        return (int) value;
    }

    private static long longOption(Map<String, String> options, String name, long defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new DatasetException("--" + name + " must be an integer", e);
        }
    }

    private static double doubleOption(Map<String, String> options, String name, double defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new DatasetException("--" + name + " must be a number", e);
        }
    }

    private static boolean booleanOption(Map<String, String> options, String name, boolean defaultValue) {
        String value = options.get(name);
        if (value == null) {
            return defaultValue;
        }
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new DatasetException("--" + name + " must be true or false");
    }

    private static DistanceMetric metricOption(String value) {
        switch (value) {
            case "ip":
            case "cosine":
                return DistanceMetric.INNER_PRODUCT;
            case "l2":
                return DistanceMetric.L2;
            default:
                throw new DatasetException("--metric must be ip or l2");
        }
    }
}
