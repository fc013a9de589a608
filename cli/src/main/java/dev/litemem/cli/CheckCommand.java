package dev.litemem.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.litemem.check.CheckReport;
import dev.litemem.check.Finding;
import dev.litemem.check.StoreCheck;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code litemem check FILE | --data DIR [--json]}: every check of {@link StoreCheck}, read-only. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Checks a LiteMem file, or every tenant file of a server data folder, without changing it:",
                "SQLite's integrity check, the keyword index, index checkpoints and the rows they index, the change",
                "log's order, vectors and metadata. Exit 0 clean, 1 findings, 2 bad usage. See docs/OPERATIONS.md."})
final class CheckCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "FILE", description = "The LiteMem file to check.")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", description = "Check every tenant file (DIR/tenants/*.db) of a server data folder.")
    Path data;

    @Option(names = "--json", description = "Print one JSON object (shape: docs/OPERATIONS.md).")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if ((file == null) == (data == null)) {
            throw new CommandLine.ParameterException(cmd, "give either FILE or --data DIR (one of them)");
        }
        List<Path> files;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.ParameterException(cmd, file + (Files.isDirectory(file) ? " is a directory" : " does"
                        + " not exist") + ": give the path of a LiteMem file, or --data DIR for a server's data folder");
            }
            files = List.of(file);
        } else {
            files = TenantFiles.of(cmd, data);
        }
        PrintWriter out = cmd.getOut();
        List<CheckReport> reports = new ArrayList<>();
        for (Path f : files) {
            CheckReport r = StoreCheck.check(f);
            reports.add(r);
            if (!json) {
                printText(out, r);
            }
        }
        long withFindings = reports.stream().filter(r -> !r.clean()).count();
        if (json) {
            Output.jsonLine(out, toJson(reports, withFindings));
        } else if (data != null) {
            out.printf("Checked %d tenant file(s) in %s: %d clean, %d with findings.%n", reports.size(), data,
                    reports.size() - withFindings, withFindings);
        }
        out.flush();
        return withFindings == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
    }

    private static void printText(PrintWriter out, CheckReport r) {
        out.printf("%s: %s (schema version %d, %d ms)%n", r.file(), r.clean() ? "clean"
                : r.findings().size() + " finding(s)", r.schemaVersion(), r.millis());
        for (Finding f : r.findings()) {
            out.printf("  %-10s %s%s: %s%n", f.kind().id(), f.table() == null ? "(file)" : f.table(),
                    f.row() == null ? "" : " row " + f.row(), f.message());
        }
    }

    private ObjectNode toJson(List<CheckReport> reports, long withFindings) {
        ObjectNode root = Output.object();
        root.put("clean", withFindings == 0);
        root.put("checked", reports.size());
        root.put("with_findings", withFindings);
        ArrayNode files = root.putArray("files");
        for (CheckReport r : reports) {
            ObjectNode f = files.addObject();
            f.put("file", r.file().toString());
            if (data != null) {
                f.put("tenant", TenantFiles.name(r.file()));
            } else {
                f.putNull("tenant");
            }
            f.put("schema_version", r.schemaVersion());
            f.put("clean", r.clean());
            f.put("millis", r.millis());
            ArrayNode findings = f.putArray("findings");
            for (Finding x : r.findings()) {
                ObjectNode o = findings.addObject();
                o.put("kind", x.kind().id());
                o.put("table", x.table());
                if (x.row() == null) {
                    o.putNull("row");
                } else {
                    o.put("row", x.row());
                }
                o.put("message", x.message());
            }
        }
        return root;
    }
}
