package org.secateur.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lookup order, download into the cache (verified, atomic), and the error when a dataset cannot be had. */
class DatasetStoreTest {
    @TempDir
    Path tmp;

    private Path home() {
        return tmp.resolve("home");
    }

    private Path system() {
        return tmp.resolve("sysroot");
    }

    private DataDirectories dirs(Path explicit, Path dataRoot) {
        return new DataDirectories(explicit, dataRoot, home(), system());
    }

    private static DownloadSource source(LocalHttpServer server, String path, Map<String, byte[]> files) {
        List<RemoteFile> remote = new ArrayList<>();
        for (var e : files.entrySet()) {
            server.serve(path + e.getKey(), e.getValue());
            remote.add(new RemoteFile(e.getKey(), TestData.sha256(e.getValue())));
        }
        return new DownloadSource(server.url(path), remote);
    }

    private DatasetStore store(DataDirectories dirs, DownloadSource source) {
        return new DatasetStore(dirs, new Downloader(Duration.ofSeconds(10)), set -> source, DownloadListener.NONE);
    }

    private static List<Path> regularFiles(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void placesAreSearchedInOrder() throws IOException {
        Path explicit = tmp.resolve("explicit");
        Path root = tmp.resolve("root");
        DataDirectories dirs = dirs(explicit, root);
        List<Path> expected = List.of(explicit.resolve("fashion-mnist"), explicit, root.resolve("fashion-mnist"), root,
                home().resolve(".cache/secateur/fashion-mnist"), system().resolve("usr/share/datasets/fashion-mnist"));
        assertThat(dirs.candidates(ImageSet.FASHION_MNIST)).extracting(DataDirectories.Place::dir)
                .containsExactlyElementsOf(expected);
        assertThat(dirs.candidates(ImageSet.FASHION_MNIST).getLast().origin())
                .isEqualTo("Debian package dataset-fashion-mnist");

        // Fill every place with a distinguishable copy (n training images), then remove them from the front.
        for (int i = 0; i < expected.size(); i++) {
            TestData.writeMnistLayout(expected.get(i), 10 + i, 2, i);
        }
        DatasetStore offline = new DatasetStore(dirs, null, ImageSet::source, DownloadListener.NONE);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(offline.locate(ImageSet.FASHION_MNIST)).isEqualTo(expected.get(i));
            assertThat(offline.load(ImageSet.FASHION_MNIST).train().size()).isEqualTo(10 + i);
            // Deleting one file makes a place incomplete, so the next one wins.
            Files.delete(expected.get(i).resolve("t10k-labels-idx1-ubyte.gz"));
        }
    }

    @Test
    void theEnvironmentVariableAndSystemRootAreInjected() {
        DataDirectories d = DataDirectories.of(null, Map.of("SECATEUR_DATA", "/data/sets"), Path.of("/home/u"),
                Path.of("/chroot"));
        assertThat(d.dataRoot()).isEqualTo(Path.of("/data/sets"));
        assertThat(d.downloadDir(ImageSet.MNIST)).isEqualTo(Path.of("/data/sets/mnist"));
        assertThat(DataDirectories.of(null, Map.of(), Path.of("/home/u"), Path.of("/")).downloadDir(ImageSet.KMNIST))
                .isEqualTo(Path.of("/home/u/.cache/secateur/kmnist"));
        assertThat(d.candidates(ImageSet.MNIST)).extracting(DataDirectories.Place::dir)
                .containsExactly(Path.of("/data/sets/mnist"), Path.of("/data/sets"),
                        Path.of("/home/u/.cache/secateur/mnist"));
    }

