package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.SearchRequest;
import dev.litemem.datasets.AnnRecall;
import dev.litemem.datasets.VectorFiles;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The ANN benchmark: vectors go in through the normal write path, the index is built, checkpointed, reopened from the
 * checkpoint and rebuilt from the rows (each timed), then single-thread search is measured at each ef against the
 * exact scan.
 */
@Command(name = "ann", mixinStandardHelpOptions = true,
        description = "Builds, checkpoints, reopens and searches an HNSW index over fvecs vectors; reports recall@10 and QPS.")
final class BenchAnnCommand implements Callable<Integer> {
    @Option(names = "--base", required = true, paramLabel = "B.fvecs") Path base;
    @Option(names = "--queries", required = true, paramLabel = "Q.fvecs") Path queries;
    @Option(names = "--gt", required = true, paramLabel = "G.ivecs", description = "Exact neighbours of each query.") Path groundTruth;
    @Option(names = "--m", defaultValue = "16") int m;
    @Option(names = "--ef-construction", defaultValue = "200") int efConstruction;
    @Option(names = "--ef", split = ",", defaultValue = "10,16,32,64,128,256") List<Integer> efs;
    @Option(names = "--threads", description = "Build threads (default: all cores).") Integer threads;
    @Option(names = "--metric", defaultValue = "cosine", description = "cosine, dot or l2 (default: ${DEFAULT-VALUE}).") String metric;
    @Option(names = "--k", defaultValue = "10") int k;
    @Option(names = "--exact-queries", defaultValue = "200", description = "Queries used to time the exact scan.") int exactQueries;
    @Option(names = "--db", paramLabel = "FILE", description = "Where to build (default: a temporary file, deleted after).") Path db;
    @Option(names = "--search-only", description = "Reuse the index that an earlier run built in --db: time the open "
            + "and the searches only (for alternating runs with a peer on a shared machine).") boolean searchOnly;
    @Option(names = "--passes", defaultValue = "5", description = "Timed passes over the queries per ef; the median "
            + "is reported (default: ${DEFAULT-VALUE}).") int passes;
    @Option(names = "--impl", paramLabel = "NAME", description = "Build and search the index alone, without a LiteMem "
            + "file: litemem (our HNSW graph, the default everywhere) or hnswlib-core (the reference implementation); "
            + "reports build_s on --threads, memory_bytes and the search curve.") String impl;
    @Option(names = "--json", description = "Print one JSON object.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        float[][] baseVectors = VectorFiles.readFvecs(base);
        float[][] queryVectors = VectorFiles.readFvecs(queries);
        int[][] truth = VectorFiles.readIvecs(groundTruth);
        if (truth.length < queryVectors.length) {
            throw new dev.litemem.InvalidInputException("gt", groundTruth + " has " + truth.length + " rows for "
                    + queryVectors.length + " queries");
        }
        int dim = baseVectors[0].length;
        int buildThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (passes < 1) {
            throw new dev.litemem.InvalidInputException("passes", "--passes must be at least 1, got " + passes);
        }
        if (searchOnly) {
            return searchOnly(baseVectors.length, dim, queryVectors, truth);
        }
        if (impl != null) {
            return indexOnly(baseVectors, queryVectors, truth, buildThreads);
        }
        Path file = db != null ? db : Files.createTempFile("litemem-bench-", ".db");
        Files.deleteIfExists(file);
        CollectionSpec collectionSpec = CollectionSpec.vectors(dim, Metric.fromId(metric))
                .withHnsw(new HnswParams(m, efConstruction, HnswParams.DEFAULTS.efSearch()));
        // exactSearchBelow(0): a graph whatever the size (this measures the graph).
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).backgroundIndexing(false)
                .exactSearchBelow(0).indexThreads(buildThreads).build();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("n", baseVectors.length);
        result.put("dim", dim);
        result.put("queries", queryVectors.length);
        result.put("m", m);
        result.put("ef_construction", efConstruction);
        result.put("threads", buildThreads);
        try {
            try (LiteMem mem = LiteMem.open(file, options)) {
                Collection c = mem.collection("bench", collectionSpec);
                long started = System.nanoTime();
                List<Record> batch = new ArrayList<>(1000);
                for (int i = 0; i < baseVectors.length; i++) {
                    batch.add(Record.builder().id(Integer.toString(i)).vector(baseVectors[i]).build());
                    if (batch.size() == 1000 || i == baseVectors.length - 1) {
                        c.upsertAll(batch);
                        batch.clear();
                    }
                }
                result.put("write_s", seconds(started));
                started = System.nanoTime();
                c.loadIndex();
                double buildSeconds = seconds(started);
                result.put("build_s", buildSeconds);
                result.put("build_us_per_vector", buildSeconds * 1e6 / baseVectors.length);
                started = System.nanoTime();
                long checkpointBytes = c.checkpointIndex().checkpointBytes();
                result.put("checkpoint_s", seconds(started));
                result.put("checkpoint_bytes", checkpointBytes);
                result.put("vector_bytes", (long) baseVectors.length * dim * Float.BYTES);
            }
            result.put("file_bytes", Files.size(file));
            try (LiteMem mem = LiteMem.open(file, options)) {
                long started = System.nanoTime();
                Collection c = mem.collection("bench");
                String source = c.loadIndex().source();
                result.put("open_s", seconds(started));
                result.put("open_source", source);
                started = System.nanoTime();
                c.rebuildIndex();
                result.put("rebuild_s", seconds(started));
                measureSearch(c, queryVectors, truth, result);
            }
        } finally {
            if (db == null) {
                for (String suffix : List.of("", "-wal", "-shm")) {
                    Files.deleteIfExists(Path.of(file + suffix));
                }
            }
        }
        print(result);
        return Main.EXIT_OK;
    }

    private int searchOnly(int n, int dim, float[][] queryVectors, int[][] truth) {
        if (db == null || !Files.isRegularFile(db)) {
            throw new dev.litemem.InvalidInputException("db", "--search-only needs --db FILE from an earlier run of "
                    + "bench ann with the same --base (" + (db == null ? "no --db given" : db + " does not exist") + ")");
        }
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).backgroundIndexing(false)
                .exactSearchBelow(0).build();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("n", n);
        result.put("dim", dim);
        result.put("queries", queryVectors.length);
        result.put("search_only", true);
        try (LiteMem mem = LiteMem.open(db, options)) {
            Collection c = mem.collection("bench");
            if (c.count() != n) {
                throw new dev.litemem.InvalidInputException("db", db + " holds " + c.count() + " vectors but --base has "
                        + n + ": build it first with the same --base and --db, without --search-only");
            }
            long started = System.nanoTime();
            result.put("open_source", c.loadIndex().source());
            result.put("open_s", seconds(started));
            measureSearch(c, queryVectors, truth, result);
        }
        print(result);
        return Main.EXIT_OK;
    }

    private int indexOnly(float[][] baseVectors, float[][] queryVectors, int[][] truth, int buildThreads) {
        VectorIndex.Implementation implementation = switch (impl) {
            case "litemem" -> VectorIndex.Implementation.LITEMEM;
            case "hnswlib-core" -> VectorIndex.Implementation.HNSWLIB_CORE;
            default -> throw new dev.litemem.InvalidInputException("impl", "--impl must be litemem or hnswlib-core, got '"
                    + impl + "'");
        };
        int dim = baseVectors[0].length;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("implementation", impl);
        result.put("n", baseVectors.length);
        result.put("dim", dim);
        result.put("queries", queryVectors.length);
        result.put("m", m);
        result.put("ef_construction", efConstruction);
        result.put("threads", buildThreads);
        VectorIndex index = VectorIndex.create(dim, Metric.fromId(metric),
                new HnswParams(m, efConstruction, HnswParams.DEFAULTS.efSearch()), implementation);
        long[] labels = new long[baseVectors.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i; // the label is the position in the base file
        }
        long cpuStarted = processCpuNanos();
        long started = System.nanoTime();
        index.addAll(labels, baseVectors, buildThreads);
        double buildSeconds = seconds(started);
        result.put("build_s", buildSeconds);
        result.put("build_us_per_vector", buildSeconds * 1e6 / baseVectors.length);
        if (cpuStarted >= 0) { // the process's CPU time: the build's work, whatever else runs on the machine
            result.put("build_cpu_s", (processCpuNanos() - cpuStarted) / 1e9);
        }
        result.put("memory_bytes", index.memoryBytes());
        result.put("curve", curve(index, queryVectors, truth, label -> (int) label));
        result.put("exact_qps", exactQps(index, queryVectors));
        print(result);
        return Main.EXIT_OK;
    }

    private void measureSearch(Collection c, float[][] queries, int[][] truth, Map<String, Object> result) {
        // Labels are row ids; the bench's record ids are the vectors' positions in the base file.
        Map<Long, Integer> position = new HashMap<>();
        c.indexLabels().forEach((label, id) -> position.put(label, Integer.parseInt(id)));
        VectorIndex index = c.vectorIndex();
        List<Map<String, Object>> curve = curve(index, queries, truth, position::get);
        result.put("exact_qps", exactQps(index, queries));
        result.put("curve", curve);
        // One ef through the whole public search API (Collection.search: the walk, then the hits' records read in one
        // statement), against the index alone at the same ef, passes alternated so that both see the same machine.
        int apiEf = efs.get(Math.min(2, efs.size() - 1));
        long[][] found = new long[queries.length][];
        searchAll(index, queries, apiEf, found, position::get); // warm-up passes
        searchApi(c, queries, apiEf);
        long[] indexNanos = new long[passes];
        long[] apiNanos = new long[passes];
        for (int pass = 0; pass < passes; pass++) {
            long started = System.nanoTime();
            searchAll(index, queries, apiEf, found, position::get);
            indexNanos[pass] = System.nanoTime() - started;
            started = System.nanoTime();
            searchApi(c, queries, apiEf);
            apiNanos[pass] = System.nanoTime() - started;
        }
        Arrays.sort(indexNanos);
        Arrays.sort(apiNanos);
        double indexQps = queries.length / (indexNanos[passes / 2] / 1e9);
        double apiQps = queries.length / (apiNanos[passes / 2] / 1e9);
        result.put("api_ef", apiEf);
        result.put("api_index_qps", indexQps);
        result.put("api_qps", apiQps);
        result.put("api_ratio", apiQps / indexQps);
    }

    private void searchApi(Collection c, float[][] queries, int ef) {
        for (float[] q : queries) {
            c.search(SearchRequest.vector(q).k(k).ef(ef));
        }
    }

    /** Recall@k and single-thread QPS (median of the timed passes, after a warm-up pass) at each ef. */
    private List<Map<String, Object>> curve(VectorIndex index, float[][] queries, int[][] truth,
                                            java.util.function.LongToIntFunction position) {
        List<Map<String, Object>> curve = new ArrayList<>();
        for (int ef : efs) {
            long[][] found = new long[queries.length][];
            searchAll(index, queries, ef, found, position); // warm-up pass
            long[] nanos = new long[passes];
            for (int pass = 0; pass < nanos.length; pass++) {
                long started = System.nanoTime();
                searchAll(index, queries, ef, found, position);
                nanos[pass] = System.nanoTime() - started;
            }
            Arrays.sort(nanos);
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("ef", ef);
            point.put("recall@" + k, AnnRecall.meanRecallAtK(found, truth, k));
            point.put("qps", queries.length / (nanos[passes / 2] / 1e9));
            curve.add(point);
        }
        return curve;
    }

    private double exactQps(VectorIndex index, float[][] queries) {
        int exactCount = Math.min(exactQueries, queries.length);
        long started = System.nanoTime();
        for (int q = 0; q < exactCount; q++) {
            index.searchExact(queries[q], k, null);
        }
        return exactCount / seconds(started);
    }

    private void searchAll(VectorIndex index, float[][] queries, int ef, long[][] found,
                           java.util.function.LongToIntFunction position) {
        for (int q = 0; q < queries.length; q++) {
            List<Neighbor> hits = index.search(queries[q], k, ef, null);
            long[] ids = new long[hits.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = position.applyAsInt(hits.get(i).label());
            }
            found[q] = ids;
        }
    }

    private void print(Map<String, Object> result) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Output.jsonLine(out, result);
            return;
        }
        result.forEach((key, value) -> {
            if (!key.equals("curve")) {
                out.printf("%-20s %s%n", key, value);
            }
        });
        out.printf("%6s %10s %10s%n", "ef", "recall@" + k, "qps");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> curve = (List<Map<String, Object>>) result.get("curve");
        for (Map<String, Object> p : curve) {
            out.printf("%6d %10.4f %10.0f%n", p.get("ef"), p.get("recall@" + k), p.get("qps"));
        }
    }

    /** CPU time of this process (all threads, the JIT and the collector included), or -1 when the JVM does not say. */
    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }
}
