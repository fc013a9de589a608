package dev.litemem.server;

import dev.litemem.testing.WordHashEmbedder;
import java.nio.file.Path;

/**
 * A server in a child JVM for the crash tests: the real server with the test embedder, on a free port or on the port
 * given as a third argument (a server restarted where its replicas look for it).
 */
public final class ChildServerMain {
    private ChildServerMain() {
    }

    public static void main(String[] args) {
        MemoryServer.run(ServerConfig.builder(Path.of(args[0])).port(args.length > 2 ? Integer.parseInt(args[2]) : 0).embedder(new WordHashEmbedder())
                .maxOpenTenants(Integer.parseInt(args[1])).warmUp(java.time.Duration.ZERO).build());
    }
}
