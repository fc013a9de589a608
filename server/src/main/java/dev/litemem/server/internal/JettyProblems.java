package dev.litemem.server.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers before a request reaches the API (a malformed request line, an ambiguous path such as
 * {@code %2e%2e} or {@code %00}, oversized headers): application/problem+json like every other error, not HTML.
 */
final class JettyProblems extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String type = code == 400 ? "bad-request" : code == 431 ? "headers-too-large" : code == 414 ? "uri-too-long"
                : "http-" + code;
        String body = Views.object().put("type", "https://litemem.dev/problems/" + type).put("title", type)
                .put("status", code).put("detail", "the HTTP request was refused before it reached the API"
                        + (code == 400 ? " (malformed, or an ambiguous path such as an encoded dot, slash or NUL)" : ""))
                .toString();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Api.PROBLEM_JSON);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }
}
