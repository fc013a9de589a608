package dev.litemem.cli.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "nginx-config", mixinStandardHelpOptions = true,
        description = {"Prints a complete nginx configuration for the nodes: the tenant from the path (/v1/tenants/NAME/...),",
                "'hash $litemem_tenant consistent' over the nodes, tenants of the placement file first (an nginx map).",
                "With --out, writes it atomically instead."})
final class NginxConfigCommand implements Callable<Integer> {
    @Option(names = "--nodes", required = true, paramLabel = "HOST:PORT,...",
            description = "The LiteMem servers, in a fixed order (the order numbers /nodes/I/...; the ring does not depend on it).")
    String nodes;

    @Option(names = "--new-nodes", paramLabel = "HOST:PORT,...",
            description = "Nodes not on the ring yet: only tenants placed on them go there (while a new node is filled by moves).")
    String newNodes;

    @Option(names = "--placement", paramLabel = "FILE", description = "Explicitly placed tenants (TENANT HOST:PORT lines; a missing file is empty).")
    Path placement;

    @Option(names = "--listen", paramLabel = "[ADDRESS:]PORT", defaultValue = "8080",
            description = "Where nginx listens (default: ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--temp-dir", paramLabel = "DIR",
            description = "nginx's temp folders and access log in DIR (an absolute path), for an nginx run by an unprivileged user.")
    String tempDir;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the configuration to FILE (atomically) instead of stdout.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<Node> list = Node.parseList(nodes, "--nodes");
        Placement p = placement == null ? Placement.empty() : Placement.load(placement);
        List<Node> fresh = newNodes == null ? List.of() : Node.parseList(newNodes, "--new-nodes");
        String config = NginxConfig.render(list, fresh, p, listen, tempDir);
        if (out == null) {
            spec.commandLine().getOut().print(config);
            spec.commandLine().getOut().flush();
        } else {
            Placement.writeAtomically(out, config);
        }
        return 0;
    }
}
