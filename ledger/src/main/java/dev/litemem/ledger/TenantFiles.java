package dev.litemem.ledger;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Tenant files on disk, for a shipper outside the server: one file ({@code --db FILE}, the tenant named after the
 * file) or a server's data folder ({@code --data DIR}: the files {@code DIR/tenants/NAME.db}). Each store is opened
 * for the work and closed after it, without background indexing and without an embedder: the shipper reads the
 * change log and writes only its position hint.
 */
public final class TenantFiles implements TenantShipping.Tenants {
    private final Map<String, Path> files;
    private final Path folder;

    private TenantFiles(Map<String, Path> files, Path folder) {
        this.files = files;
        this.folder = folder;
    }

    /** One file; the tenant is named after it (without {@code .db}) unless {@code tenant} is given. */
    public static TenantFiles file(Path file, String tenant) {
        if (!Files.isRegularFile(file)) {
            throw new LedgerException(file + " does not exist: give an existing LiteMem file with --db");
        }
        String name = tenant != null ? tenant : file.getFileName().toString().replaceFirst("\\.db$", "");
        return new TenantFiles(new TreeMap<>(Map.of(name, file)), null);
    }

    /** A server's data folder: every {@code tenants/NAME.db} in it, read again at each {@link #names()}. */
    public static TenantFiles dataFolder(Path dir) {
        if (!Files.isDirectory(dir.resolve("tenants"))) {
            throw new LedgerException(dir + " is not a LiteMem server data folder (it has no tenants/ folder): give the"
                    + " folder the server was started with (--data)");
        }
        return new TenantFiles(null, dir.resolve("tenants"));
    }

    @Override
    public List<String> names() {
        return new ArrayList<>(current().keySet());
    }

    private Map<String, Path> current() {
        if (files != null) {
            return files;
        }
        Map<String, Path> found = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            list.filter(p -> p.getFileName().toString().endsWith(".db") && Files.isRegularFile(p))
                    .forEach(p -> found.put(p.getFileName().toString().replaceFirst("\\.db$", ""), p));
        } catch (IOException e) {
            throw new LedgerException("cannot list the tenants in " + folder + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public <T> T withStore(String tenant, Function<LiteMem, T> work) {
        Path file = current().get(tenant);
        if (file == null) {
            throw new LedgerException("tenant '" + tenant + "' has no file any more");
        }
        try (LiteMem mem = LiteMem.open(file, LiteMemOptions.builder().createIfMissing(false).readerConnections(1)
                .backgroundIndexing(false).useBundledEmbedder(false).pruneChangeLogEvery(java.time.Duration.ZERO)
                .build())) {
            return work.apply(mem);
        }
    }
}
