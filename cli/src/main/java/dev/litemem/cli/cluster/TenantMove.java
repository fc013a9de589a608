package dev.litemem.cli.cluster;

import dev.litemem.LiteMemException;
import dev.litemem.cli.cluster.MoveJournal.Step;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Moves one tenant from a node to another (docs/SCALE-OUT.md, "Moving a tenant"): freeze its writes on the source,
 * copy a consistent snapshot to the target, verify rows and row hashes on both sides, switch (placement file, nginx
 * configuration, reload), then delete it on the source. Every step is idempotent and journaled, so a rerun after a
 * crash continues. Until the placement names the target the tenant is served whole by the source (reads; writes
 * answer 503 while frozen); from then on by the target.
 */
final class TenantMove {
    /** Set to "copy" in tests: the mover stops halfway through sending the snapshot, to be killed there. */
    static final String PAUSE_PROPERTY = "litemem.test.pauseAt";
    private static final long PROXY_WAIT_MILLIS = 30_000;

    record Options(String tenant, Node from, Node to, List<Node> nodes, List<Node> newNodes, Path placement, Path journal, Path nginxConfig,
                   String listen, String tempDir, String nginxReload, String proxy, String adminKey, long drainMillis) {
    }

    private final Options o;
    private final PrintWriter out;
    private final NodeClient source;
    private final NodeClient target;
    private final long started = System.nanoTime();

    TenantMove(Options o, PrintWriter out) {
        this.o = o;
        this.out = out;
        this.source = new NodeClient(o.from(), o.adminKey());
        this.target = new NodeClient(o.to(), o.adminKey());
    }

    void run() throws IOException, InterruptedException {
        MoveJournal journal = MoveJournal.open(o.journal(), o.tenant(), o.from(), o.to());
        if (journal.last() != null) {
            say("continuing the move from its journal " + o.journal() + " (done: " + journal.last() + ")");
        }
        if (!journal.isDone(Step.FROZEN)) {
            source.freeze(o.tenant());
            journal.mark(Step.FROZEN);
            say("frozen on " + o.from() + ": writes answer 503, reads are served");
        }
        if (!journal.isDone(Step.COPIED)) {
            copy();
            journal.mark(Step.COPIED);
        }
        if (!journal.isDone(Step.VERIFIED)) {
            NodeClient.Digest s = source.digest(o.tenant()).orElseThrow(() -> gone(o.from()));
            NodeClient.Digest t = target.digest(o.tenant()).orElseThrow(() -> gone(o.to()));
            if (!s.sameContent(t)) {
                throw new LiteMemException("the copy on " + o.to() + " differs from the source (" + t.rows() + " rows"
                        + " against " + s.rows() + "): nothing was switched, the tenant is whole on " + o.from()
                        + " (frozen). Rerun to copy again, or --abort.");
            }
            journal.mark(Step.VERIFIED);
            say("verified: " + s.rows() + " rows, sha256 " + s.sha256() + " on both nodes");
        }
        if (!journal.isDone(Step.PLACED)) {
            try (PlacementLock lock = PlacementLock.take(o.placement())) {
                Placement.load(o.placement()).with(o.tenant(), o.to()).write(o.placement());
            }
            journal.mark(Step.PLACED);
            say("placed on " + o.to() + " in " + o.placement());
        }
        if (!journal.isDone(Step.RELOADED)) {
            switchProxy();
            journal.mark(Step.RELOADED);
        }
        if (!journal.isDone(Step.DELETED)) {
            // nginx's old workers serve requests already on their keep-alive connections with the old configuration
            // until they take the reload's signal: give them that time before the source stops answering.
            TimeUnit.MILLISECONDS.sleep(o.drainMillis());
            source.delete(o.tenant());
            journal.mark(Step.DELETED);
            say("deleted on " + o.from());
        }
        journal.remove();
        say("moved tenant '" + o.tenant() + "' from " + o.from() + " to " + o.to());
    }

    /** Undoes a move that has not switched yet: the copy on the target is deleted, the source thawed. */
    void abort() {
        String[] header = MoveJournal.header(o.journal());
        if (header == null) {
            throw new LiteMemException("no move of tenant '" + o.tenant() + "' is in progress (no journal " + o.journal() + ")");
        }
        MoveJournal journal = MoveJournal.open(o.journal(), o.tenant(), o.from(), o.to());
        if (journal.isDone(Step.PLACED)) {
            throw new LiteMemException("the move of tenant '" + o.tenant() + "' has switched already (the placement names "
                    + o.to() + "): it cannot be aborted; rerun it to finish");
        }
        if (target.delete(o.tenant())) {
            say("deleted the copy on " + o.to());
        }
        source.thaw(o.tenant());
        journal.remove();
        say("aborted: tenant '" + o.tenant() + "' stays on " + o.from() + ", writes resumed");
    }

