package dev.litemem.server;

import dev.litemem.CollectionSpec;
import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.Record;
import dev.litemem.index.Metric;
import dev.litemem.server.internal.LoopbackClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The cold-tenant scenario of docs/SERVER.md: a data folder of many tenants of 200 vectors (384 dimensions) each,
 * written as files before the server starts (a template store copied, key files written in the server's layout), then
 * a server started on it and the first vector search of every tenant sent from several clients at once. Used by
 * {@code ColdTenantsTest} and runnable on its own for profiling:
 * {@code ColdTenants DIR TENANTS CLIENTS [PORT]} (builds DIR/data once, then starts a server and runs the queries).
 */
final class ColdTenants {
    static final int DIM = 384;
    static final int RECORDS = 200;
    static final String ADMIN = "cold-tenants-admin-key-0123456789";

    /** What the first queries measured. */
    record Result(int tenants, int clients, long[] sortedNanos, int errors, long fdsAtEnd,
                  double seconds, Cpu cpu) {
        double millisAt(double quantile) {
            return sortedNanos[Math.min(sortedNanos.length - 1, (int) Math.ceil(quantile * sortedNanos.length) - 1)] / 1e6;
        }

        @Override
        public String toString() {
            return String.format("cold tenants: %d tenants x %d vectors, %d clients: first query p50 %.2f ms, p90 %.2f ms,"
                            + " p99 %.2f ms, max %.2f ms, errors %d, %.1f s in all (%.0f/s); open fds %d; %s",
                    tenants, RECORDS, clients, millisAt(0.5), millisAt(0.9), millisAt(0.99),
                    sortedNanos[sortedNanos.length - 1] / 1e6, errors, seconds, tenants / seconds, fdsAtEnd,
                    cpu.perQuery(tenants));
        }
    }

    /**
     * CPU time spent while the first queries ran, in nanoseconds: the whole process, the client threads (the test's
     * own and their HTTP clients' selector and worker threads, all in this JVM), the other Java threads (the
     * server's), and the rest (the JVM's own threads: JIT compilers, GC, threads that ended during the round).
     * Garbage collection count and time and JIT compilation time beside.
     */
    record Cpu(long process, long clients, long server, long gcCount, long gcMillis, long jitMillis) {
        String perQuery(int queries) {
            return String.format("CPU per first query %.2f ms (server threads %.2f, clients %.2f, JVM/JIT/GC %.2f);"
                            + " GC %d collections %d ms, JIT %d ms; load %s",
                    process / 1e6 / queries, server / 1e6 / queries, clients / 1e6 / queries,
                    (process - clients - server) / 1e6 / queries, gcCount, gcMillis, jitMillis, loadAverage());
        }
    }

    /** A snapshot of the counters {@link Cpu} is the difference of. */
    private static final class CpuClock {
        private final long process = processCpuNanos();
        private final Map<Long, Long> threads = threadCpuNanos();
        private final long gcCount = gc(true);
        private final long gcMillis = gc(false);
        private final long jitMillis = java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime();

        Cpu since(java.util.Set<Long> clientThreads, long endedClientNanos) {
            long clients = endedClientNanos;
            long server = 0;
            for (Map.Entry<Long, Long> now : threadCpuNanos().entrySet()) {
                long spent = now.getValue() - threads.getOrDefault(now.getKey(), 0L);
                if (clientThreads.contains(now.getKey())) {
                    clients += spent;
                } else {
                    server += spent;
                }
            }
            return new Cpu(processCpuNanos() - process, clients, server, gc(true) - gcCount, gc(false) - gcMillis,
                    java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMillis);
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
        }

        private static Map<Long, Long> threadCpuNanos() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            Map<Long, Long> cpu = new java.util.HashMap<>();
            for (long id : mx.getAllThreadIds()) {
                long nanos = mx.getThreadCpuTime(id);
                if (nanos >= 0) {
                    cpu.put(id, nanos);
                }
            }
            return cpu;
        }

        private static long gc(boolean count) {
            long sum = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                sum += Math.max(0, count ? gc.getCollectionCount() : gc.getCollectionTime());
            }
            return sum;
        }
    }

    /** The machine's load averages (1, 5, 15 minutes), as /proc/loadavg has them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private ColdTenants() {
    }

    static String name(int t) {
        return String.format("cold-%05d", t);
    }

    static String key(int t) {
        return "lmk_cold-tenant-key-" + t;
    }

    /** Writes {@code tenants} tenants into {@code data} (the server's layout) without a server running. */
    static void writeDataFolder(Path data, int tenants) throws IOException {
        Path dir = data.resolve("tenants");
        Files.createDirectories(dir);
        Path template = data.resolveSibling("template.db");
        Files.deleteIfExists(template);
        LiteMemOptions options = LiteMemOptions.builder().useBundledEmbedder(false).backgroundIndexing(false).build();
        Random random = new Random(42);
        try (LiteMem mem = LiteMem.open(template, options)) {
            var notes = mem.collection("notes", CollectionSpec.vectors(DIM, Metric.COSINE));
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                records.add(Record.builder().id("r" + i).text("note " + i).metadata(Map.of("n", i))
                        .vector(vector(random)).build());
            }
            notes.upsertAll(records);
            notes.loadIndex(); // close() then stores what a store that served searches stores
        }
        for (int t = 0; t < tenants; t++) {
            Path db = dir.resolve(name(t) + ".db");
            Files.copy(template, db, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-------"));
            Path keyFile = dir.resolve(name(t) + ".key");
            Files.writeString(keyFile, HexFormat.of().formatHex(dev.litemem.internal.Sha256.of(key(t))));
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        }
        Files.delete(template);
    }

    static float[] vector(Random random) {
        float[] v = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    static String searchBody(Random random) {
        StringBuilder b = new StringBuilder("{\"k\": 10, \"vector\": [");
        float[] v = vector(random);
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ",").append(v[i]);
        }
        return b.append("]}").toString();
    }

    /**
     * The HTTP client the first queries are sent with: {@code lean} (the default), HTTP/1.1 keep-alive on a plain socket
     * per client, as wrk sends them, so that the figures are the server's and not the client's; or {@code jdk},
     * java.net.http's client, whose own CPU time and JIT compilation share the machine's cores with the server.
     * Chosen with {@code -Dcold.client=lean|jdk}.
     */
    static final String CLIENT = System.getProperty("cold.client", "lean");

    /** Sends one search and answers its status code and body. */
    private interface SearchClient {
        LoopbackClient.Answer search(String path, String key, String body) throws IOException, InterruptedException;
    }

    /** The first search of every tenant, from {@code clients} threads at once, each with its own HTTP client. */
    static Result firstQueries(String baseUrl, int tenants, int clients) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(clients);
        // The clients' HTTP clients, kept reachable until the CPU is counted (their selector threads live as long).
        List<SearchClient> searchClients = new ArrayList<>();
        List<AutoCloseable> toClose = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            if (CLIENT.equals("jdk")) {
                int client = c;
                java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "cold-client-" + client + "-http");
                    t.setDaemon(true);
                    return t;
                });
                toClose.add(executor::shutdown);
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).executor(executor).build();
                searchClients.add((path, key, body) -> {
                    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                            .timeout(Duration.ofSeconds(60))
                            .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    return new LoopbackClient.Answer(r.statusCode(), r.body());
                });
            } else if (CLIENT.equals("lean")) {
                LoopbackClient lean = new LoopbackClient(URI.create(baseUrl).getPort(), 60_000);
                toClose.add(lean);
                searchClients.add((path, key, body) -> lean.post(path, key, body.getBytes(StandardCharsets.UTF_8)));
            } else {
                throw new IllegalArgumentException("-Dcold.client=" + CLIENT + ": use lean or jdk");
            }
        }
        java.util.concurrent.atomic.AtomicLong clientNanos = new java.util.concurrent.atomic.AtomicLong();
        // Each query's start (since the round's) and latency, in nanoseconds.
        ConcurrentLinkedQueue<long[]> timeline = new ConcurrentLinkedQueue<>();
        CpuClock clock = new CpuClock();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                SearchClient http = searchClients.get(client);
                Random random = new Random(client);
                try {
                    for (int t = next.getAndIncrement(); t < tenants; t = next.getAndIncrement()) {
                        String path = "/v1/tenants/" + name(t) + "/collections/notes/search";
                        String body = searchBody(random);
                        long start = System.nanoTime();
                        try {
                            LoopbackClient.Answer r = http.search(path, key(t), body);
                            timeline.add(new long[] {start - started, System.nanoTime() - start});
                            if (r.status() != 200 || !r.text().contains("\"id\"")) {
                                if (errors.incrementAndGet() <= 5) {
                                    System.err.println("tenant " + name(t) + ": " + r.status() + " " + r.text());
                                }
                            }
                        } catch (IOException e) {
                            timeline.add(new long[] {start - started, System.nanoTime() - start});
                            if (errors.incrementAndGet() <= 5) {
                                System.err.println("tenant " + name(t) + ": " + e);
                            }
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    clientNanos.addAndGet(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                    done.countDown();
                }
            }, "cold-client-" + c);
            thread.start();
        }
        done.await();
        double seconds = (System.nanoTime() - started) / 1e9;
        java.util.Set<Long> clientThreads = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            // The HTTP clients' threads (selector managers are named HttpClient-N-...); the client threads themselves
            // have ended and counted their own CPU time.
            if (t.getName().startsWith("cold-client-") || t.getName().startsWith("HttpClient-")) {
                clientThreads.add(t.getId());
            }
        }
        Cpu cpu = clock.since(clientThreads, clientNanos.get());
        long[] sorted = timeline.stream().mapToLong(q -> q[1]).sorted().toArray();
        if (Boolean.getBoolean("cold.timeline")) {
            // The slowest queries by when they started, in tenths of the round: are they early (the JIT) or spread?
            long end = (long) (seconds * 1e9);
            long threshold = sorted[Math.max(0, (int) Math.ceil(0.98 * sorted.length) - 1)];
            int[] slow = new int[10];
            int[] all = new int[10];
            for (long[] q : timeline) {
                int tenth = (int) Math.min(9, q[0] * 10 / Math.max(1, end));
                all[tenth]++;
                if (q[1] >= threshold) {
                    slow[tenth]++;
                }
            }
            System.out.println("slowest 2% (>= " + threshold / 1_000_000 + " ms) by tenth of the round: "
                    + java.util.Arrays.toString(slow) + " of " + java.util.Arrays.toString(all));
        }
        Result result = new Result(tenants, clients, sorted, errors.get(), openFds(), seconds, cpu);
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing a client", e);
            }
        }
        return result;
    }

    static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * {@code ColdTenants DIR TENANTS CLIENTS [PORT [ROUNDS [in-process|server-jvm]]]}. {@code in-process} (the default)
     * starts the server in this JVM, beside the clients. {@code server-jvm} starts it as its own process ({@code
     * ServeCommand}, this classpath, options from {@code -Dcold.serverJvmOptions}), as {@code litemem serve} runs,
     * and stops it with SIGTERM after each round: the clients are then a separate, long-lived process, as agents
     * are, and from round 1 on only the server's JVM is new. Its CPU time is read from /proc.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int tenants = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Path data = dir.resolve("data");
        if (!Files.exists(data.resolve("tenants"))) {
            long t0 = System.nanoTime();
            writeDataFolder(data, tenants);
            System.out.printf("wrote %d tenants in %.1f s%n", tenants, (System.nanoTime() - t0) / 1e9);
        }
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        boolean serverJvm = args.length > 5 && args[5].equals("server-jvm");
        for (int round = 0; round < rounds; round++) {
            long fdsBefore = openFds();
            if (serverJvm) {
                try (ServerProcess server = ServerProcess.start(data, port, dir.resolve("server-" + round + ".log"))) {
                    long cpuBefore = server.cpuNanos();
                    Map<String, Long> threadsBefore = server.cpuNanosByThreadKind();
                    Result r = firstQueries(server.baseUrl, tenants, clients);
                    double serverCpu = (server.cpuNanos() - cpuBefore) / 1e6 / tenants;
                    StringBuilder kinds = new StringBuilder();
                    server.cpuNanosByThreadKind().forEach((kind, nanos) -> kinds.append(kinds.length() == 0 ? "" : ", ")
                            .append(String.format("%s %.2f", kind, (nanos - threadsBefore.getOrDefault(kind, 0L)) / 1e6 / tenants)));
                    System.out.printf("round %d (server JVM ready in %.1f s): %s; server process CPU per first query"
                            + " %.2f ms (%s), its open fds %d%n", round, server.readySeconds, r, serverCpu, kinds,
                            server.openFds());
                }
            } else {
                try (MemoryServer server = MemoryServer.start(ServerConfig.builder(data).port(port).adminKey(ADMIN).build())) {
                    Result r = firstQueries(server.baseUrl(), tenants, clients);
                    System.out.println("round " + round + ": " + r + " (fds before the server " + fdsBefore + ")");
                }
            }
        }
    }

    /** {@code litemem serve} in its own JVM on the data folder, ready when /health answers; stopped with SIGTERM. */
    static final class ServerProcess implements AutoCloseable {
        final Process process;
        final String baseUrl;
        final double readySeconds;

        private ServerProcess(Process process, String baseUrl, double readySeconds) {
            this.process = process;
            this.baseUrl = baseUrl;
            this.readySeconds = readySeconds;
        }

        static ServerProcess start(Path data, int port, Path log) throws IOException, InterruptedException {
            if (port == 0) {
                try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                    port = s.getLocalPort();
                }
            }
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector"));
            String options = System.getProperty("cold.serverJvmOptions", "").trim();
            if (!options.isEmpty()) {
                command.addAll(List.of(options.split("\\s+")));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), ServeCommand.class.getName(),
                    "--data", data.toString(), "--port", Integer.toString(port)));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("LITEMEM_ADMIN_KEY", ADMIN);
            long started = System.nanoTime();
            Process process = builder.start();
            String baseUrl = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("the server process ended with " + process.exitValue() + "; see " + log);
                }
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/health")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (System.nanoTime() - started > 180_000_000_000L) {
                    process.destroyForcibly();
                    throw new IOException("the server did not answer /health within 180 s; see " + log);
                }
                Thread.sleep(20);
            }
            return new ServerProcess(process, baseUrl, (System.nanoTime() - started) / 1e9);
        }

        /** User and system CPU time of the server process (/proc/PID/stat, in clock ticks of 10 ms). */
        long cpuNanos() throws IOException {
            return statCpuNanos(Files.readString(Path.of("/proc/" + process.pid() + "/stat")));
        }

        /** User and system time in a /proc stat line (fields 14 and 15, after the command name in parentheses). */
        private static long statCpuNanos(String stat) {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
        }

        /**
         * The server's CPU time by kind of thread (JIT compilers, garbage collector, the rest: request handling and
         * maintenance), from /proc/PID/task; threads that ended are not counted.
         */
        Map<String, Long> cpuNanosByThreadKind() throws IOException {
            Map<String, Long> byKind = new java.util.TreeMap<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String kind = comm.startsWith("C2 Compiler") ? "C2" : comm.startsWith("C1 Compiler") ? "C1"
                                : comm.startsWith("G1") || comm.startsWith("GC Thread") || comm.startsWith("VM Thread")
                                ? "GC/VM" : "other";
                        byKind.merge(kind, statCpuNanos(stat), Long::sum);
                    } catch (java.nio.file.NoSuchFileException ended) {
                        // the thread ended between the listing and the read
                    }
                }
            }
            return byKind;
        }

        long openFds() throws IOException {
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + process.pid() + "/fd"))) {
                return fds.count();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: the shutdown hook closes the tenants (and notes the files it closed)
            if (!process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
