package dev.litemem.client;

import dev.litemem.LiteMemOptions;
import dev.litemem.client.testing.MemoryClientContract;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The MemoryClient contract over a LiteMem file in this process ({@code file:} URIs). */
class EmbeddedMemoryClientTest extends MemoryClientContract {
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Override
    protected MemoryClient open() {
        return MemoryClients.open("file:" + stores.path("agent.db"),
                LiteMemOptions.builder().embedder(new WordHashEmbedder()).build());
    }
}
