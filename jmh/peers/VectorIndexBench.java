import dev.litemem.datasets.AnnRecall;
import dev.litemem.datasets.VectorFiles;
import dev.litemem.index.CheckpointIdentity;
import dev.litemem.index.HnswParams;
import dev.litemem.index.Metric;
import dev.litemem.index.Neighbor;
import dev.litemem.index.VectorIndex;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Times the default VectorIndex of any LiteMem build through the API every build has (create, addAll,
 * writeCheckpoint, readCheckpoint, search, searchExact), so that two builds can be compared by one program on a
 * shared machine. Queries per second are given by wall time and by the searching thread's CPU time, which other
 * processes on the machine disturb much less. Run as a single-file program on a build's class path:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp "cli/target/litemem-cli.jar:cli/target/lib/*" jmh/peers/VectorIndexBench.java \
 *     build DIR THREADS OUT.ckpt              # DIR from GenerateVectors (cosine, 100k x 384); label = position
 * java ... jmh/peers/VectorIndexBench.java search DIR CKPT 32,64 PASSES   # recall@10 and QPS per ef, exact scan
 * </pre>
 */
public class VectorIndexBench {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[1]);
        float[][] base = VectorFiles.readFvecs(dir.resolve("base.fvecs"));
        CheckpointIdentity identity = new CheckpointIdentity("bench", "generated", base[0].length, Metric.COSINE,
                HnswParams.DEFAULTS);
        if (args[0].equals("build")) {
            long[] labels = new long[base.length];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = i;
            }
            VectorIndex index = VectorIndex.create(base[0].length, Metric.COSINE, HnswParams.DEFAULTS);
            long started = System.nanoTime();
            index.addAll(labels, base, Integer.parseInt(args[2]));
            double build = (System.nanoTime() - started) / 1e9;
            try (OutputStream out = Files.newOutputStream(Path.of(args[3]))) {
                index.writeCheckpoint(out, identity);
            }
            System.out.printf(Locale.ROOT, "{\"build_s\":%.2f,\"threads\":%s,\"memory_bytes\":%d}%n", build, args[2],
                    index.memoryBytes());
            return;
        }
        float[][] queries = VectorFiles.readFvecs(dir.resolve("queries.fvecs"));
        int[][] truth = VectorFiles.readIvecs(dir.resolve("groundtruth.ivecs"));
        long started = System.nanoTime();
        VectorIndex index;
        try (InputStream in = Files.newInputStream(Path.of(args[2]))) {
            index = VectorIndex.readCheckpoint(in, identity, label -> base[(int) label]);
        }
        double open = (System.nanoTime() - started) / 1e9;
        int passes = Integer.parseInt(args[4]);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        StringBuilder json = new StringBuilder(String.format(Locale.ROOT, "{\"ckpt\":\"%s\",\"open_s\":%.2f,\"curve\":[",
                args[2], open));
        String separator = "";
        for (String efText : args[3].split(",")) {
            int ef = Integer.parseInt(efText);
            long[][] found = new long[queries.length][];
            long[] wall = new long[passes];
            long[] cpu = new long[passes];
            for (int pass = -1; pass < passes; pass++) { // pass -1 warms up
                long wallStart = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                for (int q = 0; q < queries.length; q++) {
                    List<Neighbor> hits = index.search(queries[q], 10, ef, null);
                    long[] ids = new long[hits.size()];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = hits.get(i).label();
                    }
                    found[q] = ids;
                }
                if (pass >= 0) {
                    wall[pass] = System.nanoTime() - wallStart;
                    cpu[pass] = threads.getCurrentThreadCpuTime() - cpuStart;
                }
            }
            Arrays.sort(wall);
            Arrays.sort(cpu);
            json.append(separator).append(String.format(Locale.ROOT,
                    "{\"ef\":%d,\"recall@10\":%.4f,\"qps_wall\":%.0f,\"qps_cpu\":%.0f}", ef,
                    AnnRecall.meanRecallAtK(found, truth, 10), queries.length / (wall[passes / 2] / 1e9),
                    queries.length / (cpu[passes / 2] / 1e9)));
            separator = ",";
        }
        long cpuStart = threads.getCurrentThreadCpuTime();
        for (int q = 0; q < 100; q++) {
            index.searchExact(queries[q], 10, null);
        }
        double exactCpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        System.out.println(json.append(String.format(Locale.ROOT, "],\"exact_qps_cpu\":%.1f}", 100 / exactCpu)));
    }
}
