package dev.litemem.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.litemem.testing.TempStores;
import dev.litemem.testing.WordHashEmbedder;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A document past the limits is refused with 413 before any of it is embedded: its chunks are counted first, its
 * extracted text and its PDF pages are bounded (a 1.43 MB Markdown file used to take 38.8 s of embedding before its 413).
 */
class DocumentLimitsTest {
    static final String DOCS = "/v1/tenants/acme/collections/docs/documents";
    @RegisterExtension
    final TempStores stores = new TempStores();
    final WordHashEmbedder embedder = new WordHashEmbedder();
    TestServer s;
    String key;

    @BeforeEach
    void start() {
        s = new TestServer(stores.dir(), b -> b.embedder(embedder).maxBatch(50).maxDocumentChars(100_000).maxDocumentPages(3));
        key = s.createTenant("acme");
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private TestServer.Response post(String source, String contentType, byte[] body) {
        return s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl() + DOCS + "?source=" + source))
                .header("Authorization", "Bearer " + key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private static byte[] sections(int n) {
        StringBuilder md = new StringBuilder();
        for (int i = 0; i < n; i++) {
            md.append("# Section ").append(i).append("\n\nThe kiwi harvest of plot ").append(i).append(" was counted.\n\n");
        }
        return md.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void tooManyChunksAreRefusedBeforeAnyIsEmbedded() {
        TestServer.Response r = post("big.md", "text/markdown", sections(500));
        assertEquals(413, r.status(), r.body());
        assertEquals(0, embedder.embeddedTexts(), "nothing was embedded");
        assertEquals("text", r.field());
        assertTrue(r.body().contains("more than 50 chunks"), r.body());

        TestServer.Response ok = post("small.md", "text/markdown", sections(20));
        assertEquals(200, ok.status(), ok.body());
        assertEquals(20, ok.json().get("chunks").asInt());
    }

    @Test
    void extractedTextIsBoundedBeforeChunking() {
        byte[] text = "many words ".repeat(15_000).getBytes(java.nio.charset.StandardCharsets.UTF_8); // 165,000 chars
        TestServer.Response r = post("long.txt", "text/plain", text);
        assertEquals(413, r.status(), r.body());
        assertEquals(0, embedder.embeddedTexts(), "nothing was embedded");
        assertEquals("text", r.field());
        assertTrue(r.body().contains("100000 characters"), r.body());
    }

    @Test
    void pdfPagesAreBoundedBeforeTheirTextIsRead() throws Exception {
        String boundary = "b0undary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        body.writeBytes(pdf(5));
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        TestServer.Response r = s.send(HttpRequest.newBuilder(URI.create(s.server.baseUrl() + DOCS))
                .header("Authorization", "Bearer " + key).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
        assertEquals(413, r.status(), r.body());
        assertEquals("file", r.field());
        assertTrue(r.body().contains("5 pages"), r.body());
        assertEquals(0, embedder.embeddedTexts());
    }

    private static byte[] pdf(int pages) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            for (int i = 0; i < pages; i++) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream c = new PDPageContentStream(doc, page)) {
                    c.beginText();
                    c.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    c.newLineAtOffset(72, 700);
                    c.showText("Page " + i + " of the kiwi report.");
                    c.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }
}
