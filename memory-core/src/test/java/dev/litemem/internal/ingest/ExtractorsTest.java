package dev.litemem.internal.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

public class ExtractorsTest {
    public static final Path SAMPLES = Path.of("..", "samples", "acme-handbook");

    @Test
    void htmlKeepsVisibleTextOnlyUnderItsHeadings() throws IOException {
        Path html = SAMPLES.resolve("contacts-and-escalation.html");
        Extracted doc = Extractors.extract(html.getFileName().toString(), Files.readAllBytes(html));
        String all = doc.blocks().stream().map(Block::text).collect(Collectors.joining("\n"));
        assertEquals("Acme Notes: contacts and escalation", doc.title());
        assertTrue(all.contains("+49 30 5550 1234"));
        assertFalse(all.contains("tangerine-stylesheet-only"));
        assertFalse(all.contains("pomegranate-script-only"));
        Block phone = doc.blocks().stream().filter(b -> b.text().contains("+49 30 5550 1234")).findFirst().orElseThrow();
        assertEquals(List.of("Contacts and escalation", "Who to contact"), phone.headings());
    }

    @Test
    void pdfTextIsExtractedWithPageNumbers() throws IOException {
        byte[] pdf = pdf("Quarterly report", "The tangerine budget grew by ten percent.", "Page two mentions kiwis.");
        Extracted doc = Extractors.extract("report.pdf", pdf);
        assertEquals("Quarterly report", doc.title());
        Block second = doc.blocks().stream().filter(b -> b.text().contains("kiwis")).findFirst().orElseThrow();
        assertEquals(2, second.page());
        assertTrue(doc.blocks().stream().anyMatch(b -> b.text().contains("tangerine budget") && b.page() == 1));
    }

    @Test
    void damagedPdfAndBinaryTextAreParseErrors() {
        assertThrows(IOException.class, () -> Extractors.extract("broken.pdf", "%PDF-1.7 not really".getBytes()));
        assertThrows(IOException.class, () -> Extractors.extract("notes.txt", new byte[] {'a', (byte) 0xC3, (byte) 0x28}));
        assertThrows(IOException.class, () -> Extractors.extract("notes.md", new byte[] {'a', 0, 'b'}));
    }

    @Test
    void markdownFrontMatterTitleWinsAndIsNotText() throws IOException {
        Extracted doc = Extractors.extract("n.md", "---\ntitle: Front\n---\n# Heading\n\nBody.\n".getBytes());
        assertEquals("Front", doc.title());
        assertEquals(2 - 1, doc.blocks().size());
        assertEquals("Body.", doc.blocks().get(0).text());
    }

    /** A PDF with a title and one page per text (Helvetica, so only Latin-1 text). */
    public static byte[] pdf(String title, String... pages) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            doc.getDocumentInformation().setTitle(title);
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.beginText();
                    s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    s.newLineAtOffset(72, 700);
                    s.showText(text);
                    s.endText();
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }
}
