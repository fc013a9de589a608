package dev.litemem.cli.cluster;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code litemem cluster}: several LiteMem servers behind nginx (docs/SCALE-OUT.md). */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = {"Tenants spread over several LiteMem servers behind nginx (consistent hashing on the tenant name,",
                "explicitly placed tenants first). See docs/SCALE-OUT.md."},
        subcommands = {NginxConfigCommand.class, OwnerCommand.class, MoveTenantCommand.class,
                CommandLine.HelpCommand.class})
public final class ClusterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: nginx-config, owner or move-tenant");
    }
}
