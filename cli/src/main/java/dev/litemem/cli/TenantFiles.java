package dev.litemem.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The tenant files of a server data folder (docs/SERVER.md, "Data folder"): {@code DIR/tenants/NAME.db}, by name.
 * The server's own folders (.trash, .quarantine, .exports) are not tenants and are left out.
 */
final class TenantFiles {
    private TenantFiles() {
    }

    /** Every tenant file, sorted by name; a usage error when DIR is not a data folder. */
    static List<Path> of(CommandLine cmd, Path dataDir) {
        Path tenants = dataDir.resolve("tenants");
        if (!Files.isDirectory(tenants)) {
            throw new CommandLine.ParameterException(cmd, dataDir + " is not a server data folder (it has no tenants/"
                    + " folder): give the folder 'litemem serve --data' uses");
        }
        try (Stream<Path> files = Files.list(tenants)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".db") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + tenants + ": " + e.getMessage(), e);
        }
    }

    /** The tenant's name: the file's name without {@code .db}. */
    static String name(Path file) {
        String n = file.getFileName().toString();
        return n.substring(0, n.length() - ".db".length());
    }
}
