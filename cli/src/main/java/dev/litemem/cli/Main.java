package dev.litemem.cli;

import dev.litemem.InvalidInputException;
import dev.litemem.LiteMemException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code litemem} command. Exit codes scripts can rely on: 0 success, 2 bad usage, 1 any other failure; every
 * failure prints one message on stderr.
 */
@Command(name = "litemem", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Agent memory and RAG in one SQLite file.",
        footer = {"", "The memory server is its own program: './litemem serve --help' (module server, docs/SERVER.md)."},
        subcommands = {DemoCommand.class, IngestCommand.class, AddCommand.class, GetCommand.class, DeleteCommand.class,
                ListCommand.class, StatsCommand.class, QueryCommand.class, EvalCommand.class, BenchCommand.class,
                ExportCommand.class, CheckCommand.class, MigrateCommand.class, BackupCommand.class, RestoreCommand.class,
                LedgerCommand.class, RememberCommand.class, RecallCommand.class, ForgetCommand.class, ReplicaCommand.class,
                dev.litemem.cli.cluster.ClusterCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("litemem: " + message(e));
            if (System.getenv("LITEMEM_DEBUG") != null) {
                e.printStackTrace(cmd.getErr());
            }
            return e instanceof InvalidInputException || e instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILURE;
        });
        return cli.execute(args);
    }

    private static String message(Exception e) {
        if (e instanceof LiteMemException || e instanceof dev.litemem.ledger.LedgerException
                || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage() + " (set LITEMEM_DEBUG=1 for the stack trace)";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"litemem " + (version == null ? "development build" : version)};
        }
    }
}
