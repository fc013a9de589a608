package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.Record;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "get", mixinStandardHelpOptions = true, description = "Prints one record.")
final class GetCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "Print the record as one JSON object.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = store.open(false)) {
            Record r = store.existingCollection(mem).get(id).orElseThrow(() -> new LiteMemException("no record with id '"
                    + id + "' in collection '" + store.collection + "'"));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Output.jsonLine(out, Output.record(r));
            } else {
                out.println("id:       " + r.id());
                out.println("source:   " + (r.source() == null ? "-" : r.source() + " #" + r.chunk()));
                out.println("metadata: " + Output.JSON.valueToTree(r.metadata()));
                out.println("updated:  " + r.updatedAt());
                out.println();
                out.println(r.text());
            }
        }
        return Main.EXIT_OK;
    }
}
