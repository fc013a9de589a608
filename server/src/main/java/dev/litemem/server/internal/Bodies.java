package dev.litemem.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads request bodies from the raw stream with a hard byte limit (Javalin's own limit covers only ctx.body()), and
 * turns JSON nodes into typed values with errors that name the field.
 */
final class Bodies {
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // A search body is mostly a vector of 384 numbers: Jackson's fast double parser halves their parse.
            .enable(com.fasterxml.jackson.core.StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    static final long DRAIN_LIMIT = 64L << 20;

    /** An answer (one of the wire types) as JSON text. */
    static String write(Object answer) {
        try {
            return JSON.writeValueAsString(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + answer.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private Bodies() {
    }

    static byte[] readBytes(Context ctx, long maxBytes) {
        byte[] read = ctx.attribute(Idempotency.BODY_READ);
        if (read != null) {
            // Read already, to fingerprint a request with an Idempotency-Key; this route's own limit still holds.
            if (read.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return read;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            refuse(ctx);
            throw tooLarge(maxBytes);
        }
        // Not closed here: Jetty owns the request's input, and a body refused as too large must stay readable so that
        // drainUnread can read and drop the rest of it, as designed (closing it first left the drain reading a closed
        // stream).
        try {
            InputStream in = ctx.req().getInputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(declared, 1024), maxBytes));
            byte[] buf = new byte[16 * 1024];
            long total = 0;
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
                if (total > maxBytes) {
                    refuse(ctx);
                    throw tooLarge(maxBytes);
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            // The connection broke, or the chunked encoding is malformed: the client's side, and the connection is done.
            ctx.header("Connection", "close");
            throw new dev.litemem.server.ServerException(400, "invalid-body", "body", "the request body could not be read"
                    + " to its end (the connection broke, or its chunked encoding is malformed): send it again");
        }
    }

    /** Before a 413: the connection closes after the answer (the rest of the body is drained by the error path). */
    private static void refuse(Context ctx) {
        ctx.header("Connection", "close");
    }

    /**
     * After every request (before its answer goes out): reads and drops what is left of the request body, up to {@value #DRAIN_LIMIT} bytes, so
     * the client gets the answer instead of a connection reset (closing a socket with unread input resets it; a 401
     * to a 10 MiB upload did; a keep-alive client also found its next request on a connection closed under it). A
     * larger body is cut off and the connection closed. A client that waits for
     * "100 Continue" is not asked for its body: it gets the answer and the connection closes.
     */
    static void drainUnread(Context ctx) {
        try {
            long declared = ctx.req().getContentLengthLong();
            boolean chunked = "chunked".equalsIgnoreCase(ctx.header("Transfer-Encoding"));
            if (declared <= 0 && !chunked) {
                return;
            }
            String expect = ctx.header("Expect");
            if (declared > DRAIN_LIMIT || (expect != null && expect.toLowerCase(java.util.Locale.ROOT).contains("100-continue"))) {
                ctx.header("Connection", "close");
                return;
            }
            jakarta.servlet.ServletInputStream in = ctx.req().getInputStream();
            if (in.isFinished()) {
                return;
            }
            byte[] buf = new byte[64 * 1024];
            long drained = 0;
            for (int n; (n = in.read(buf)) != -1; ) {
                drained += n;
                if (drained > DRAIN_LIMIT) {
                    ctx.header("Connection", "close");
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The body was consumed or closed already, or the client went away: the answer goes out as it can.
            ctx.header("Connection", "close");
        }
    }

    /** 413 up front when the declared length is over the limit (the body is then drained as for any refusal). */
    static void checkDeclaredLength(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            refuse(ctx);
            throw tooLarge(maxBytes);
        }
    }

    static String readText(Context ctx, long maxBytes) {
        return new String(readBytes(ctx, maxBytes), StandardCharsets.UTF_8);
    }

    /** The body as a JSON object; 400 for anything else. */
    static JsonNode readObject(Context ctx, long maxBytes) {
        byte[] bytes = readBytes(ctx, maxBytes);
        if (bytes.length == 0) {
            throw Errors.invalidJson("the request body is empty: send a JSON object");
        }
        return parseObject(bytes);
    }

    static JsonNode parseObject(byte[] bytes) {
        JsonNode node;
        try {
            node = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            // Jackson's own message may quote the input: say only where.
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")";
            throw Errors.invalidJson("the request body is not valid JSON" + where + ": check quoting, commas, duplicate"
                    + " keys, NaN or Infinity (not JSON numbers) and nesting deeper than 64 levels");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw Errors.invalidJson("the request body must be a JSON object");
        }
        return node;
    }

    static String text(JsonNode parent, String name, String field, int maxChars, boolean required) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            if (required) {
                throw Errors.invalid(field, field + " is missing");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw Errors.invalid(field, field + " must be a string");
        }
        String s = n.textValue();
        if (s.length() > maxChars) {
            throw Errors.tooLarge(field, field + " has " + s.length() + " characters; at most " + maxChars + " are allowed");
        }
        return s;
    }

    static Integer integer(JsonNode parent, String name, String field, int min, int max) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw Errors.invalid(field, field + " must be a whole number between " + min + " and " + max);
        }
        return n.intValue();
    }

    static float[] vector(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw Errors.invalid(field, field + " must be an array of numbers");
        }
        if (n.size() > dev.litemem.CollectionSpec.MAX_DIMENSION) {
            throw Errors.invalid(field, field + " has " + n.size() + " components; at most "
                    + dev.litemem.CollectionSpec.MAX_DIMENSION + " are allowed");
        }
        float[] v = new float[n.size()];
        for (int i = 0; i < v.length; i++) {
            JsonNode x = n.get(i);
            if (!x.isNumber()) {
                throw Errors.invalid(field + "[" + i + "]", field + "[" + i + "] must be a number");
            }
            v[i] = (float) x.doubleValue();
            if (!Float.isFinite(v[i])) {
                throw Errors.invalid(field + "[" + i + "]", field + "[" + i + "] is not a finite 32-bit float");
            }
        }
        return v;
    }

    static Map<String, Object> metadata(JsonNode n, String field) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw Errors.invalid(field, field + " must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JSON.convertValue(n, LinkedHashMap.class);
        return m;
    }

    /** A filter given as a JSON object inside the body (Filter.parse reads its text), or null. */
    static JsonNode filter(JsonNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw Errors.invalid(name, name + " must be a JSON object (the filter language)");
        }
        return n;
    }

    private static dev.litemem.server.ServerException tooLarge(long maxBytes) {
        return Errors.tooLarge("body", "the request body is larger than the limit of " + maxBytes + " bytes");
    }
}
