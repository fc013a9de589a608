package dev.litemem.server.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches the API (a malformed request line, an ambiguous path such as
 * {@code %2e%2e} or {@code %00}, oversized headers): application/problem+json like every other error, not HTML, and
 * for every method (Jetty's default writes a body only for GET, POST and HEAD, so a bad PUT got an empty 400).
 */
final class JettyProblems extends ErrorHandler {
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        if (code == 505) {
            // An unknown HTTP version is the request's fault, not the server's: no 5xx for it.
            code = 400;
            response.setStatus(400);
        }
        drain(request);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Api.PROBLEM_JSON);
        // The connection closes after a request refused this early: say so, or a keep-alive client sends its next
        // request into a closing connection.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }

    /**
     * Reads and drops the refused request's body (up to {@link Bodies#DRAIN_LIMIT} bytes) before answering: a socket
     * closed with unread input is reset, and the client then loses the answer (as with a body sent to a bad path).
     */
    private static void drain(Request request) {
        String expect = request.getHeaders().get(HttpHeader.EXPECT);
        if (request.getLength() > Bodies.DRAIN_LIMIT || (expect != null && expect.toLowerCase(java.util.Locale.ROOT)
                .contains("100-continue"))) {
            return;
        }
        try (java.io.InputStream in = Content.Source.asInputStream(request)) {
            byte[] buf = new byte[64 * 1024];
            long drained = 0;
            for (int n; drained <= Bodies.DRAIN_LIMIT && (n = in.read(buf)) != -1; ) {
                drained += n;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // Malformed or cut off: the answer goes out as it can, and the connection closes.
        }
    }

    /** Requests so malformed that Jetty cannot make a request of them (a bad request line, headers too large). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Api.PROBLEM_JSON);
        return ByteBuffer.wrap(body(status));
    }

    private static byte[] body(int code) {
        String type = code == 400 ? "bad-request" : code == 431 ? "headers-too-large" : code == 414 ? "uri-too-long"
                : "http-" + code;
        return Bodies.write(dev.litemem.client.wire.ProblemJson.of(type, code, "the HTTP request was refused before it"
                + " reached the API" + (code == 400 ? " (malformed, or an ambiguous path such as an encoded dot, slash or"
                + " NUL)" : ""), null)).getBytes(StandardCharsets.UTF_8);
    }
}