    @Test
    void aMissingDatasetIsDownloadedIntoTheCacheOnce() throws IOException {
        Map<String, byte[]> files = TestData.writeMnistLayout(tmp.resolve("upstream"), 20, 5, 7);
        try (LocalHttpServer server = new LocalHttpServer()) {
            DownloadSource source = source(server, "/fashion/", files);
            List<String> progress = new ArrayList<>();
            DatasetStore store = store(dirs(null, null), source)
                    .withListener((file, done, total) -> progress.add(file + " " + done + "/" + total));

            TrainTest<ImageDataset> data = store.load(ImageSet.FASHION_MNIST);

            Path cache = home().resolve(".cache/secateur/fashion-mnist");
            assertThat(regularFiles(cache)).containsExactlyInAnyOrderElementsOf(
                    files.keySet().stream().map(cache::resolve).toList());
            assertThat(data.train().size()).isEqualTo(20);
            assertThat(data.test().size()).isEqualTo(5);
            assertThat(data.train().classNames()).contains("Ankle boot");
            assertThat(progress).contains("train-labels-idx1-ubyte.gz 0/" + files.get("train-labels-idx1-ubyte.gz")
                    .length);
            assertThat(server.requests()).hasSize(4);

            store.load(ImageSet.FASHION_MNIST);
            assertThat(server.requests()).as("a complete cache is not downloaded again").hasSize(4);
        }
    }

    @Test
    void onlyTheMissingFilesAreDownloaded() throws IOException {
        Map<String, byte[]> files = TestData.writeMnistLayout(tmp.resolve("upstream"), 8, 3, 1);
        Path target = tmp.resolve("explicit").resolve("kmnist");
        Files.createDirectories(target);
        Files.write(target.resolve("train-images-idx3-ubyte.gz"), files.get("train-images-idx3-ubyte.gz"));
        Files.write(target.resolve("t10k-images-idx3-ubyte.gz"), files.get("t10k-images-idx3-ubyte.gz"));
        try (LocalHttpServer server = new LocalHttpServer()) {
            DatasetStore store = store(dirs(tmp.resolve("explicit"), null), source(server, "/k/", files));
            assertThat(store.locate(ImageSet.KMNIST)).isEqualTo(target);
            assertThat(server.requests()).containsExactlyInAnyOrder("/k/train-labels-idx1-ubyte.gz",
                    "/k/t10k-labels-idx1-ubyte.gz");
        }
    }

    @Test
    void aChecksumMismatchLeavesNothingInTheCache() throws IOException {
        Map<String, byte[]> files = TestData.writeMnistLayout(tmp.resolve("upstream"), 8, 3, 1);
        try (LocalHttpServer server = new LocalHttpServer()) {
            DownloadSource good = source(server, "/m/", files);
            List<RemoteFile> tampered = new ArrayList<>(good.files());
            tampered.set(2, new RemoteFile(tampered.get(2).name(), "a".repeat(64)));
            DatasetStore store = store(dirs(null, null), new DownloadSource(good.baseUrl(), tampered));

            assertThatThrownBy(() -> store.locate(ImageSet.MNIST)).isInstanceOf(DatasetNotFoundException.class)
                    .hasCauseInstanceOf(ChecksumMismatchException.class)
                    .hasMessageContaining("Downloading from " + good.baseUrl() + " failed: SHA-256 of");
            Path cache = home().resolve(".cache/secateur/mnist");
            assertThat(regularFiles(cache)).extracting(p -> p.getFileName().toString())
                    .as("only the files verified before the bad one").containsExactlyInAnyOrder(
                            tampered.get(0).name(), tampered.get(1).name());
        }
    }

    @Test
    void offlineErrorListsMissingFilesSearchedPlacesAndTheDebianPackage() throws IOException {
        URI deadUrl;
        try (LocalHttpServer server = new LocalHttpServer()) {
            deadUrl = server.url("/fashion/");
        } // stopped: connections to it are refused, as when offline
        DownloadSource dead = new DownloadSource(deadUrl, ImageSet.FASHION_MNIST.source().files());
        Path root = tmp.resolve("root");
        DatasetStore store = store(dirs(null, root), dead);

        DatasetNotFoundException e = assertThrows(DatasetNotFoundException.class,
                () -> store.locate(ImageSet.FASHION_MNIST));

        assertThat(e.missingFiles()).containsExactly("train-images-idx3-ubyte[.gz]", "train-labels-idx1-ubyte[.gz]",
                "t10k-images-idx3-ubyte[.gz]", "t10k-labels-idx1-ubyte[.gz]");
        assertThat(e.searched()).extracting(DataDirectories.Place::dir).containsExactly(root.resolve("fashion-mnist"),
                root, home().resolve(".cache/secateur/fashion-mnist"),
                system().resolve("usr/share/datasets/fashion-mnist"));
        assertThat(e.getMessage())
                .startsWith("Fashion-MNIST not found: missing train-images-idx3-ubyte[.gz], ")
                .contains("\n  " + root.resolve("fashion-mnist") + " ($SECATEUR_DATA)")
                .contains("\n  " + system().resolve("usr/share/datasets/fashion-mnist")
                        + " (Debian package dataset-fashion-mnist)")
                .contains("Downloading from " + deadUrl + " failed")
                .contains("To get it: apt-get install dataset-fashion-mnist, or download " + deadUrl
                        + "train-images-idx3-ubyte.gz")
                .contains(" into " + root.resolve("fashion-mnist") + "/");
        assertThat(regularFiles(root)).isEmpty();
    }

