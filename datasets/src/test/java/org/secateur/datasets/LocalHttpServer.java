package org.secateur.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A file server on 127.0.0.1 (an ephemeral port) for download tests: serves a map of paths to bytes. */
final class LocalHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, byte[]> stalling = new ConcurrentHashMap<>();
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final List<String> requests = new CopyOnWriteArrayList<>();

    LocalHttpServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                requests.add(path);
                byte[] partial = stalling.get(path);
                if (partial != null) {
                    // announce twice the bytes, send half, then go silent until the server closes
                    exchange.sendResponseHeaders(200, 2L * partial.length);
                    OutputStream out = exchange.getResponseBody();
                    out.write(partial);
                    out.flush();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                byte[] body = files.get(path);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    /** Serves {@code body} at {@code path} (starting with /). */
    LocalHttpServer serve(String path, byte[] body) {
        files.put(path, body);
        return this;
    }

    /** At {@code path}, sends {@code partial} of an announced body twice as long, then nothing more. */
    LocalHttpServer stallAfter(String path, byte[] partial) {
        stalling.put(path, partial);
        return this;
    }

    /** The URL of {@code path} on this server. */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** The paths requested so far, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
    }
}
