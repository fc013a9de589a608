package dev.litemem.embedding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.jar.JarEntry;

/**
 * Puts a bundled model's files on disk once per machine: ONNX Runtime needs a file, and extracting 90 MB at every
 * start would be slow and leave garbage behind. The folder name is derived from the jar entries' names, sizes and
 * CRC-32s, so a new model version gets a new folder and concurrent JVMs agree on the same one.
 */
final class ModelFiles {
    static final String MODEL_FILE = "model.onnx";
    static final String TOKENIZER_FILE = "tokenizer.json";
    /** System property that moves the cache; the environment variable {@code LITEMEM_CACHE_DIR} does the same. */
    static final String CACHE_DIR_PROPERTY = "litemem.cache.dir";

    private ModelFiles() {
    }

    /** The cache root: the system property, else {@code LITEMEM_CACHE_DIR}, else {@code ~/.cache/litemem}. */
    static Path cacheRoot() {
        String configured = System.getProperty(CACHE_DIR_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("LITEMEM_CACHE_DIR");
        }
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        return Paths.get(System.getProperty("user.home"), ".cache", "litemem");
    }

    /** Returns a folder holding {@code model.onnx} and {@code tokenizer.json} for the bundled model. */
    static Path materialize(BundledModels.Spec spec) {
        URL onnx = BundledModels.resourceLoader().getResource(spec.onnxResource());
        URL tokenizer = BundledModels.resourceLoader().getResource(spec.tokenizerResource());
        if (onnx == null || tokenizer == null) {
            throw new EmbeddingException("The files of model '" + spec.name() + "' are not on the class path.");
        }
        try {
            String key = fingerprint(spec.name(), onnx, tokenizer);
            Path dir = cacheRoot().resolve("models").resolve(key);
            Files.createDirectories(dir);
            copyOnce(onnx, dir.resolve(MODEL_FILE));
            copyOnce(tokenizer, dir.resolve(TOKENIZER_FILE));
            return dir;
        } catch (IOException | UncheckedIOException e) {
            throw new EmbeddingException("Could not extract model '" + spec.name() + "' to the cache folder under "
                    + cacheRoot() + ": check that it is writable and has 150 MB free, or point "
                    + CACHE_DIR_PROPERTY + " / LITEMEM_CACHE_DIR elsewhere.", e);
        }
    }

    private static String fingerprint(String name, URL... resources) throws IOException {
        MessageDigest sha = sha256();
        sha.update(name.getBytes(StandardCharsets.UTF_8));
        for (URL url : resources) {
            URLConnection connection = url.openConnection();
            sha.update((byte) 0);
            sha.update(url.getPath().replaceAll(".*[/!]", "").getBytes(StandardCharsets.UTF_8));
            if (connection instanceof JarURLConnection) {
                JarEntry entry = ((JarURLConnection) connection).getJarEntry();
                sha.update((entry.getSize() + ":" + entry.getCrc()).getBytes(StandardCharsets.UTF_8));
            } else {
                // Not in a jar (an exploded class path): hash the content itself.
                try (InputStream in = connection.getInputStream()) {
                    byte[] buffer = new byte[1 << 16];
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    }

    private static void copyOnce(URL source, Path target) throws IOException {
        long expectedSize = sizeOf(source);
        if (Files.isRegularFile(target) && (expectedSize < 0 || Files.size(target) == expectedSize)) {
            return;
        }
        Path temp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
        try {
            try (InputStream in = source.openStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static long sizeOf(URL url) throws IOException {
        URLConnection connection = url.openConnection();
        if (connection instanceof JarURLConnection) {
            return ((JarURLConnection) connection).getJarEntry().getSize();
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Files.size(Paths.get(url.toURI()));
            } catch (URISyntaxException e) {
                return -1;
            }
        }
        return -1;
    }

    static MessageDigest sha256() {
        return dev.litemem.internal.Sha256.newDigest();
    }
}
