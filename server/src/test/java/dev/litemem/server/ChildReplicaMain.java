package dev.litemem.server;

import dev.litemem.LiteMemOptions;
import dev.litemem.client.Bookmark;
import dev.litemem.client.Replica;
import dev.litemem.client.Session;
import dev.litemem.testing.WordHashEmbedder;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A replica in a child JVM, for the tests that kill it with SIGKILL or hand it a bookmark from another process.
 * Arguments: FILE PRIMARY_URL TENANT KEY BATCH_LIMIT MODE [BOOKMARK COLLECTION ID]. Modes: {@code follow} (prints
 * "following", then follows until killed), {@code read-at} (opens without following, reads ID of COLLECTION in a
 * session started at BOOKMARK, prints "found TEXT" or "missing", exits).
 */
public final class ChildReplicaMain {
    private ChildReplicaMain() {
    }

    public static void main(String[] args) throws Exception {
        LiteMemOptions options = LiteMemOptions.builder().embedder(new WordHashEmbedder())
                .durability(dev.litemem.Durability.NORMAL).build();
        boolean follow = args[5].equals("follow");
        try (Replica replica = Replica.builder(Path.of(args[0]), URI.create(args[1]), args[2], args[3]).options(options)
                .batchLimit(Integer.parseInt(args[4])).pollWait(Duration.ofSeconds(5)).follow(follow).open()) {
            if (follow) {
                System.out.println("following at " + replica.status().position());
                System.out.flush();
                Thread.currentThread().join(); // until killed
            } else {
                Session session = replica.session(Bookmark.parse(args[6]));
                System.out.println(session.get(args[7], args[8]).map(r -> "found " + r.text()).orElse("missing"));
            }
        }
    }
}