    @Test
    void aSourceThatLacksFilesIsReportedAsSuch() throws IOException {
        Map<String, byte[]> files = TestData.writeMnistLayout(tmp.resolve("upstream"), 8, 3, 1);
        files.remove("t10k-labels-idx1-ubyte.gz");
        try (LocalHttpServer server = new LocalHttpServer()) {
            DatasetStore store = store(dirs(null, null), source(server, "/m/", files));
            assertThatThrownBy(() -> store.locate(ImageSet.MNIST)).isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageStartingWith("MNIST not found: missing t10k-labels-idx1-ubyte[.gz].")
                    .hasMessageContaining("succeeded, but its files do not include everything the dataset needs");
        }
    }

    @Test
    void offlineStoreSaysWhereToPutTheFiles() {
        DatasetStore store = new DatasetStore(dirs(null, null), null, ImageSet::source, DownloadListener.NONE);
        assertThatThrownBy(() -> store.locate(ImageSet.MNIST)).isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("Downloading is switched off (offline).")
                .hasMessageContaining("To get it: download https://ossci-datasets.s3.amazonaws.com/mnist/"
                        + "train-images-idx3-ubyte.gz ")
                .hasMessageContaining(" into " + home().resolve(".cache/secateur/mnist") + "/")
                .hasMessageNotContaining("apt-get");
    }

    @Test
    void cifarIsDownloadedAsAnArchiveAndUnpacked() throws IOException {
        Map<String, byte[]> batches = TestData.cifarBatches(2, 9, Files.createDirectories(tmp.resolve("scratch")));
        TestData.Tar tar = new TestData.Tar().entry("cifar-10-batches-bin/", '5', new byte[0])
                .file("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes());
        batches.forEach((name, bytes) -> tar.file("cifar-10-batches-bin/" + name, bytes));
        byte[] archive = TestData.gzip(tar.bytes());
        try (LocalHttpServer server = new LocalHttpServer()) {
            DatasetStore store = store(dirs(null, null),
                    source(server, "/kriz/", Map.of(CifarLayout.ARCHIVE, archive)));

            TrainTest<ImageDataset> data = store.load(ImageSet.CIFAR10);

            Path cache = home().resolve(".cache/secateur/cifar-10");
            assertThat(regularFiles(cache)).extracting(p -> cache.relativize(p).toString())
                    .as("the batches, without the archive or anything unwanted")
                    .containsExactlyInAnyOrderElementsOf(batches.keySet().stream()
                            .map(n -> "cifar-10-batches-bin/" + n).toList());
            assertThat(data.train().size()).isEqualTo(10);
            assertThat(data.test().size()).isEqualTo(2);
            assertThat(data.test().pixels()).containsExactly(CifarReader.read(
                    cache.resolve("cifar-10-batches-bin/test_batch.bin")).pixels());
        }
    }

    @Test
    void everyKnownSetHasAWellFormedSource() {
        for (ImageSet set : ImageSet.values()) {
            assertThat(set.source().files()).isNotEmpty();
            assertThat(ImageSet.byId(set.id())).isSameAs(set);
            assertThat(set.classNames()).hasSize(10);
        }
        assertThatThrownBy(() -> ImageSet.byId("imagenet")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown dataset 'imagenet'; expected one of [mnist, fashion-mnist, kmnist, cifar-10]");
    }
}
