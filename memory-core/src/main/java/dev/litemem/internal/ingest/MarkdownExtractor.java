package dev.litemem.internal.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits Markdown (and plain text, which has no ATX headings) into blocks: paragraphs separated by blank lines, fenced
 * code kept whole, each under the path of ATX ({@code ## Title}) and setext (underlined) headings above it.
 */
public final class MarkdownExtractor {
    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
    private static final Pattern SETEXT_1 = Pattern.compile("^ {0,3}=+[ \\t]*$");
    private static final Pattern SETEXT_2 = Pattern.compile("^ {0,3}-+[ \\t]*$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(```+|~~~+).*$");
    private static final Pattern FRONT_TITLE = Pattern.compile("^title:\\s*[\"']?(.*?)[\"']?\\s*$");

    private final boolean atxHeadings;
    private final List<Block> blocks = new ArrayList<>();
    private final List<String> headings = new ArrayList<>();
    private final List<Integer> levels = new ArrayList<>();
    private final List<String> paragraph = new ArrayList<>();
    private String title;

    private MarkdownExtractor(boolean atxHeadings) {
        this.atxHeadings = atxHeadings;
    }

    static Extracted markdown(String text, String fallbackTitle) {
        return new MarkdownExtractor(true).run(text, fallbackTitle);
    }

    public static Extracted plainText(String text, String fallbackTitle) {
        return new MarkdownExtractor(false).run(text, fallbackTitle);
    }

    private Extracted run(String text, String fallbackTitle) {
        String[] lines = text.split("\\r?\\n|\\r", -1);
        int i = 0;
        if (atxHeadings && lines.length > 0 && lines[0].strip().equals("---")) {
            int end = 1;
            while (end < lines.length && !lines[end].strip().equals("---")) {
                Matcher m = FRONT_TITLE.matcher(lines[end].strip());
                if (m.matches() && !m.group(1).isBlank()) {
                    title = m.group(1);
                }
                end++;
            }
            i = end < lines.length ? end + 1 : 0;
        }
        String fence = null;
        for (; i < lines.length; i++) {
            String line = lines[i];
            if (fence != null) {
                paragraph.add(line);
                if (line.strip().startsWith(fence)) {
                    fence = null;
                    flush();
                }
                continue;
            }
            Matcher fenceStart = FENCE.matcher(line);
            if (atxHeadings && fenceStart.matches()) {
                flush();
                fence = fenceStart.group(1);
                paragraph.add(line);
                continue;
            }
            Matcher atx = ATX.matcher(line);
            if (atxHeadings && atx.matches()) {
                flush();
                heading(atx.group(1).length(), atx.group(2));
                continue;
            }
            if (paragraph.size() == 1 && !line.isBlank()
                    && (SETEXT_1.matcher(line).matches() || SETEXT_2.matcher(line).matches())) {
                String name = paragraph.remove(0);
                heading(SETEXT_1.matcher(line).matches() ? 1 : 2, name.strip());
                continue;
            }
            if (line.isBlank()) {
                flush();
            } else {
                paragraph.add(line);
            }
        }
        flush();
        return new Extracted(title != null ? title : fallbackTitle, blocks);
    }

    private void heading(int level, String name) {
        while (!levels.isEmpty() && levels.get(levels.size() - 1) >= level) {
            levels.remove(levels.size() - 1);
            headings.remove(headings.size() - 1);
        }
        if (name.isBlank()) {
            return;
        }
        levels.add(level);
        headings.add(name.strip());
        if (title == null && level == 1) {
            title = name.strip();
        }
    }

    private void flush() {
        if (paragraph.isEmpty()) {
            return;
        }
        String text = String.join("\n", paragraph).strip();
        paragraph.clear();
        if (!text.isEmpty()) {
            blocks.add(new Block(headings, text, null));
        }
    }
}
