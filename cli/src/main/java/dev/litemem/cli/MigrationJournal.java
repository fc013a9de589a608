package dev.litemem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.migrate.MigrationResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The journal of {@code litemem migrate} in the data folder ({@code DIR/.migrate.journal}): JSON lines, each appended
 * and fsynced. A job's first line names its target (the schema version and the user migrations' versions and hashes);
 * then one line per tenant outcome. A rerun with the same target continues that job: tenants already migrated or
 * current are skipped, failed ones are tried again. A line torn by a crash is ignored. The files themselves record what
 * was applied (schema version, {@code user_migrations}), so a tenant committed just before a crash, without its line,
 * is found current on the rerun: nothing is applied twice either way.
 */
final class MigrationJournal implements AutoCloseable {
    static final String FILE = ".migrate.journal";
    private final FileChannel channel;
    private final String job;
    private final Set<String> done;
    private final boolean continued;

    private MigrationJournal(FileChannel channel, String job, Set<String> done, boolean continued) {
        this.channel = channel;
        this.job = job;
        this.done = done;
        this.continued = continued;
    }

    /** Opens the journal, continuing the last job when its target is this one, else starting a new job. */
    static MigrationJournal open(Path dataDir, String target) {
        Path file = dataDir.resolve(FILE);
        try {
            String lastJob = null;
            String lastTarget = null;
            Set<String> done = new HashSet<>();
            boolean endsWithNewline = true;
            if (Files.exists(file)) {
                byte[] bytes = Files.readAllBytes(file);
                endsWithNewline = bytes.length == 0 || bytes[bytes.length - 1] == '\n';
                for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                    JsonNode n = parse(line);
                    if (n == null) {
                        continue; // torn by a crash
                    }
                    if (n.has("target")) {
                        lastJob = n.path("job").asText();
                        lastTarget = n.path("target").asText();
                        done.clear();
                    } else if (n.path("job").asText().equals(lastJob) && n.has("tenant")) {
                        String outcome = n.path("outcome").asText();
                        if (outcome.equals("migrated") || outcome.equals("current")) {
                            done.add(n.path("tenant").asText());
                        } else {
                            done.remove(n.path("tenant").asText());
                        }
                    }
                }
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            boolean continued = target.equals(lastTarget);
            MigrationJournal j = new MigrationJournal(channel, continued ? lastJob : UUID.randomUUID().toString(),
                    continued ? done : new HashSet<>(), continued);
            if (!endsWithNewline) {
                j.append("\n");
            }
            if (!continued) {
                ObjectNode header = Output.object();
                header.put("job", j.job);
                header.put("target", target);
                header.put("started", java.time.Instant.now().toString());
                j.append(Output.JSON.writeValueAsString(header) + "\n");
            }
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the migration journal " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonNode parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            JsonNode n = Output.JSON.readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null;
        }
    }

    String job() {
        return job;
    }

    boolean continued() {
        return continued;
    }

    /** Whether an earlier run of this job migrated the tenant (or found it current). */
    boolean done(String tenant) {
        return done.contains(tenant);
    }

    /** Appends the tenant's outcome and fsyncs it before returning. */
    synchronized void record(String tenant, MigrationResult r) {
        ObjectNode n = Output.object();
        n.put("job", job);
        n.put("tenant", tenant);
        n.put("outcome", r.status().id());
        n.put("schema_before", r.schemaBefore());
        n.put("schema_after", r.schemaAfter());
        n.putPOJO("user_migrations", List.copyOf(r.userMigrations()));
        n.put("error", r.error());
        n.put("at", java.time.Instant.now().toString());
        try {
            append(Output.JSON.writeValueAsString(n) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the migration journal: " + e.getMessage(), e);
        }
    }

    private void append(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
