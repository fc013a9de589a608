package dev.litemem.cli.cluster;

import dev.litemem.InvalidInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "move-tenant", mixinStandardHelpOptions = true,
        description = {"Moves a tenant to another node: freezes its writes on --from (503, reads served), copies a",
                "consistent snapshot to --to, verifies rows and row hashes on both, places it on --to in the placement",
                "file, rewrites the nginx configuration and reloads nginx, then deletes it on --from. Journaled: rerun",
                "the same command after a crash to continue; --abort undoes a move that has not switched yet."})
final class MoveTenantCommand implements Callable<Integer> {
    @Option(names = "--tenant", required = true, paramLabel = "NAME", description = "The tenant to move.")
    String tenant;

    @Option(names = "--from", required = true, paramLabel = "HOST:PORT", description = "The node it is on now.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "The node it goes to.")
    String to;

    @Option(names = "--placement", required = true, paramLabel = "FILE",
            description = "The placement file (created when missing); the tenant is added to it at the switch.")
    Path placement;

    @Option(names = "--nodes", paramLabel = "HOST:PORT,...",
            description = "All nodes, as given to nginx-config: required with --nginx-config.")
    String nodes;

    @Option(names = "--new-nodes", paramLabel = "HOST:PORT,...",
            description = "Nodes not on the ring yet, as given to nginx-config (a new node being filled by moves).")
    String newNodes;

    @Option(names = "--nginx-config", paramLabel = "FILE",
            description = "Rewrite this nginx configuration (as nginx-config --out would) at the switch.")
    Path nginxConfig;

    @Option(names = "--listen", paramLabel = "[ADDRESS:]PORT", defaultValue = "8080",
            description = "With --nginx-config: where nginx listens (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--temp-dir", paramLabel = "DIR", description = "With --nginx-config: as nginx-config --temp-dir.")
    String tempDir;

    @Option(names = "--nginx-reload", paramLabel = "CMD",
            description = "Shell command that reloads nginx at the switch, for example 'nginx -s reload'.")
    String nginxReload;

    @Option(names = "--proxy", paramLabel = "URL",
            description = "The proxy's URL: after the reload, wait until it sends the tenant to --to before deleting the source.")
    String proxy;

    @Option(names = "--drain-ms", paramLabel = "MS", defaultValue = "2000",
            description = "After the switch, wait this long before deleting the source, while nginx's old workers finish"
                    + " requests on their open connections (default: ${DEFAULT-VALUE}).")
    long drainMillis;

    @Option(names = {"--admin-key-file", "--key-file"}, paramLabel = "FILE",
            description = "File holding the admin key (the same on every node); default: the LITEMEM_ADMIN_KEY variable.")
    Path adminKeyFile;

    @Option(names = "--journal", paramLabel = "FILE",
            description = "The move's journal (default: PLACEMENT.move-TENANT beside the placement file).")
    Path journal;

    @Option(names = "--abort", description = "Undo a move that has not switched yet: delete the copy on --to, lift the freeze on --from.")
    boolean abort;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Placement.TENANT.matcher(tenant).matches()) {
            throw new InvalidInputException("tenant", "--tenant: '" + tenant + "' is not a tenant name (1 to 64 lowercase"
                    + " letters, digits, '_' or '-')");
        }
        Node source = Node.parse(from, "--from");
        Node target = Node.parse(to, "--to");
        if (source.equals(target)) {
            throw new InvalidInputException("to", "--from and --to are the same node (" + source + ")");
        }
        List<Node> all = nodes == null ? null : Node.parseList(nodes, "--nodes");
        if (nginxConfig != null && all == null) {
            throw new InvalidInputException("nodes", "--nginx-config needs --nodes (every node, as nginx-config takes them)");
        }
        List<Node> fresh = newNodes == null ? List.of() : Node.parseList(newNodes, "--new-nodes");
        if (all != null && !all.contains(target) && !fresh.contains(target)) {
            throw new InvalidInputException("to", "--to " + target + " is not among --nodes or --new-nodes: add it there");
        }
        if (drainMillis < 0 || drainMillis > 600_000) {
            throw new InvalidInputException("drain-ms", "--drain-ms must be 0 to 600000 milliseconds");
        }
        Path journalFile = journal != null ? journal
                : placement.toAbsolutePath().resolveSibling(placement.getFileName() + ".move-" + tenant);
        TenantMove move = new TenantMove(new TenantMove.Options(tenant, source, target, all, fresh, placement, journalFile,
                nginxConfig, listen, tempDir, nginxReload, proxy, adminKey(), drainMillis), spec.commandLine().getOut());
        if (abort) {
            move.abort();
        } else {
            move.run();
        }
        return 0;
    }

    private String adminKey() throws IOException {
        String key;
        if (adminKeyFile != null) {
            key = Files.readString(adminKeyFile, StandardCharsets.UTF_8).trim();
        } else {
            key = System.getenv("LITEMEM_ADMIN_KEY");
        }
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("admin-key-file", "no admin key: give --admin-key-file FILE, or set"
                    + " LITEMEM_ADMIN_KEY (every node must use the same admin key)");
        }
        return key;
    }
}
