package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds an image dataset on disk or downloads it, then reads it. Lookup follows {@link DataDirectories}; when no
 * place holds a complete copy, the missing files are downloaded from the dataset's {@link DownloadSource} into the
 * download directory, verified by SHA-256 and moved into place atomically, and unpacked if they are an archive.
 */
public final class DatasetStore {
    private final DataDirectories dirs;
    private final Downloader downloader;
    private final Function<ImageSet, DownloadSource> sources;
    private final DownloadListener listener;

    /**
     * @param dirs where to look and where downloads go
     * @param downloader the downloader, or {@code null} to stay offline
     * @param sources the download location of each dataset (normally {@link ImageSet#source()})
     * @param listener receives download progress
     */
    public DatasetStore(DataDirectories dirs, Downloader downloader, Function<ImageSet, DownloadSource> sources,
            DownloadListener listener) {
        this.dirs = dirs;
        this.downloader = downloader;
        this.sources = sources;
        this.listener = listener;
    }

    /** The real environment and canonical sources, downloading when needed; {@code explicitDir} may be null. */
    public static DatasetStore standard(Path explicitDir) {
        return new DatasetStore(DataDirectories.standard(explicitDir), Downloader.create(), ImageSet::source,
                DownloadListener.NONE);
    }

    /** This store reporting download progress to {@code listener}. */
    public DatasetStore withListener(DownloadListener listener) {
        return new DatasetStore(dirs, downloader, sources, listener);
    }

    /** This store without downloading: a missing dataset is an error at once. */
    public DatasetStore offline() {
        return new DatasetStore(dirs, null, sources, listener);
    }

    /** Reads the training and test sets of {@code set}, downloading it first if no place holds it. */
    public TrainTest<ImageDataset> load(ImageSet set) throws IOException {
        return set.layout().read(locate(set));
    }

    /**
     * The directory holding a complete copy of {@code set}: the first complete place searched, else the download
     * directory after fetching what it lacks.
     *
     * @throws DatasetNotFoundException if no place is complete and downloading is off or fails
     */
    public Path locate(ImageSet set) throws IOException {
        ImageLayout layout = set.layout();
        List<DataDirectories.Place> places = dirs.candidates(set);
        for (DataDirectories.Place p : places) {
            if (layout.missingIn(p.dir()).isEmpty()) {
                return p.dir();
            }
        }
        Path target = dirs.downloadDir(set);
        DownloadSource source = sources.apply(set);
        if (downloader == null) {
            throw notFound(set, places, target, source, "Downloading is switched off (offline).", null);
        }
        try {
            for (RemoteFile f : layout.toDownload(target, source.files())) {
                downloader.download(source.urlOf(f), target, f, listener);
            }
            layout.unpack(target);
        } catch (IOException e) {
            throw notFound(set, places, target, source, "Downloading from " + source.baseUrl() + " failed: "
                    + e.getMessage(), e);
        }
        if (!layout.missingIn(target).isEmpty()) {
            throw notFound(set, places, target, source, "Downloading from " + source.baseUrl()
                    + " succeeded, but its files do not include everything the dataset needs.", null);
        }
        return target;
    }

    private static DatasetNotFoundException notFound(ImageSet set, List<DataDirectories.Place> places, Path target,
            DownloadSource source, String downloadProblem, Throwable cause) {
        String urls = source.files().stream().map(f -> source.urlOf(f).toString()).collect(Collectors.joining(" "));
        String manual = "download " + urls + " into " + target + "/ (or into $" + DataDirectories.ENV_VAR + "/"
                + set.id() + "/ or a directory passed as --data-dir)";
        String howToGet = set.debianPackage().map(pkg -> "apt-get install " + pkg + ", or " + manual).orElse(manual);
        return new DatasetNotFoundException(set.displayName(), set.layout().missingIn(target), places,
                downloadProblem, howToGet, cause);
    }
}
