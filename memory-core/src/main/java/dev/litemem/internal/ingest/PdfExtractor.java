package dev.litemem.internal.ingest;

import dev.litemem.ingest.IngestLimits;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/** The text of a PDF (PDFBox), page by page, within the document's limits; each page's paragraphs become blocks that remember their page number. */
public final class PdfExtractor {
    private PdfExtractor() {
    }

    /** Pages beyond {@code limits.maxPdfPages()}, and text beyond its limit, are refused before they are read. */
    static Extracted extract(byte[] content, String fallbackTitle, IngestLimits limits) throws IOException {
        try (PDDocument pdf = Loader.loadPDF(content)) {
            LimitChecks.checkPages(limits, pdf.getNumberOfPages());
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            List<Block> blocks = new ArrayList<>();
            long chars = 0;
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = stripper.getText(pdf);
                chars += text.length();
                LimitChecks.checkText(limits, chars);
                for (Block b : MarkdownExtractor.plainText(text, fallbackTitle).blocks()) {
                    blocks.add(new Block(b.headings(), b.text(), page));
                }
            }
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            return new Extracted(title == null || title.isBlank() ? fallbackTitle : title.strip(), blocks);
        }
    }
}
