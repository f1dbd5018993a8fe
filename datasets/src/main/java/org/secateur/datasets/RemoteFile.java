package org.secateur.datasets;

import java.util.HexFormat;
import java.util.Locale;

/**
 * A file to download and the SHA-256 digest it must have.
 *
 * @param name the file name, relative to its {@link DownloadSource#baseUrl()} and to the target directory
 * @param sha256 the expected digest, 64 lower-case hex digits
 */
public record RemoteFile(String name, String sha256) {

    /** Checks that the name is a plain file name and the digest is 64 hex digits. */
    public RemoteFile {
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IllegalArgumentException("name must be a plain file name, got '" + name + "'");
        }
        if (sha256.length() != 64 || !sha256.chars().allMatch(HexFormat::isHexDigit)) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
        }
        sha256 = sha256.toLowerCase(Locale.ROOT);
    }
}
