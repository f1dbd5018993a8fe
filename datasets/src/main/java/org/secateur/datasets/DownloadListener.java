package org.secateur.datasets;

/** A receiver of download progress, e.g. the command line's progress bar. Called on the downloading thread. */
@FunctionalInterface
public interface DownloadListener {
    /** A listener that ignores progress. */
    DownloadListener NONE = (file, done, total) -> {};

    /**
     * Reports progress: once with 0 bytes when the transfer starts, as data arrives (at most every
     * {@link Downloader#PROGRESS_STEP} bytes), and once when the last byte is in.
     *
     * @param file the file name being downloaded
     * @param bytesDone bytes received so far
     * @param bytesTotal the size announced by the server, or -1 when it announced none
     */
    void progress(String file, long bytesDone, long bytesTotal);
}
