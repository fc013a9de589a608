package dev.litemem.server.internal;

import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * Jetty's HTTP/1.1 connections, except that one connection never parses its input on two threads at once.
 *
 * <p>Why (Jetty 12.1.12, {@code org.eclipse.jetty.server.internal.HttpConnection}): a request refused while its head
 * is parsed (a malformed request line or header, {@code HTTP/2.0} without h2c, headers too large) is answered on
 * another thread ({@code RequestHandler.badMessage} hands the error to {@code ThreadPool.executeImmediately}). When
 * that answer is sent, {@code HttpStreamOverHTTP1.succeeded} finds the connection not handling a request and
 * dispatches {@code onFillable} again, while the first {@code onFillable} may still be running: both then release the
 * connection's pooled request buffer (lines 471 and 483 of that file). A buffer released twice goes back to the pool
 * while another connection holds it, and two connections then read into the same bytes: a valid request on another
 * connection was read with someone else's bytes as its body (a 400 invalid-json at line 1, column 1), or its
 * connection died on Jetty's "already released". The fuzz test saw both; docs/SERVER.md, "Errors".
 *
 * <p>Here {@code onFillable} runs one at a time per connection, so the second run starts after the first has left
 * (and sees what it wrote). It never waits on a request being handled: Jetty only dispatches {@code onFillable}
 * while another is inside it after such a refusal; otherwise the running one has already given the connection up.
 */
final class SerializedHttpConnections extends HttpConnectionFactory {
    SerializedHttpConnections(HttpConfiguration config) {
        super(config);
    }

    /** What Javalin's default connector is (host, port, HTTP/1.1), with these connections. */
    static ServerConnector connector(org.eclipse.jetty.server.Server server, HttpConfiguration http, String host,
                                     int port) {
        ServerConnector connector = new ServerConnector(server, new SerializedHttpConnections(http));
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new OneFillAtATime(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }

    /** An HTTP/1.1 connection whose {@code onFillable} (the read, parse and dispatch loop) is never run twice at once. */
    static final class OneFillAtATime extends HttpConnection {
        private final ReentrantLock filling = new ReentrantLock();

        OneFillAtATime(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
        }

        @Override
        public void onFillable() {
            filling.lock();
            try {
                super.onFillable();
            } finally {
                filling.unlock();
            }
        }
    }
}
