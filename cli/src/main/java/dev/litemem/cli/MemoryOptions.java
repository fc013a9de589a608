package dev.litemem.cli;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemException;
import dev.litemem.memory.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of the memory commands: the file and the scope. */
final class MemoryOptions {
    @Option(names = "--db", required = true, paramLabel = "FILE", description = "The LiteMem file.")
    Path db;

    @Option(names = "--user", required = true, paramLabel = "U", description = "The user whose memory it is.")
    String user;

    @Option(names = "--agent", paramLabel = "A", description = "The agent, if the memory is the agent's own.")
    String agent;

    @Option(names = "--session", paramLabel = "S", description = "The session (run), if it belongs to one.")
    String session;

    Scope scope() {
        return Scope.of(user, agent, session);
    }

    /** Opens the store, which must exist unless {@code create} is true. */
    LiteMem open(boolean create) {
        if (!create && !Files.exists(db)) {
            throw new LiteMemException(db + " does not exist: check the path, or remember something first with"
                    + " 'litemem remember'");
        }
        return LiteMem.open(db, StoreOptions.options(null));
    }
}
