package dev.litemem.cli;

import dev.litemem.backup.BlobStore;
import dev.litemem.backup.Restore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Rebuilds a tenant's file from a backup as it was at a sequence number or a time (default: the",
                "newest the backup has), gives it a new incarnation, verifies it (integrity_check and the hash of every",
                "record against the backup's) and only then puts it at FILE."})
final class RestoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant (with backup --db: the file's name"
            + " without .db).")
    String tenant;

    @Option(names = "--from", required = true, paramLabel = "DEST", description = "Where the backup is (backup's --to: a folder or s3://BUCKET/PREFIX).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "FILE", description = "The file to write.")
    Path to;

    @CommandLine.ArgGroup(multiplicity = "0..1")
    Point point;

    static final class Point {
        @Option(names = "--seq", paramLabel = "N", description = "The file as it was just after change N.")
        Long seq;

        @Option(names = "--time", paramLabel = "T", description = "The file as it was at T (ISO-8601, e.g."
                + " 2026-11-29T12:00:00Z): its newest change at or before T.")
        String time;
    }

    @Option(names = "--force", description = "Replace FILE if it exists (only after the restored file passed"
            + " verification; stop whatever uses FILE first).")
    boolean force;

    @CommandLine.Mixin
    S3Options s3;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        Long seq = point == null ? null : point.seq;
        Instant time = point == null || point.time == null ? null : parseTime(point.time);
        if (seq != null && seq < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--seq must be 0 or more");
        }
        try (BlobStore store = s3.open(from)) {
            Restore.Result r = Restore.run(store, tenant, to, seq, time, force);
            long rows = r.rows().values().stream().mapToLong(Long::longValue).sum();
            if (r.hashVersion() >= 2) {
                spec.commandLine().getOut().printf("Restored %s to %s at seq %d (base seq %d, %,d row changes applied)"
                        + " in %d ms; verified: integrity_check ok, state hash v2 over %,d rows of %d tables %s; new"
                        + " incarnation %s%n", r.tenant(), to, r.seq(), r.baseSeq(), r.applied(), r.millis(), rows,
                        r.rows().size(), r.stateHash(), r.incarnation());
                if (r.notReplayed() > 0) {
                    spec.commandLine().getErr().printf("litemem: %,d ledger events between seq %d and %d are log"
                            + " entries, not rows: the restored file's log starts at seq %d (what was shipped is in"
                            + " the central ledger)%n", r.notReplayed(), r.baseSeq(), r.seq(), r.seq());
                }
            } else {
                spec.commandLine().getOut().printf("Restored %s to %s at seq %d (base seq %d, %,d changes of records,"
                        + " memories and work state applied) in %d ms; verified: integrity_check ok, records hash (v1,"
                        + " a backup written before state hash v2: only records are verified) %s; new incarnation %s%n",
                        r.tenant(), to, r.seq(), r.baseSeq(), r.applied(), r.millis(), r.stateHash(), r.incarnation());
                if (r.notReplayed() > 0) {
                    spec.commandLine().getErr().printf("litemem: %,d changes of ledger events or other tables"
                            + " between seq %d and %d are not replayed: those tables are as of seq %d%n",
                            r.notReplayed(), r.baseSeq(), r.seq(), r.baseSeq());
                }
            }
        }
        return Main.EXIT_OK;
    }

    private Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--time " + text + " is not an ISO-8601 time"
                    + " with an offset: write it as 2026-11-29T12:00:00Z or 2026-11-29T13:00:00+01:00");
        }
    }
}
