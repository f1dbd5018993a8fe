package org.secateur.datasets;

import java.io.IOException;
import java.net.URI;

/** A downloaded file whose SHA-256 digest is not the one expected; the download was discarded. */
public final class ChecksumMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * @param url where the file came from
     * @param expected the digest it should have
     * @param actual the digest it had
     * @param bytes how many bytes were received
     */
    public ChecksumMismatchException(URI url, String expected, String actual, long bytes) {
        super("SHA-256 of " + url + " (" + bytes + " bytes) is " + actual + " but expected " + expected
                + "; the download was discarded (a changed, truncated or tampered file)");
    }
}
