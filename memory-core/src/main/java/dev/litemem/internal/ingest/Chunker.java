package dev.litemem.internal.ingest;

import dev.litemem.ingest.DocumentTooLargeException;
import dev.litemem.ingest.IngestLimits;
import dev.litemem.ingest.ChunkingOptions;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Structure- and token-aware chunking: blocks are grouped by heading path (a chunk never spans two sections), packed
 * whole while they fit, and split into sentences (and overlong sentences into word runs) when they do not.
 */
public final class Chunker {
    private static final int MIN_BUDGET = 8;
    private final ChunkingOptions options;
    private final ToIntFunction<String> counter;
    private final int limit;
    private final int overhead;

    /**
     * @param counter   the embedder's token count of a text
     * @param maxTokens the embedder's input limit; the target is capped to it
     */
    public Chunker(ChunkingOptions options, ToIntFunction<String> counter, int maxTokens) {
        this.options = options;
        this.counter = counter;
        this.limit = Math.min(options.targetTokens(), maxTokens);
        // Special tokens a tokenizer adds to every text ([CLS], [SEP]) are paid once per chunk, not once per piece.
        this.overhead = Math.max(0, counter.applyAsInt(""));
    }

    private int count(String text) {
        return Math.max(0, counter.applyAsInt(text) - overhead);
    }

    public List<Chunk> chunk(Extracted doc) {
        return chunk(doc, IngestLimits.defaults());
    }

    /**
     * The chunks of a document; throws {@link DocumentTooLargeException} as soon as there are more than
     * {@code limits.maxChunks()}, without chunking the rest.
     */
    public List<Chunk> chunk(Extracted doc, IngestLimits limits) {
        List<Chunk> chunks = new ChunkList(limits);
        List<Block> section = new ArrayList<>();
        for (Block block : doc.blocks()) {
            if (!section.isEmpty() && !section.get(0).headings().equals(block.headings())) {
                chunkSection(doc.title(), section, chunks);
                section.clear();
            }
            section.add(block);
        }
        if (!section.isEmpty()) {
            chunkSection(doc.title(), section, chunks);
        }
        return chunks;
    }

    private record Unit(String text, int tokens, boolean newBlock, Integer page) {
    }

    /** A list that refuses to grow past the document's chunk limit. */
    private static final class ChunkList extends ArrayList<Chunk> {
        private final IngestLimits limits;

        ChunkList(IngestLimits limits) {
            this.limits = limits;
        }

        @Override
        public boolean add(Chunk chunk) {
            LimitChecks.checkChunks(limits, size() + 1);
            return super.add(chunk);
        }
    }

    private void chunkSection(String title, List<Block> blocks, List<Chunk> out) {
        List<String> headings = blocks.get(0).headings();
        String prefix = prefix(title, headings);
        int budget = Math.max(MIN_BUDGET, limit - overhead - (prefix.isEmpty() ? 0 : count(prefix + "\n\n")));
        List<Unit> units = new ArrayList<>();
        for (Block b : blocks) {
            int tokens = count(b.text());
            if (tokens <= budget) {
                units.add(new Unit(b.text(), tokens, true, b.page()));
            } else {
                boolean first = true;
                for (String piece : split(b.text(), budget)) {
                    units.add(new Unit(piece, count(piece), first, b.page()));
                    first = false;
                }
            }
        }
        List<Unit> current = new ArrayList<>();
        int size = 0;
        boolean hasNew = false;
        for (Unit u : units) {
            if (hasNew && size + u.tokens() > budget) {
                out.add(build(out.size(), current, prefix, headings, size));
                current = overlap(current, budget - u.tokens());
                size = current.stream().mapToInt(Unit::tokens).sum();
                hasNew = false;
            }
            current.add(u);
            size += u.tokens();
            hasNew = true;
        }
        if (hasNew) {
            out.add(build(out.size(), current, prefix, headings, size));
        }
    }

    /** The trailing sentences of the chunk just emitted, at most the overlap and what still fits beside the next unit. */
    private List<Unit> overlap(List<Unit> previous, int room) {
        int allowed = Math.min(options.overlapTokens(), room);
        List<Unit> tail = new ArrayList<>();
        if (allowed <= 0 || previous.isEmpty()) {
            return tail;
        }
        int size = 0;
        for (int i = previous.size() - 1; i >= 0; i--) {
            Unit u = previous.get(i);
            if (size + u.tokens() <= allowed) {
                tail.add(0, new Unit(u.text(), u.tokens(), u.newBlock(), u.page()));
                size += u.tokens();
                continue;
            }
            List<String> sentences = sentences(u.text());
            for (int s = sentences.size() - 1; s >= 1; s--) {
                String sentence = sentences.get(s);
                int tokens = count(sentence);
                if (size + tokens > allowed) {
                    break;
                }
                tail.add(0, new Unit(sentence, tokens, false, u.page()));
                size += tokens;
            }
            break;
        }
        return tail;
    }

    private Chunk build(int index, List<Unit> units, String prefix, List<String> headings, int size) {
        StringBuilder text = new StringBuilder();
        for (Unit u : units) {
            if (!text.isEmpty()) {
                text.append(u.newBlock() ? "\n\n" : (Character.isWhitespace(text.charAt(text.length() - 1)) ? "" : " "));
            }
            text.append(u.text().strip());
        }
        String body = text.toString();
        String embed = withPrefix(prefix, body);
        return new Chunk(index, body, embed, headings, units.get(0).page(), size + overhead);
    }

    /** The text a chunk is embedded from: its title and heading path, then its text. */
    static String embedText(String title, List<String> headings, String text) {
        return withPrefix(prefix(title, headings), text);
    }

    private static String withPrefix(String prefix, String body) {
        return prefix.isEmpty() ? body : prefix + "\n\n" + body;
    }

    private static String prefix(String title, List<String> headings) {
        List<String> parts = new ArrayList<>();
        if (title != null && !title.isBlank() && (headings.isEmpty() || !headings.get(0).equals(title))) {
            parts.add(title);
        }
        parts.addAll(headings);
        return String.join(" > ", parts);
    }

    /** Splits an overlong block into sentences, and sentences still over the budget into word runs. */
    private List<String> split(String text, int budget) {
        List<String> pieces = new ArrayList<>();
        for (String sentence : sentences(text)) {
            int tokens = count(sentence);
            if (tokens <= budget) {
                pieces.add(sentence);
            } else {
                splitWords(sentence, tokens, budget, pieces);
            }
        }
        return pieces;
    }

    private void splitWords(String sentence, int tokens, int budget, List<String> out) {
        String[] words = sentence.strip().split("\\s+");
        if (words.length <= 1) {
            // One unbreakable token run (a long URL, a hash): cut by characters.
            int step = Math.max(1, (int) ((long) sentence.length() * budget / Math.max(1, tokens) * 9 / 10));
            for (int i = 0; i < sentence.length(); i += step) {
                out.add(sentence.substring(i, Math.min(sentence.length(), i + step)));
            }
            return;
        }
        int perPiece = Math.max(1, (int) ((long) words.length * budget / tokens * 9 / 10));
        for (int start = 0; start < words.length; ) {
            int end = Math.min(words.length, start + perPiece);
            String piece = String.join(" ", java.util.Arrays.asList(words).subList(start, end));
            while (end - start > 1 && count(piece) > budget) {
                end = start + (end - start) / 2;
                piece = String.join(" ", java.util.Arrays.asList(words).subList(start, end));
            }
            out.add(piece);
            start = end;
        }
    }

    static List<String> sentences(String text) {
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        List<String> out = new ArrayList<>();
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end);
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
