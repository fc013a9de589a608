package dev.litemem.server;

import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;

/** A server in a child JVM for the crash test: the real server with the test embedder, on a free port. */
public final class ChildServerMain {
    private ChildServerMain() {
    }

    public static void main(String[] args) {
        MemoryServer.run(ServerConfig.builder(Path.of(args[0])).port(0).embedder(new WordHashEmbedder())
                .maxOpenTenants(Integer.parseInt(args[1])).build());
    }
}
