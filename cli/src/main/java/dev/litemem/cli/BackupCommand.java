package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.backup.Backup;
import dev.litemem.backup.BlobStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Backs tenant files up for point-in-time restore: a base snapshot per tenant, then the change log",
                "with the row image of every row change (every table that holds data, yours too), as immutable",
                "checksummed objects and a manifest per tenant (docs/OPERATIONS.md, \"Backup and restore\").",
                "Incremental: run it again to add the new changes. Turns on each file's change images (row triggers",
                "log every row change) and holds its change log until backed up."})
final class BackupCommand implements Callable<Integer> {
    @CommandLine.ArgGroup(multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--db", required = true, paramLabel = "FILE", description = "One LiteMem file; its tenant"
                + " name in the backup is the file's name without .db.")
        Path db;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "A server's data folder: every"
                + " DIR/tenants/*.db.")
        Path data;
    }

    @Option(names = "--to", required = true, paramLabel = "DEST", description = "A folder, or s3://BUCKET/PREFIX (see the --s3-* options).")
    String to;

    @Option(names = "--every", paramLabel = "DURATION", description = "Back up again every DURATION (30s, 10m, 1h,"
            + " PT90S, ...) until stopped (Ctrl-C or SIGTERM finish the pass under way); with --data, tenants added"
            + " meanwhile are picked up.")
    String every;

    @Option(names = "--base-every", paramLabel = "DURATION", defaultValue = "1d", description = "Take a new base"
            + " snapshot when the newest is this old (default: ${DEFAULT-VALUE}); it bounds what a restore replays.")
    String baseEvery;

    @Option(names = "--keep", paramLabel = "N", defaultValue = "7", description = "Keep the newest N bases per tenant"
            + " (default: ${DEFAULT-VALUE}), and the log segments they need.")
    int keep;

    @Option(names = "--keep-for", paramLabel = "DURATION", description = "Also delete bases older than DURATION (the"
            + " newest is always kept).")
    String keepFor;

    @CommandLine.Mixin
    S3Options s3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (keep < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--keep must be 1 or more");
        }
        Duration interval = every == null ? null : duration("--every", every);
        if (interval != null && interval.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--every must be longer than zero");
        }
        Backup.Options options = new Backup.Options(duration("--base-every", baseEvery), keep,
                keepFor == null ? null : duration("--keep-for", keepFor));
        try (BlobStore store = s3.open(to)) {
            if (interval == null) {
                return pass(store, options);
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                stop.countDown();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "litemem-backup-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                do {
                    pass(store, options);
                } while (!stop.await(interval.toMillis(), TimeUnit.MILLISECONDS));
            } finally {
                stopped.countDown();
            }
            return Main.EXIT_OK;
        }
    }

    /** One pass over every file; exit code 0 when none failed. */
    private int pass(BlobStore store, Backup.Options options) throws IOException {
        List<Path> files = files();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path file : files) {
            String tenant = tenantOf(file);
            try (LiteMem mem = LiteMem.open(file)) {
                report(out, Backup.run(mem, tenant, store, options));
            } catch (LiteMemException e) {
                failed++;
                err.println("litemem: " + tenant + ": " + e.getMessage());
            }
        }
        if (files.size() > 1) {
            out.printf("%d tenants backed up, %d failed%n", files.size() - failed, failed);
        }
        out.flush();
        err.flush();
        return failed == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    private Duration duration(String option, String value) {
        try {
            return RememberCommand.parseDuration(value);
        } catch (dev.litemem.InvalidInputException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be a duration such as 30s,"
                    + " 10m, 12h, 7d or PT90M, was '" + value + "'");
        }
    }

    private List<Path> files() throws IOException {
        if (source.db != null) {
            if (!Files.isRegularFile(source.db)) {
                throw new CommandLine.ParameterException(spec.commandLine(), source.db + " does not exist: check the path");
            }
            return List.of(source.db);
        }
        Path tenants = source.data.resolve("tenants");
        if (!Files.isDirectory(tenants)) {
            throw new CommandLine.ParameterException(spec.commandLine(), source.data + " has no tenants/ folder: give a"
                    + " server's data folder");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(tenants)) {
            list.filter(p -> p.getFileName().toString().endsWith(".db")).sorted().forEach(files::add);
        }
        return files;
    }

    static String tenantOf(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".db") ? name.substring(0, name.length() - 3) : name;
    }

    private static void report(PrintWriter out, Backup.Result r) {
        if (r.imagesTurnedOn()) {
            out.printf("%s: turned on change images: every row change of this file is now logged with its row before"
                    + " and after (point-in-time restore needs them)%n", r.tenant());
        }
        if (r.newBase() != null) {
            out.printf("%s: base snapshot at seq %d (%,d bytes)%n", r.tenant(), r.newBase().seq(), r.newBase().bytes());
        }
        out.printf("%s: backed up through seq %d: %d segments, %,d changes, %,d bytes written in %d ms%s%n", r.tenant(),
                r.position(), r.segments(), r.entries(), r.bytes(), r.millis(),
                r.deletedObjects() > 0 ? " (" + r.deletedObjects() + " objects deleted: expired or left by interrupted"
                        + " runs)" : "");
    }
}
