package org.secateur.datasets;

import java.io.IOException;
import java.util.List;

/**
 * A dataset that is neither on disk nor downloadable now. The message lists the missing files, every place searched,
 * why downloading did not help, and how to get the files.
 */
public final class DatasetNotFoundException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> missingFiles;
    private final transient List<DataDirectories.Place> searched;

    /**
     * @param dataset the dataset's display name
     * @param missingFiles the files missing from the download directory
     * @param searched every place looked in, in order
     * @param downloadProblem why downloading did not help (failed, or switched off)
     * @param howToGet instructions for getting the files by hand
     * @param cause the download failure, or {@code null}
     */
    public DatasetNotFoundException(String dataset, List<String> missingFiles, List<DataDirectories.Place> searched,
            String downloadProblem, String howToGet, Throwable cause) {
        super(message(dataset, missingFiles, searched, downloadProblem, howToGet), cause);
        this.missingFiles = List.copyOf(missingFiles);
        this.searched = List.copyOf(searched);
    }

    private static String message(String dataset, List<String> missingFiles, List<DataDirectories.Place> searched,
            String downloadProblem, String howToGet) {
        StringBuilder sb = new StringBuilder(dataset).append(" not found: missing ")
                .append(String.join(", ", missingFiles)).append(".\nSearched:");
        for (DataDirectories.Place p : searched) {
            sb.append("\n  ").append(p);
        }
        return sb.append("\n").append(downloadProblem).append("\nTo get it: ").append(howToGet).toString();
    }

    /** The files missing from the download directory. */
    public List<String> missingFiles() {
        return missingFiles;
    }

    /** Every place looked in, in order. */
    public List<DataDirectories.Place> searched() {
        return searched;
    }
}
