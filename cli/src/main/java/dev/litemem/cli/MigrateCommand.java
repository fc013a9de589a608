package dev.litemem.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.LiteMemException;
import dev.litemem.internal.Sha256;
import dev.litemem.migrate.FileMigration;
import dev.litemem.migrate.MigrationResult;
import dev.litemem.migrate.UserMigration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code litemem migrate --data DIR [--parallel N] [--dry-run] [--json] [--user-migrations DIR]}: every tenant file of
 * a server's data folder to the current schema plus the user's migrations, one transaction per tenant, as a resumable
 * job with a journal in DIR (docs/OPERATIONS.md, "Migrate").
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Brings every tenant file of a server data folder to the current schema and applies your own",
                "numbered SQL migrations, one transaction per tenant: a tenant that fails is reported and left exactly as",
                "it was, the others go on. A journal in DIR lets a rerun continue where the last run stopped.",
                "Stop the server first. Exit 0 all done, 1 some tenant failed, 2 bad usage. See docs/OPERATIONS.md."})
final class MigrateCommand implements Callable<Integer> {
    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The server's data folder (tenants in DIR/tenants/).")
    Path data;

    @Option(names = "--parallel", paramLabel = "N", description = "Tenants migrated at once (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int parallel;

    @Option(names = "--dry-run", description = "Only report what each tenant would get; change nothing, write no journal.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON object at the end (shape: docs/OPERATIONS.md).")
    boolean json;

    @Option(names = "--user-migrations", paramLabel = "DIR",
            description = "A folder of numbered SQL files for your own tables (001_name.sql, 002_name.sql, ...).")
    Path userMigrations;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (parallel < 1 || parallel > 64) {
            throw new CommandLine.ParameterException(cmd, "--parallel must be between 1 and 64, not " + parallel);
        }
        List<Path> files = TenantFiles.of(cmd, data);
        List<UserMigration> user = userMigrations == null ? List.of() : UserMigration.load(userMigrations);
        long started = System.nanoTime();
        try (FileChannel lockFile = FileChannel.open(data.resolve(".server.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = serverLock(lockFile)) {
            return dryRun ? plan(files, user, started) : migrate(files, user, started);
        }
    }

    /** The server's lock on its data folder: held while migrating, so that no server serves the tenants meanwhile. */
    private FileLock serverLock(FileChannel channel) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new LiteMemException("a LiteMem server is serving " + data + " (it holds " + data.resolve(".server.lock")
                    + "): stop it before migrating its tenants");
        }
        return lock;
    }

