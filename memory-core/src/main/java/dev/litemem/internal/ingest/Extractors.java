package dev.litemem.internal.ingest;

import dev.litemem.ingest.DocumentTooLargeException;
import dev.litemem.ingest.IngestLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Chooses the extractor by file extension: Markdown, HTML, PDF, and plain text for everything else. */
public final class Extractors {
    private Extractors() {
    }

    enum Format { MARKDOWN, HTML, PDF, TEXT }

    public static Format format(String fileName) {
        String name = fileName.toLowerCase(Locale.ROOT);
        if (name.endsWith(".md") || name.endsWith(".markdown") || name.endsWith(".mdx")) {
            return Format.MARKDOWN;
        }
        if (name.endsWith(".html") || name.endsWith(".htm") || name.endsWith(".xhtml")) {
            return Format.HTML;
        }
        if (name.endsWith(".pdf")) {
            return Format.PDF;
        }
        return Format.TEXT;
    }

    /**
     * The blocks of one file.
     *
     * @throws IOException when the content cannot be decoded or parsed (not UTF-8 text, a damaged PDF)
     */
    public static Extracted extract(String fileName, byte[] content) throws IOException {
        return extract(fileName, content, IngestLimits.defaults());
    }

    /**
     * The blocks of one file, within the limits on its text and pages.
     *
     * @throws IOException when the content cannot be decoded or parsed (not UTF-8 text, a damaged PDF)
     * @throws DocumentTooLargeException when it passes a limit (reading stops there)
     */
    public static Extracted extract(String fileName, byte[] content, IngestLimits limits) throws IOException {
        String fallbackTitle = fileName.replaceFirst("\\.[^.]+$", "");
        Format format = format(fileName);
        try {
            Extracted extracted = switch (format) {
                case MARKDOWN -> MarkdownExtractor.markdown(utf8(content, limits), fallbackTitle);
                case TEXT -> MarkdownExtractor.plainText(utf8(content, limits), fallbackTitle);
                case HTML -> HtmlExtractor.extract(content, "", fallbackTitle);
                case PDF -> PdfExtractor.extract(content, fallbackTitle, limits);
            };
            LimitChecks.checkText(limits, extracted.textChars());
            return extracted;
        } catch (NoClassDefFoundError e) {
            throw new IOException("reading " + format.name() + " files needs "
                    + (format == Format.PDF ? "org.apache.pdfbox:pdfbox" : "org.jsoup:jsoup")
                    + " on the class path (an optional dependency of litemem-core)", e);
        }
    }

    private static String utf8(byte[] content, IngestLimits limits) throws IOException {
        // UTF-8 never has more characters than bytes: most documents are cleared before decoding.
        if (content.length > limits.maxTextChars()) {
            LimitChecks.checkText(limits, content.length / 4 + 1);
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
            if (text.indexOf('\0') >= 0) {
                throw new IOException("it contains NUL bytes: it looks binary, not text");
            }
            LimitChecks.checkText(limits, text.length());
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new IOException("it is not UTF-8 text", e);
        }
    }
}
