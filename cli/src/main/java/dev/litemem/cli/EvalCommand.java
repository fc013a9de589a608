package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import dev.litemem.datasets.BeirDataset;
import dev.litemem.datasets.RetrievalMetrics;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measures retrieval quality on a BEIR-format set (corpus.jsonl, queries.jsonl, qrels/test.tsv):"
                + " nDCG@10, recall@10, recall@100 and MRR@10 for each mode.")
final class EvalCommand implements Callable<Integer> {
    static final int DEPTH = 100;

    @Parameters(index = "0", paramLabel = "DIR", description = "The BEIR folder.")
    Path dir;

    @Option(names = "--modes", split = ",", defaultValue = "semantic,keyword,hybrid",
            description = "Modes to evaluate (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--db", paramLabel = "FILE", description = "Keep the ingested corpus in this file (reused when it"
            + " already holds it); default: a temporary file.")
    Path db;

    @Option(names = "--chunk", description = "Split documents into chunks of about --chunk-words words; a document"
            + " scores by its best chunk. Default: one record per document (title and text, cut at the model's limit).")
    boolean chunk;

    @Option(names = "--chunk-words", defaultValue = "150", hidden = true)
    int chunkWords;

    @Option(names = "--model", paramLabel = "NAME", description = "Bundled embedding model: all-minilm-l6-v2"
            + " (default) or bge-small-en-v1.5.")
    String model;

    @Option(names = "--exact", description = "Semantic side by exact scan instead of the HNSW graph.")
    boolean exact;

    @Option(names = "--semantic-weight", defaultValue = "" + SearchRequest.DEFAULT_SEMANTIC_WEIGHT,
            description = "Hybrid: the semantic side's weight (default: ${DEFAULT-VALUE}).")
    double semanticWeight;

    @Option(names = "--rrf-k", defaultValue = "" + SearchRequest.DEFAULT_RRF_K,
            description = "Hybrid: the reciprocal-rank-fusion constant (default: ${DEFAULT-VALUE}).")
    int rrfK;

    @Option(names = "--json", description = "One JSON object per mode and line.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<SearchMode> parsedModes = new ArrayList<>();
        for (String m : modes) {
            parsedModes.add(SearchMode.fromId(m.strip()));
        }
        BeirDataset data = BeirDataset.load(dir);
        Path file = db != null ? db : Files.createTempFile("litemem-eval-", ".db");
        PrintWriter out = spec.commandLine().getOut();
        try (LiteMem mem = LiteMem.open(file, StoreOptions.options(model))) {
            String name = (chunk ? "corpus-chunks-" : "corpus-") + (model == null ? "default" : model);
            Collection corpus = mem.collection(name);
            long ingestStarted = System.nanoTime();
            int records = ingest(corpus, data);
            double ingestSeconds = (System.nanoTime() - ingestStarted) / 1e9;
            if (!json) {
                out.printf("%s: %d documents as %d records (%.1f s), %d judged queries%n", dir, data.documents().size(),
                        records, ingestSeconds, data.judgedQueries().size());
                out.printf("%-9s %8s %9s %10s %7s %7s%n", "mode", "nDCG@10", "recall@10", "recall@100", "MRR@10", "queries");
            }
            for (SearchMode mode : parsedModes) {
                long started = System.nanoTime();
                Map<String, List<String>> rankings = new LinkedHashMap<>();
                for (BeirDataset.Query q : data.judgedQueries()) {
                    SearchRequest request = SearchRequest.text(q.text()).mode(mode).k(chunk ? 4 * DEPTH : DEPTH)
                            .exact(exact).semanticWeight(semanticWeight).rrfK(rrfK);
                    rankings.put(q.id(), documentRanking(corpus.search(request)));
                }
                RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(rankings, data.qrels());
                double seconds = (System.nanoTime() - started) / 1e9;
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("mode", mode.id());
                    line.putAll(scores.asMap());
                    line.put("dataset", dir.getFileName().toString());
                    line.put("exact", exact);
                    line.put("chunked", chunk);
                    line.put("model", corpus.info().spec().model());
                    line.put("query_seconds", seconds);
                    Output.jsonLine(out, line);
                } else {
                    out.printf("%-9s %8.4f %9.4f %10.4f %7.4f %7d%n", mode.id(), scores.ndcgAt10(), scores.recallAt10(),
                            scores.recallAt100(), scores.mrrAt10(), scores.queriesScored());
                }
            }
        } finally {
            if (db == null) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(Path.of(file + "-wal"));
                Files.deleteIfExists(Path.of(file + "-shm"));
            }
        }
        return Main.EXIT_OK;
    }

    /** Document ids in rank order; a chunked document takes the rank of its best chunk. */
    private List<String> documentRanking(List<Hit> hits) {
        LinkedHashSet<String> docs = new LinkedHashSet<>();
        for (Hit h : hits) {
            Object doc = h.record().metadata().get("doc");
            docs.add(doc != null ? doc.toString() : h.record().id());
            if (docs.size() == DEPTH) {
                break;
            }
        }
        return new ArrayList<>(docs);
    }

    private int ingest(Collection corpus, BeirDataset data) {
        long expected = 0;
        List<Record> all = new ArrayList<>();
        for (BeirDataset.Document d : data.documents()) {
            String text = d.title().isBlank() ? d.text() : d.title() + "\n" + d.text();
            if (text.isBlank()) {
                continue;
            }
            if (!chunk) {
                all.add(Record.builder().id(d.id()).text(text).build());
                continue;
            }
            List<String> pieces = wordWindows(text, chunkWords, chunkWords / 5);
            for (int i = 0; i < pieces.size(); i++) {
                all.add(Record.builder().id(d.id() + "#" + i).text(pieces.get(i)).metadata(Map.of("doc", d.id()))
                        .source(d.id(), i).build());
            }
        }
        expected = all.size();
        if (corpus.count() == expected) {
            return all.size();
        }
        for (int i = 0; i < all.size(); i += 256) {
            corpus.upsertAll(all.subList(i, Math.min(all.size(), i + 256)));
        }
        return all.size();
    }

    /** Windows of {@code size} words overlapping by {@code overlap} words. */
    static List<String> wordWindows(String text, int size, int overlap) {
        String[] words = text.strip().split("\\s+");
        List<String> out = new ArrayList<>();
        for (int start = 0; start < words.length; start += size - overlap) {
            out.add(String.join(" ", java.util.Arrays.copyOfRange(words, start, Math.min(words.length, start + size))));
            if (start + size >= words.length) {
                break;
            }
        }
        return out;
    }
}
