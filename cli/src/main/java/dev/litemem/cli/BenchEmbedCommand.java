package dev.litemem.cli;

import dev.litemem.embedding.BundledModels;
import dev.litemem.embedding.EmbedBench;
import dev.litemem.embedding.OnnxEmbedder;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embeds every non-blank line of a file with the bundled model and reports texts per second.")
final class BenchEmbedCommand implements Callable<Integer> {
    @Option(names = "--texts", required = true, paramLabel = "FILE", description = "One text per line.") Path texts;
    @Option(names = "--batch", description = "Texts per inference batch (default: the embedder's).") Integer batch;
    @Option(names = "--threads", description = "Inference threads (default: the embedder's, all cores).") Integer threads;
    @Option(names = "--model", defaultValue = BundledModels.DEFAULT, description = "Default: ${DEFAULT-VALUE}.") String model;
    @Option(names = "--json", description = "Print one JSON object.") boolean json;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(texts)) {
            throw new dev.litemem.LiteMemException(texts + " is not a file: give a text file with one text per line");
        }
        List<String> lines = Files.readAllLines(texts).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) {
            throw new dev.litemem.LiteMemException(texts + " has no non-blank line to embed");
        }
        OnnxEmbedder.Builder builder = OnnxEmbedder.builder().bundled(model);
        if (batch != null) {
            builder.batchSize(batch);
        }
        if (threads != null) {
            builder.threads(threads);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        try (OnnxEmbedder embedder = builder.build()) {
            EmbedBench.run(embedder, lines.subList(0, Math.min(lines.size(), 64))); // warm-up: load, JIT
            EmbedBench.Result result = EmbedBench.run(embedder, lines);
            out.put("texts", result.texts());
            out.put("seconds", result.seconds());
            out.put("texts_per_s", result.textsPerSecond());
            out.put("truncated", result.truncated());
            out.put("model", embedder.modelId());
            out.put("batch", batch);
            out.put("threads", threads);
        }
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            Output.jsonLine(w, out);
        } else {
            w.printf("%d texts in %.2f s: %.1f texts/s, %d truncated at the model's limit (%s)%n", out.get("texts"),
                    out.get("seconds"), out.get("texts_per_s"), out.get("truncated"), out.get("model"));
        }
        return Main.EXIT_OK;
    }
}
