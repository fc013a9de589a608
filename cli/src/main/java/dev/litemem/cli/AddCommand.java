package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.Record;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Adds (or replaces) one record, embedded with the bundled model, and prints its id.")
final class AddCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Mixin
    LedgerOption ledger;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The record's text.")
    String text;

    @Option(names = "--id", description = "The record id (default: a generated one).")
    String id;

    @Option(names = "--meta", paramLabel = "JSON", description = "Metadata as a JSON object, e.g. '{\"user\": \"alice\"}'.")
    String metadata;

    @Option(names = "--json", description = "Print {\"id\", \"seq\"} as JSON.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Record record = Record.builder().id(id).text(text).metadataJson(metadata).build();
        try (LiteMem mem = store.open(true)) {
            ledger.apply(mem, store.collection);
            long seq = mem.collection(store.collection).upsert(record);
            if (json) {
                Output.jsonLine(spec.commandLine().getOut(), java.util.Map.of("id", record.id(), "seq", seq));
            } else {
                spec.commandLine().getOut().println(record.id());
            }
        }
        return Main.EXIT_OK;
    }
}
