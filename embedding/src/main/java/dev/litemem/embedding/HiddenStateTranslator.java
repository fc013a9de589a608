package dev.litemem.embedding;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds a padded {@link TokenBatch} to the graph and copies the token embeddings out to the Java heap. Every NDArray
 * it creates belongs to the predictor context's manager, which DJL closes after each call, so native memory is
 * released batch by batch.
 */
final class HiddenStateTranslator implements NoBatchifyTranslator<TokenBatch, HiddenStateTranslator.Hidden> {
    /** Output names that hold per-token embeddings, in order of preference. */
    private static final List<String> TOKEN_OUTPUTS = List.of("last_hidden_state", "token_embeddings");

    /** Token embeddings {@code [rows, length, dimension]}, row-major. */
    record Hidden(float[] values, int dimension) {
    }

    private final List<String> inputNames;

    HiddenStateTranslator(List<String> inputNames) {
        this.inputNames = List.copyOf(inputNames);
    }

    @Override
    public NDList processInput(TranslatorContext ctx, TokenBatch batch) {
        ctx.setAttachment("batch", batch);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(batch.rows(), batch.length());
        NDList list = new NDList(inputNames.size());
        for (String name : inputNames) {
            NDArray array = manager.create(inputData(name, batch), shape);
            array.setName(name);
            list.add(array);
        }
        return list;
    }

    private static long[] inputData(String name, TokenBatch batch) {
        switch (name) {
            case "input_ids":
                return batch.ids();
            case "attention_mask":
                return batch.mask();
            case "token_type_ids":
                return batch.types();
            default:
                throw new IllegalStateException("unexpected input " + name);
        }
    }

    static boolean isSupportedInput(String name) {
        return name.equals("input_ids") || name.equals("attention_mask") || name.equals("token_type_ids");
    }

    @Override
    public Hidden processOutput(TranslatorContext ctx, NDList list) {
        NDArray hidden = tokenEmbeddings(list);
        TokenBatch batch = (TokenBatch) ctx.getAttachment("batch");
        Shape shape = hidden.getShape();
        if (shape.dimension() != 3 || shape.get(0) != batch.rows() || shape.get(1) != batch.length()
                || shape.get(2) < 1 || hidden.getDataType() != DataType.FLOAT32) {
            throw new EmbeddingException("The ONNX output '" + hidden.getName() + "' has shape " + shape
                    + " and type " + hidden.getDataType() + ", but token embeddings of shape [batch, tokens, "
                    + "dimension] in float32 are needed for MEAN or CLS pooling. Export the model with its "
                    + "last_hidden_state output (for example with optimum's feature-extraction task).");
        }
        return new Hidden(hidden.toFloatArray(), (int) shape.get(2));
    }

    private static NDArray tokenEmbeddings(NDList list) {
        for (String name : TOKEN_OUTPUTS) {
            NDArray array = list.get(name);
            if (array != null) {
                return array;
            }
        }
        if (list.size() == 1) {
            return list.singletonOrThrow();
        }
        List<String> names = new ArrayList<>();
        for (NDArray array : list) {
            names.add(array.getName());
        }
        throw new EmbeddingException("The ONNX model has no output named last_hidden_state (its outputs are "
                + names + "); an output with token embeddings [batch, tokens, dimension] is needed for pooling.");
    }
}
