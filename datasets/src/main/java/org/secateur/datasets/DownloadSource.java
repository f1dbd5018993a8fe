package org.secateur.datasets;

import java.net.URI;
import java.util.List;

/**
 * Where a dataset's files are downloaded from: a base URL and the files under it with their digests.
 *
 * @param baseUrl the directory URL, ending with {@code /}
 * @param files the files to fetch, each resolved against {@code baseUrl}
 */
public record DownloadSource(URI baseUrl, List<RemoteFile> files) {

    /** Checks that the base URL is an absolute directory URL. */
    public DownloadSource {
        if (!baseUrl.isAbsolute() || !baseUrl.getPath().endsWith("/")) {
            throw new IllegalArgumentException("baseUrl must be absolute and end with '/', got " + baseUrl);
        }
        files = List.copyOf(files);
    }

    /** The URL of one file. */
    public URI urlOf(RemoteFile file) {
        return baseUrl.resolve(file.name());
    }
}
