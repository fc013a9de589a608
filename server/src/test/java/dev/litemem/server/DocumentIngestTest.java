package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.LiteMem;
import dev.litemem.LiteMemOptions;
import dev.litemem.ingest.Document;
import dev.litemem.ingest.Ingester;
import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /documents goes through the core's one document path (Ingester.ingestDocument), as `litemem ingest` does: the
 * documents row is written with the chunks, and text the tenant's embedding cache holds costs no inference.
 */
class DocumentIngestTest {
    static final String DOCS = "/v1/tenants/acme/collections/docs/documents";
    static final String HANDBOOK = "{\"source\": \"handbook.md\", \"text\": \"# Keys\\nRotate keys every 90 days.\\n\\n"
            + "# On-call\\nOn-call starts on Monday.\\n\\n## Escalation\\nEscalate to the lead.\"}";
    @RegisterExtension
    final TempStores stores = new TempStores();

    @Test
    void reIngestingUnchangedTextCostsNoInferenceAndTheDocumentIsRecorded() {
        WordHashEmbedder embedder = new WordHashEmbedder();
        try (TestServer s = new TestServer(stores.path("data"), b -> b.embedder(embedder))) {
            String key = s.createTenant("acme");
            TestServer.Response first = s.call("POST", DOCS, key, HANDBOOK);
            assertEquals(200, first.status(), first.body());
            assertEquals(3, first.json().get("chunks").asInt());
            assertEquals(3, first.json().get("embedded").asInt());
            int embedded = embedder.embeddedTexts();

            TestServer.Response again = s.call("POST", DOCS, key, HANDBOOK);
            assertEquals(200, again.status(), again.body());
            assertEquals(0, again.json().get("embedded").asInt());
            assertEquals(embedded, embedder.embeddedTexts(), "unchanged text costs no inference: the cache had every chunk");
            assertTrue(again.json().get("seq").asLong() > first.json().get("seq").asLong());

            TestServer.Response edited = s.call("POST", DOCS, key, HANDBOOK.replace("Monday", "Tuesday"));
            assertEquals(1, edited.json().get("embedded").asInt(), "only the edited chunk is embedded");
            assertEquals(embedded + 1, embedder.embeddedTexts());
        }
        try (LiteMem mem = stores.open(stores.path("data").resolve("tenants/acme.db"),
                LiteMemOptions.builder().embedder(embedder).build())) {
            List<Document> documents = Ingester.documents(mem, "docs");
            assertEquals(1, documents.size(), "the upload has its row in the documents table, as an ingested file has");
            assertEquals("handbook.md", documents.get(0).path());
            assertEquals(3, documents.get(0).chunks());
            assertEquals("Keys", documents.get(0).title());
        }
    }

    @Test
    void aDocumentIsRefusedByACollectionOfAnotherModelAndARefusedOneCreatesNone() {
        try (TestServer s = new TestServer(stores.path("data"), b -> b.maxDocumentChars(1_000))) {
            String key = s.createTenant("acme");
            assertEquals(201, s.call("PUT", "/v1/tenants/acme/collections/vectors", key, "{\"dimension\": 3}").status());
            TestServer.Response r = s.call("POST", "/v1/tenants/acme/collections/vectors/documents", key, HANDBOOK);
            assertEquals(409, r.status(), r.body());
            assertEquals("collection", r.field());

            TestServer.Response big = s.call("POST", DOCS, key,
                    "{\"source\": \"big.txt\", \"text\": \"" + "many words ".repeat(200) + "\"}");
            assertEquals(413, big.status(), big.body());
            assertEquals(404, s.call("GET", "/v1/tenants/acme/collections/docs", key, null).status(),
                    "a document refused for its size creates no collection");
        }
    }
}