    /** Copies the snapshot unless the target holds this very content already; a different copy there is replaced. */
    private void copy() throws IOException {
        Optional<NodeClient.Digest> there = target.digest(o.tenant());
        if (there.isPresent()) {
            NodeClient.Digest s = source.digest(o.tenant()).orElseThrow(() -> gone(o.from()));
            if (there.get().sameContent(s)) {
                say("the copy on " + o.to() + " is complete already");
                return;
            }
            if (o.to().equals(Placement.load(o.placement()).tenants().get(o.tenant()))) {
                throw new LiteMemException("the placement file names " + o.to() + " for tenant '" + o.tenant() + "'"
                        + " already, and its copy there differs from the source: the tenant lives on " + o.to() + " now."
                        + " Nothing was changed; delete the stale source by hand once you have checked it.");
            }
            // Nothing routes to the target before the switch: this is a copy a crash left unverified.
            target.delete(o.tenant());
            say("replaced an earlier, different copy on " + o.to());
        }
        Path snapshot = Files.createTempFile("litemem-move-" + o.tenant() + "-", ".db");
        try {
            if (source.frozen(o.tenant()).isEmpty()) {
                throw gone(o.from());
            }
            String keyHash = source.export(o.tenant(), snapshot);
            long size = Files.size(snapshot);
            target.importSnapshot(o.tenant(), keyHash, HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(() -> pausable(snapshot, size)), size));
            say("copied " + size + " bytes to " + o.to());
        } finally {
            Files.deleteIfExists(snapshot);
        }
    }

    /** The snapshot's bytes; in tests (PAUSE_PROPERTY=copy) it stops for good after half of them. */
    private static InputStream pausable(Path snapshot, long size) {
        InputStream in;
        try {
            in = Files.newInputStream(snapshot);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        if (!"copy".equals(System.getProperty(PAUSE_PROPERTY))) {
            return in;
        }
        return new FilterInputStream(in) {
            private long sent;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (sent >= size / 2) {
                    pauseForever();
                }
                int n = super.read(b, off, (int) Math.min(len, Math.max(1, size / 2 - sent)));
                sent += Math.max(n, 0);
                return n;
            }
        };
    }

    private static void pauseForever() {
        System.out.println("paused at copy");
        System.out.flush();
        Object never = new Object();
        synchronized (never) {
            while (true) {
                try {
                    never.wait();
                } catch (InterruptedException e) {
                    // Still paused: only the kill ends this.
                }
            }
        }
    }

    /** Writes the nginx configuration, reloads nginx, and waits until the proxy sends the tenant to the target. */
    private void switchProxy() throws IOException, InterruptedException {
        if (o.nginxConfig() != null) {
            // Under the placement's lock: a concurrent move's configuration is never written over with an older one.
            try (PlacementLock lock = PlacementLock.take(o.placement())) {
                Placement.writeAtomically(o.nginxConfig(), NginxConfig.render(o.nodes(), o.newNodes(),
                        Placement.load(o.placement()), o.listen(), o.tempDir()));
            }
            say("wrote " + o.nginxConfig());
        }
        if (o.nginxReload() != null) {
            Process p = new ProcessBuilder("sh", "-c", o.nginxReload()).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new LiteMemException("the reload command failed (" + (p.isAlive() ? "still running after 60 s"
                        : "exit " + p.exitValue()) + "): " + output + ". The placement names " + o.to() + " already;"
                        + " fix nginx and rerun the move to finish it.");
            }
            say("reloaded nginx");
        }
        if (o.proxy() != null) {
            NodeClient proxy = new NodeClient(o.proxy(), o.adminKey());
            long deadline = System.currentTimeMillis() + PROXY_WAIT_MILLIS;
            while (true) {
                if (Boolean.FALSE.equals(proxy.frozen(o.tenant()).orElse(null))) {
                    break; // the target answers: the source is frozen until it is deleted
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new LiteMemException("after the reload, " + o.proxy() + " still sends tenant '" + o.tenant()
                            + "' to the source: check that nginx uses the new configuration, then rerun the move");
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
            say("the proxy sends the tenant to " + o.to());
        }
    }

    private LiteMemException gone(Node node) {
        return new LiteMemException("tenant '" + o.tenant() + "' does not exist on " + node + ": check --tenant, --from"
                + " and --to (a move that finished has no journal left)");
    }

    private void say(String line) {
        out.println("move-tenant: " + line + " (" + (System.nanoTime() - started) / 1_000_000 + " ms)");
        out.flush();
    }
}
