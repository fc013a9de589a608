package dev.litemem.server.internal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP/1.1 keep-alive requests on one loopback socket, for the start-up warm-up (and the cold-tenant measurements in
 * the tests). Not java.net.http's client, whose code the JIT would compile beside the server's (a sixth of what a
 * warm-up compiled), and whose CPU would compete with the server's for the same cores. One thread at a time.
 */
public final class LoopbackClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoopbackClient.class);

    /** An answer: its status code and its body (decoded from chunks when it came chunked). */
    public record Answer(int status, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public LoopbackClient(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Sends a JSON POST with a bearer key, on the open connection or a new one, and reads the whole answer. */
    public Answer post(String path, String key, byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = new BufferedOutputStream(socket.getOutputStream());
        }
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        String status = line();
        if (!status.startsWith("HTTP/1.1 ") || status.length() < 12) {
            throw new IOException("not an HTTP/1.1 answer");
        }
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String h = header.toLowerCase(Locale.ROOT);
            if (h.startsWith("content-length:")) {
                length = Long.parseLong(h.substring("content-length:".length()).trim());
            } else if (h.startsWith("transfer-encoding:") && h.contains("chunked")) {
                chunked = true;
            } else if (h.startsWith("connection:") && h.contains("close")) {
                close = true;
            }
        }
        byte[] answer;
        if (chunked) {
            ByteArrayOutputStream chunks = new ByteArrayOutputStream();
            for (long size = chunkSize(); size > 0; size = chunkSize()) {
                chunks.write(bytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            answer = chunks.toByteArray();
        } else if (length >= 0) {
            answer = bytes(length);
        } else {
            close = true; // the body ends with the connection
            answer = in.readAllBytes();
        }
        if (close) {
            disconnect();
        }
        return new Answer(Integer.parseInt(status.substring(9, 12)), answer);
    }

    private long chunkSize() throws IOException {
        String size = line();
        int extension = size.indexOf(';');
        return Long.parseLong((extension < 0 ? size : size.substring(0, extension)).trim(), 16);
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed mid-answer");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private byte[] bytes(long n) throws IOException {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IOException("an answer of " + n + " bytes");
        }
        byte[] b = in.readNBytes((int) n);
        if (b.length < n) {
            throw new IOException("the connection closed mid-answer");
        }
        return b;
    }

    /** Closes the connection; the next request opens a new one. */
    public void disconnect() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // Nothing was in flight: the next request opens a new connection either way.
                LOG.debug("closing a loopback connection: {}", e.toString());
            }
            socket = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }
}
