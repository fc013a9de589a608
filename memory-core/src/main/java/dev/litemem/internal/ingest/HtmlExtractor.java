package dev.litemem.internal.ingest;

import java.util.ArrayList;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;

/**
 * The visible text of an HTML page (jsoup): script, style, template and other non-rendered elements are dropped; each
 * block element (p, li, tr, pre, ...) becomes a block under the path of the h1-h6 headings above it.
 */
public final class HtmlExtractor {
    private static final String INVISIBLE = "script, style, noscript, template, head, svg, canvas, iframe, object, [hidden]";
    private static final java.util.Set<String> BLOCKS = java.util.Set.of("p", "li", "tr", "pre", "blockquote", "dd", "dt",
            "figcaption", "caption", "address", "summary", "div", "section", "article", "main", "aside",
            "header", "footer", "nav", "table", "ul", "ol", "dl", "body", "form", "fieldset", "details", "figure");

    private final List<Block> blocks = new ArrayList<>();
    private final List<String> headings = new ArrayList<>();
    private final List<Integer> levels = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();

    private HtmlExtractor() {
    }

    static Extracted extract(byte[] content, String baseUri, String fallbackTitle) throws java.io.IOException {
        Document doc = Jsoup.parse(new java.io.ByteArrayInputStream(content), null, baseUri);
        String title = doc.title().isBlank() ? null : doc.title().strip();
        doc.select(INVISIBLE).remove();
        HtmlExtractor x = new HtmlExtractor();
        x.walk(doc.body());
        x.flush();
        if (title == null) {
            Element h1 = doc.selectFirst("h1");
            title = h1 != null && !h1.text().isBlank() ? h1.text().strip() : fallbackTitle;
        }
        return new Extracted(title, x.blocks);
    }

    private void walk(Element element) {
        if (element == null) {
            return;
        }
        for (Node child : element.childNodes()) {
            if (child instanceof TextNode t) {
                current.append(t.text());
            } else if (child instanceof Element e) {
                String tag = e.normalName();
                if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
                    flush();
                    heading(tag.charAt(1) - '0', e.text());
                } else if (tag.equals("br")) {
                    current.append('\n');
                } else if (tag.equals("td") || tag.equals("th")) {
                    current.append(current.isEmpty() ? "" : " | ");
                    walk(e);
                } else if (tag.equals("pre")) {
                    flush();
                    current.append(e.wholeText());
                    flush();
                } else if (BLOCKS.contains(tag)) {
                    flush();
                    walk(e);
                    flush();
                } else {
                    walk(e);
                }
            }
        }
    }

    private void heading(int level, String name) {
        while (!levels.isEmpty() && levels.get(levels.size() - 1) >= level) {
            levels.remove(levels.size() - 1);
            headings.remove(headings.size() - 1);
        }
        if (!name.isBlank()) {
            levels.add(level);
            headings.add(name.strip());
        }
    }

    private void flush() {
        String text = current.toString().replaceAll("[ \\t\\x0B\\f\\u00A0]+", " ").replaceAll(" *\\n *", "\n").strip();
        current.setLength(0);
        if (!text.isEmpty()) {
            blocks.add(new Block(headings, text, null));
        }
    }
}
