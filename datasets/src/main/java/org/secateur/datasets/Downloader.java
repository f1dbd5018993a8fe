package org.secateur.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Downloads a file over HTTP(S) into a directory with SHA-256 verification. The bytes go to a temporary file in the
 * target directory; only when the digest matches is it moved to its name with an atomic rename, so the directory
 * never holds a partial or unverified file under the real name. Any failure deletes the temporary file.
 */
public final class Downloader {
    /** Progress is reported at most once per this many bytes. */
    public static final long PROGRESS_STEP = 256 * 1024;
    /** Refuse bodies larger than this, whatever the server says: the largest dataset file we fetch is 170 MB. */
    public static final long MAX_BYTES = 1L << 30;

    private final Duration timeout;

    /**
     * A downloader with the given timeout.
     *
     * @param timeout the limit for connecting, for the response headers to arrive, and for the body to go without a
     *     byte (a server that stalls mid-transfer is given up on, not waited for)
     */
    public Downloader(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
    }

    /** A downloader with a 30 second connect, response and stall timeout. */
    public static Downloader create() {
        return new Downloader(Duration.ofSeconds(30));
    }

    /**
     * Fetches {@code url} into {@code dir/file.name()} after checking its digest against {@code file.sha256()}.
     *
     * @return the downloaded file
     * @throws ChecksumMismatchException if the digest differs (nothing is left in {@code dir})
     * @throws IOException if the server cannot be reached, answers other than 200, or the transfer fails
     */
    public Path download(URI url, Path dir, RemoteFile file, DownloadListener listener) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(file.name());
        Path tmp = Files.createTempFile(dir, "." + file.name() + ".", ".part");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout).GET().build();
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("GET " + url + " answered HTTP " + response.statusCode());
                }
                long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                if (total > MAX_BYTES) {
                    throw new IOException(url + " announces " + total + " bytes, over the limit of " + MAX_BYTES);
                }
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long bytes;
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha);
                        Watchdog dog = new Watchdog(Thread.currentThread(), timeout)) {
                    bytes = copy(body, out, url, file.name(), total, listener, dog);
                }
                String actual = HexFormat.of().formatHex(sha.digest());
                if (!actual.equals(file.sha256())) {
                    throw new ChecksumMismatchException(url, file.sha256(), actual, bytes);
                }
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + url + " interrupted");
        } catch (StalledException e) {
            throw new IOException(url + " sent nothing for " + timeout.toMillis() + " ms after " + e.bytes
                    + " bytes; giving up (a stalled server or connection)");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static long copy(InputStream in, OutputStream out, URI url, String name, long total,
            DownloadListener listener, Watchdog dog) throws IOException {
        listener.progress(name, 0, total);
        byte[] buf = new byte[1 << 16];
        long done = 0;
        long reported = 0;
        for (int r; (r = dog.read(in, buf, done)) >= 0; ) {
            out.write(buf, 0, r);
            done += r;
            if (done > MAX_BYTES) {
                throw new IOException(url + " sent more than " + MAX_BYTES + " bytes; refusing the rest");
            }
            if (done - reported >= PROGRESS_STEP) {
                listener.progress(name, done, total);
                reported = done;
            }
        }
        if (total >= 0 && done != total) {
            throw new IOException(url + " announced " + total + " bytes but sent " + done);
        }
        listener.progress(name, done, total);
        return done;
    }

    /** The body stopped arriving: thrown by {@link Watchdog#read} after {@code bytes} bytes. */
    private static final class StalledException extends IOException {
        final long bytes;

        StalledException(long bytes) {
            super("stalled after " + bytes + " bytes");
            this.bytes = bytes;
        }
    }

    /**
     * Interrupts the downloading thread when a read has waited longer than the limit: the HTTP client's body stream
     * has no read timeout of its own, and a blocked read ends on interrupt.
     */
    private static final class Watchdog implements AutoCloseable {
        private final Thread reader;
        private final long limit;
        private final Thread watcher;
        private volatile long since = System.nanoTime();
        private volatile boolean reading;
        private volatile boolean fired;
        private volatile boolean done;

        Watchdog(Thread reader, Duration limit) {
            this.reader = reader;
            this.limit = limit.toNanos();
            this.watcher = Thread.ofVirtual().name("download-watchdog").start(this::watch);
        }

        private void watch() {
            while (!done) {
                long idle = System.nanoTime() - since;
                if (reading && idle >= limit) {
                    fired = true;
                    reader.interrupt();
                    return;
                }
                try {
                    Thread.sleep(Duration.ofNanos(Math.max(1_000_000, limit - (reading ? idle : 0))));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** One read of {@code in}, timed. */
        int read(InputStream in, byte[] buf, long doneSoFar) throws IOException {
            since = System.nanoTime();
            reading = true;
            try {
                return in.read(buf);
            } catch (IOException e) {
                if (fired) {
                    Thread.interrupted();               // our interrupt, not the caller's
                    throw new StalledException(doneSoFar);
                }
                throw e;
            } finally {
                reading = false;
            }
        }

        @Override
        public void close() {
            done = true;
            watcher.interrupt();
            if (fired) {
                Thread.interrupted();
            }
        }
    }
}
