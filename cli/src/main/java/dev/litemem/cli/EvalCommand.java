package dev.litemem.cli;

import dev.litemem.Collection;
import dev.litemem.Embedder;
import dev.litemem.Fusion;
import dev.litemem.Hit;
import dev.litemem.LiteMem;
import dev.litemem.Record;
import dev.litemem.SearchMode;
import dev.litemem.SearchRequest;
import dev.litemem.datasets.BeirDataset;
import dev.litemem.datasets.RetrievalMetrics;
import dev.litemem.ingest.ChunkingOptions;
import dev.litemem.ingest.Ingester;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measures retrieval quality on a BEIR-format set (corpus.jsonl, queries.jsonl, qrels/test.tsv):"
                + " nDCG@10, recall@10, recall@100 and MRR@10 for each mode.")
final class EvalCommand implements Callable<Integer> {
    static final int DEPTH = 100;
    private static final int INGEST_BATCH = 64;

    @Parameters(index = "0", paramLabel = "DIR", description = "The BEIR folder.")
    Path dir;

    @Option(names = "--modes", split = ",", defaultValue = "semantic,keyword,hybrid",
            description = "Modes to evaluate (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--db", paramLabel = "FILE", description = "Keep the ingested corpus in this file (reused when it"
            + " already holds it); default: a temporary file.")
    Path db;

    @Option(names = "--chunk", description = "Cut documents into chunks as 'litemem ingest' does (--chunk-tokens,"
            + " --overlap-tokens); a document scores by its best chunk. Default: one record per document (title and"
            + " text, cut at the model's limit).")
    boolean chunk;

    @Option(names = "--chunk-tokens", paramLabel = "N", defaultValue = "" + ChunkingOptions.DEFAULT_TARGET_TOKENS,
            description = "With --chunk: target chunk size in model tokens, capped at the model's limit (default:"
                    + " ${DEFAULT-VALUE}, as ingest).")
    int chunkTokens;

    @Option(names = "--overlap-tokens", paramLabel = "N", defaultValue = "" + ChunkingOptions.DEFAULT_OVERLAP_TOKENS,
            description = "With --chunk: tokens of trailing sentences repeated at the start of the next chunk"
                    + " (default: ${DEFAULT-VALUE}, as ingest).")
    int overlapTokens;

    @Option(names = "--rebuild-index", description = "Rebuild the semantic index from the stored vectors before"
            + " measuring: with --db, a kept corpus is then measured with the current index code, without paying for"
            + " the embeddings again.")
    boolean rebuildIndex;

    @Option(names = "--model", paramLabel = "NAME", description = "Bundled embedding model: all-minilm-l6-v2"
            + " (default) or bge-small-en-v1.5.")
    String model;

    @Option(names = "--exact", description = "Semantic side by exact scan instead of the HNSW graph.")
    boolean exact;

    @Option(names = "--fusion", paramLabel = "METHOD", description = "Hybrid: rrf, min_max or z_score (default: "
            + "rrf; see README, \"Retrieval quality\").")
    String fusion;

    @Option(names = "--semantic-weight", defaultValue = "" + SearchRequest.DEFAULT_SEMANTIC_WEIGHT,
            description = "Hybrid: the semantic side's weight (default: ${DEFAULT-VALUE}).")
    double semanticWeight;

    @Option(names = "--rrf-k", defaultValue = "" + SearchRequest.DEFAULT_RRF_K,
            description = "Hybrid: the reciprocal-rank-fusion constant (default: ${DEFAULT-VALUE}).")
    int rrfK;

