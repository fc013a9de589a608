package dev.litemem.cli;

import dev.litemem.LiteMem;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "forget", mixinStandardHelpOptions = true,
        description = "Forgets everything of the scope: the user's memories (of the agent and session, when given),"
                + " their history and the scope's work state.")
final class ForgetCommand implements Callable<Integer> {
    @Mixin
    MemoryOptions memory;

    @Option(names = "--json", description = "Print {\"forgotten\": N}.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = memory.open(false)) {
            int n = mem.memory().forget(memory.scope());
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.jsonLine(out, Map.of("forgotten", n));
            } else {
                out.println("forgot " + n + " memor" + (n == 1 ? "y" : "ies"));
            }
        }
        return Main.EXIT_OK;
    }
}
