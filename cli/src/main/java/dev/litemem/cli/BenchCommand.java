package dev.litemem.cli;

import picocli.CommandLine.Command;

@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures speed: of the embedder, of the ANN index.",
        subcommands = {BenchAnnCommand.class, BenchEmbedCommand.class})
final class BenchCommand {
}
