package dev.litemem.cli.cluster;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "owner", mixinStandardHelpOptions = true,
        description = {"Prints the node nginx sends each tenant to: its placement, else the hash ring's owner.",
                "One line per tenant: TENANT HOST:PORT (placed|ring)."})
final class OwnerCommand implements Callable<Integer> {
    @Option(names = "--nodes", required = true, paramLabel = "HOST:PORT,...", description = "The LiteMem servers.")
    String nodes;

    @Option(names = "--placement", paramLabel = "FILE", description = "Explicitly placed tenants.")
    Path placement;

    @Parameters(arity = "1..*", paramLabel = "TENANT", description = "Tenant names.")
    List<String> tenants;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        HashRing ring = new HashRing(Node.parseList(nodes, "--nodes"));
        Placement p = placement == null ? Placement.empty() : Placement.load(placement);
        for (String t : tenants) {
            if (!Placement.TENANT.matcher(t).matches()) {
                throw new dev.litemem.InvalidInputException("tenant", "'" + t + "' is not a tenant name (1 to 64"
                        + " lowercase letters, digits, '_' or '-')");
            }
            Node placed = p.tenants().get(t);
            spec.commandLine().getOut().println(t + " " + p.owner(t, ring) + (placed != null ? " placed" : " ring"));
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
