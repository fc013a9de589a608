package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.Filter;
import dev.litemem.LiteMem;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "delete", mixinStandardHelpOptions = true, description = "Deletes records by id or by filter.")
final class DeleteCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Parameters(paramLabel = "ID", arity = "1..*", description = "Ids of the records to delete.")
        List<String> ids;

        @Option(names = "--where", paramLabel = "FILTER", description = "Delete every record matching this JSON filter.")
        String where;
    }

    @Option(names = "--json", description = "Print {\"deleted\": n} as JSON.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (LiteMem mem = store.open(false)) {
            Collection c = store.existingCollection(mem);
            int deleted = target.where != null ? c.deleteWhere(Filter.parse(target.where)) : c.deleteAll(target.ids);
            if (json) {
                Output.jsonLine(spec.commandLine().getOut(), java.util.Map.of("deleted", deleted));
            } else {
                spec.commandLine().getOut().println("deleted " + deleted + " record" + (deleted == 1 ? "" : "s"));
            }
        }
        return Main.EXIT_OK;
    }
}
