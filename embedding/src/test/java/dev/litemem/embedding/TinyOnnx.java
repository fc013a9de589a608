package dev.litemem.embedding;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes tiny ONNX graphs (hand-encoded protobuf) that take BERT's three inputs and return the input ids cast to
 * float under the given output names: rank 2, so they are the wrong shape for pooling.
 */
final class TinyOnnx {
    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private TinyOnnx() {
    }

    static void writeRank2Model(Path file, String... outputNames) throws IOException {
        ByteArrayOutputStream graph = new ByteArrayOutputStream();
        for (String output : outputNames) {
            ByteArrayOutputStream node = new ByteArrayOutputStream();
            string(node, 1, "input_ids");
            string(node, 2, output);
            string(node, 3, "cast_" + output);
            string(node, 4, "Cast");
            ByteArrayOutputStream attribute = new ByteArrayOutputStream();
            string(attribute, 1, "to");
            varintField(attribute, 3, FLOAT);
            varintField(attribute, 20, 2); // AttributeType INT
            message(node, 5, attribute);
            message(graph, 1, node);
        }
        string(graph, 2, "tiny");
        for (String input : new String[] {"input_ids", "attention_mask", "token_type_ids"}) {
            message(graph, 11, valueInfo(input, INT64));
        }
        for (String output : outputNames) {
            message(graph, 12, valueInfo(output, FLOAT));
        }
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        varintField(model, 1, 8); // ir_version
        string(model, 2, "litemem-test");
        message(model, 7, graph);
        ByteArrayOutputStream opset = new ByteArrayOutputStream();
        string(opset, 1, "");
        varintField(opset, 2, 13);
        message(model, 8, opset);
        Files.write(file, model.toByteArray());
    }

    private static ByteArrayOutputStream valueInfo(String name, int elementType) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (String dim : new String[] {"batch", "tokens"}) {
            ByteArrayOutputStream dimension = new ByteArrayOutputStream();
            string(dimension, 2, dim);
            message(shape, 1, dimension);
        }
        ByteArrayOutputStream tensor = new ByteArrayOutputStream();
        varintField(tensor, 1, elementType);
        message(tensor, 2, shape);
        ByteArrayOutputStream type = new ByteArrayOutputStream();
        message(type, 1, tensor);
        ByteArrayOutputStream info = new ByteArrayOutputStream();
        string(info, 1, name);
        message(info, 2, type);
        return info;
    }

    private static void string(ByteArrayOutputStream out, int field, String value) {
        bytes(out, field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void message(ByteArrayOutputStream out, int field, ByteArrayOutputStream value) {
        bytes(out, field, value.toByteArray());
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] value) {
        varint(out, (long) field << 3 | 2);
        varint(out, value.length);
        out.writeBytes(value);
    }

    private static void varintField(ByteArrayOutputStream out, int field, long value) {
        varint(out, (long) field << 3);
        varint(out, value);
    }

    private static void varint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }
}
