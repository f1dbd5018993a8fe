package org.secateur.datasets;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An image dataset Secateur can find, download and read: its directory name, file layout, class names, canonical
 * download location with SHA-256 digests, and the system directories a distribution package installs it to.
 *
 * <p>The digests are those of the files served at the canonical locations, as listed in torchvision's dataset code
 * and cross-checked against several independent projects that pin the same files. Debian's
 * {@code dataset-fashion-mnist} recompresses the files (its digests differ), so files found on disk are checked by
 * strict parsing, not by digest; only downloads are checked by digest.
 */
public enum ImageSet {
    MNIST("mnist", "MNIST", new IdxLayout(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")),
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz",
                            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")),
            List.of(), null),
    FASHION_MNIST("fashion-mnist", "Fashion-MNIST", new IdxLayout(List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")),
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz",
                            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5")),
            List.of("usr/share/datasets/fashion-mnist"), "dataset-fashion-mnist"),
    /** Kuzushiji-MNIST (Clanuwat et al. 2018); class names are the romanised hiragana. */
    KMNIST("kmnist", "Kuzushiji-MNIST", new IdxLayout(List.of("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re",
            "wo")),
            "http://codh.rois.ac.jp/kmnist/dataset/kmnist/",
            List.of(new RemoteFile("train-images-idx3-ubyte.gz",
                            "51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4"),
                    new RemoteFile("train-labels-idx1-ubyte.gz",
                            "e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17"),
                    new RemoteFile("t10k-images-idx3-ubyte.gz",
                            "edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5"),
                    new RemoteFile("t10k-labels-idx1-ubyte.gz",
                            "20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c")),
            List.of(), null),
    CIFAR10("cifar-10", "CIFAR-10", new CifarLayout(), "https://www.cs.toronto.edu/~kriz/",
            List.of(new RemoteFile(CifarLayout.ARCHIVE,
                    "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd")),
            List.of(), null);

    private final String id;
    private final String displayName;
    private final ImageLayout layout;
    private final DownloadSource source;
    private final List<String> systemDirs;
    private final String debianPackage;

    ImageSet(String id, String displayName, ImageLayout layout, String baseUrl, List<RemoteFile> files,
            List<String> systemDirs, String debianPackage) {
        this.id = id;
        this.displayName = displayName;
        this.layout = layout;
        this.source = new DownloadSource(URI.create(baseUrl), files);
        this.systemDirs = systemDirs;
        this.debianPackage = debianPackage;
    }

    /** The directory name under a data root or the cache, e.g. {@code "fashion-mnist"}. */
    public String id() {
        return id;
    }

    /** The name people know it by, e.g. {@code "Fashion-MNIST"}. */
    public String displayName() {
        return displayName;
    }

    /** The class names in label order. */
    public List<String> classNames() {
        return layout.classNames();
    }

    /** The canonical download location and digests. */
    public DownloadSource source() {
        return source;
    }

    /** Directories a system package installs the dataset to, resolved under {@code systemRoot} (normally /). */
    public List<Path> systemDirs(Path systemRoot) {
        return systemDirs.stream().map(systemRoot::resolve).toList();
    }

    /** The Debian package that installs the dataset, if there is one. */
    public Optional<String> debianPackage() {
        return Optional.ofNullable(debianPackage);
    }

    /** Looks up a dataset by its {@link #id()}, e.g. for a command-line option. */
    public static ImageSet byId(String id) {
        for (ImageSet s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + id + "'; expected one of "
                + Arrays.stream(values()).map(ImageSet::id).toList());
    }

    ImageLayout layout() {
        return layout;
    }
}