    @Option(names = "--json", description = "One JSON object per mode and line.")
    boolean json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        List<SearchMode> parsedModes = new ArrayList<>();
        for (String m : modes) {
            parsedModes.add(SearchMode.fromId(m.strip()));
        }
        Fusion fusionMethod = fusion == null ? SearchRequest.DEFAULT_FUSION : Fusion.fromId(fusion);
        ChunkingOptions chunking;
        try {
            chunking = new ChunkingOptions(chunkTokens, overlapTokens);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        EvalProgress progress = new EvalProgress(spec.commandLine().getErr(), IngestCommand.isInteractive());
        progress.step("reading " + dir);
        BeirDataset data = BeirDataset.load(dir);
        Path file = db != null ? db : Files.createTempFile("litemem-eval-", ".db");
        progress.step("loading the embedding model");
        try (LiteMem mem = LiteMem.open(file, StoreOptions.options(model))) {
            Embedder embedder = mem.embedder().orElseThrow(() -> new dev.litemem.LiteMemException(
                    "no embedding model on the class path: eval needs litemem-embedding"));
            // One collection per model and chunking, so that one --db file can keep several side by side.
            String name = "corpus-" + (chunk ? "chunks-" + chunkTokens + "-" + overlapTokens + "-" : "") + embedder.modelId();
            Collection corpus = mem.collection(name);
            long ingestStarted = System.nanoTime();
            int records = ingest(corpus, data, chunking, embedder, progress);
            if (rebuildIndex) {
                progress.step("rebuilding the index of " + records + " records");
                corpus.rebuildIndex();
            }
            double ingestSeconds = (System.nanoTime() - ingestStarted) / 1e9;
            progress.clear();
            if (!json) {
                out.printf("%s: %d documents as %d records (%.1f s), %d judged queries%n", dir, data.documents().size(),
                        records, ingestSeconds, data.judgedQueries().size());
                out.printf("%-9s %8s %9s %10s %7s %7s%n", "mode", "nDCG@10", "recall@10", "recall@100", "MRR@10", "queries");
                out.flush();
            }
            for (SearchMode mode : parsedModes) {
                long started = System.nanoTime();
                Map<String, List<String>> rankings = new LinkedHashMap<>();
                List<BeirDataset.Query> queries = data.judgedQueries();
                progress.phase();
                for (BeirDataset.Query q : queries) {
                    SearchRequest request = SearchRequest.text(q.text()).mode(mode).k(chunk ? 4 * DEPTH : DEPTH)
                            .exact(exact).semanticWeight(semanticWeight).rrfK(rrfK).fusion(fusionMethod);
                    rankings.put(q.id(), documentRanking(corpus.search(request)));
                    progress.update(mode.id(), rankings.size(), queries.size(), "queries");
                }
                progress.clear();
                RetrievalMetrics.Scores scores = RetrievalMetrics.evaluate(rankings, data.qrels());
                double seconds = (System.nanoTime() - started) / 1e9;
                if (json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("mode", mode.id());
                    line.putAll(scores.asMap());
                    line.put("dataset", dir.getFileName().toString());
                    line.put("exact", exact);
                    line.put("chunked", chunk);
                    if (mode == SearchMode.HYBRID) {
                        line.put("fusion", fusionMethod.id());
                        line.put("semantic_weight", semanticWeight);
                        if (fusionMethod == Fusion.RRF) {
                            line.put("rrf_k", rrfK);
                        }
                    }
                    line.put("model", corpus.info().spec().model());
                    line.put("query_seconds", seconds);
                    Output.jsonLine(out, line);
                } else {
                    out.printf("%-9s %8.4f %9.4f %10.4f %7.4f %7d%n", mode.id(), scores.ndcgAt10(), scores.recallAt10(),
                            scores.recallAt100(), scores.mrrAt10(), scores.queriesScored());
                }
                out.flush();
            }
        } finally {
            progress.clear();
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

    /** Stores the corpus as records (unless the collection already holds it); returns the number of records. */
    private int ingest(Collection corpus, BeirDataset data, ChunkingOptions chunking, Embedder embedder,
                       EvalProgress progress) {
        List<Record> all = new ArrayList<>();
        if (chunk) {
            progress.step("cutting " + data.documents().size() + " documents into chunks");
        }
        for (BeirDataset.Document d : data.documents()) {
            if (!chunk) {
                String text = d.title().isBlank() ? d.text() : d.title() + "\n" + d.text();
                if (!text.isBlank()) {
                    all.add(Record.builder().id(d.id()).text(text).build());
                }
                continue;
            }
            if (d.text().isBlank() && d.title().isBlank()) {
                continue;
            }
            List<String> pieces = Ingester.chunkPlainText(d.title(), d.text(), chunking, embedder);
            for (int i = 0; i < pieces.size(); i++) {
                all.add(Record.builder().id(d.id() + "#" + i).text(pieces.get(i)).metadata(Map.of("doc", d.id()))
                        .source(d.id(), i).build());
            }
        }
        if (corpus.count() == all.size()) {
            return all.size();
        }
        progress.phase();
        for (int i = 0; i < all.size(); i += INGEST_BATCH) {
            corpus.upsertAll(all.subList(i, Math.min(all.size(), i + INGEST_BATCH)));
            progress.update("embedding", Math.min(all.size(), i + INGEST_BATCH), all.size(), "records");
        }
        return all.size();
    }
}