    private int migrate(List<Path> files, List<UserMigration> user, long started) throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, MigrationResult> results = new TreeMap<>();
        int skipped = 0;
        try (MigrationJournal journal = MigrationJournal.open(data, target(user))) {
            List<Path> todo = new ArrayList<>();
            for (Path f : files) {
                if (journal.done(TenantFiles.name(f))) {
                    skipped++;
                } else {
                    todo.add(f);
                }
            }
            if (journal.continued() && !json) {
                err.printf("migrate: continuing job %s: %d tenant(s) done before, %d to go%n", journal.job(), skipped,
                        todo.size());
            }
            Progress progress = new Progress(err, !json && IngestCommand.isInteractive(), todo.size());
            ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
                Thread t = new Thread(r, "litemem-migrate");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<MigrationResult>> futures = new ArrayList<>();
                for (Path f : todo) {
                    futures.add(pool.submit(() -> {
                        MigrationResult r = FileMigration.migrate(f, user);
                        journal.record(TenantFiles.name(f), r);
                        progress.done(TenantFiles.name(f), r);
                        return r;
                    }));
                }
                for (int i = 0; i < todo.size(); i++) {
                    try {
                        results.put(TenantFiles.name(todo.get(i)), futures.get(i).get());
                    } catch (ExecutionException e) {
                        throw e.getCause() instanceof Exception x ? x : e;
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            progress.finish();
            return summary(journal.job(), files.size(), skipped, results, user, started);
        }
    }

    private int plan(List<Path> files, List<UserMigration> user, long started) {
        Map<String, MigrationResult> results = new TreeMap<>();
        for (Path f : files) {
            results.put(TenantFiles.name(f), FileMigration.plan(f, user));
        }
        return summary(null, files.size(), 0, results, user, started);
    }

    /** What a job is for: a journal of another target is a finished or abandoned job, not this one. */
    private static String target(List<UserMigration> user) {
        StringBuilder s = new StringBuilder("schema=" + FileMigration.currentSchemaVersion() + ";user=");
        for (UserMigration u : user) {
            s.append(u.version()).append(':').append(u.sha256()).append(',');
        }
        return "schema=" + FileMigration.currentSchemaVersion() + ";user=" + HexFormat.of().formatHex(Sha256.of(s.toString()));
    }

    private int summary(String job, int total, int skipped, Map<String, MigrationResult> results, List<UserMigration> user,
                        long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<MigrationResult.Status, Integer> counts = new TreeMap<>();
        for (MigrationResult r : results.values()) {
            counts.merge(r.status(), 1, Integer::sum);
        }
        int failed = counts.getOrDefault(MigrationResult.Status.FAILED, 0);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode root = Output.object();
            root.put("data", data.toString());
            root.put("dry_run", dryRun);
            if (job == null) {
                root.putNull("job");
            } else {
                root.put("job", job);
            }
            root.put("schema_version", FileMigration.currentSchemaVersion());
            root.putPOJO("user_migrations", user.stream().map(UserMigration::version).toList());
            root.put("tenants", total);
            root.put("migrated", counts.getOrDefault(MigrationResult.Status.MIGRATED, 0));
            root.put("current", counts.getOrDefault(MigrationResult.Status.CURRENT, 0));
            root.put("pending", counts.getOrDefault(MigrationResult.Status.PENDING, 0));
            root.put("done_before", skipped);
            root.put("failed", failed);
            root.put("seconds", Math.round(seconds * 1000) / 1000.0);
            ArrayNode failures = root.putArray("failures");
            ArrayNode pending = root.putArray("pending_tenants");
            results.forEach((tenant, r) -> {
                if (r.status() == MigrationResult.Status.FAILED) {
                    failures.addObject().put("tenant", tenant).put("error", r.error());
                } else if (r.status() == MigrationResult.Status.PENDING) {
                    ObjectNode p = pending.addObject().put("tenant", tenant).put("schema_version", r.schemaBefore());
                    p.putPOJO("user_migrations", r.userMigrations());
                }
            });
            Output.jsonLine(out, root);
        } else {
            results.forEach((tenant, r) -> {
                if (r.status() == MigrationResult.Status.FAILED) {
                    out.printf("failed   %s: %s%n", tenant, r.error());
                } else if (r.status() == MigrationResult.Status.PENDING) {
                    out.printf("pending  %s: schema %d -> %d, user migrations %s%n", tenant, r.schemaBefore(),
                            FileMigration.currentSchemaVersion(), r.userMigrations());
                }
            });
            out.printf("%s %d tenant file(s) in %s in %.1f s: %d migrated, %d already current, %d done by an earlier run,"
                            + " %d failed%s.%n", dryRun ? "Planned" : "Migrate:", total, data, seconds,
                    counts.getOrDefault(MigrationResult.Status.MIGRATED, 0),
                    counts.getOrDefault(MigrationResult.Status.CURRENT, 0), skipped, failed,
                    dryRun ? ", " + counts.getOrDefault(MigrationResult.Status.PENDING, 0) + " pending" : "");
        }
        out.flush();
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    /** The ingest command's progress policy: a bar on a terminal, else a line at most every two seconds, on stderr. */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean bar;
        private final int total;
        private int done;
        private int failed;
        private long lastPrinted;

        Progress(PrintWriter err, boolean bar, int total) {
            this.err = err;
            this.bar = bar;
            this.total = total;
        }

        synchronized void done(String tenant, MigrationResult r) {
            done++;
            if (r.status() == MigrationResult.Status.FAILED) {
                failed++;
                if (bar) {
                    err.print("\r\033[K");
                }
                err.println("litemem: tenant " + tenant + " failed: " + r.error());
            }
            long now = System.nanoTime();
            if (bar && now - lastPrinted > 100_000_000L || !bar && now - lastPrinted > 2_000_000_000L) {
                lastPrinted = now;
                print();
            }
            err.flush();
        }

        synchronized void finish() {
            if (total > 0) {
                print();
                if (bar) {
                    err.println();
                }
                err.flush();
            }
        }

        private void print() {
            if (bar) {
                err.printf("\r\033[K%s %d/%d tenants  %d failed", ProgressBar.bar(done, total), done, total, failed);
            } else {
                err.printf("migrate: %d/%d tenants, %d failed%n", done, total, failed);
            }
        }
    }
}
