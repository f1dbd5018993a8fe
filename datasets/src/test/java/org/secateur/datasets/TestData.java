package org.secateur.datasets;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.secateur.tensor.Rng;

/** Test helpers that make small, valid dataset files (IDX pairs, CIFAR batches, tar.gz archives) from a seed. */
final class TestData {
    private TestData() {}

    static final List<String> TEN = List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");

    /** Random images with random labels in {@code [0, classes)}. */
    static ImageDataset images(int n, int channels, int height, int width, int classes, long seed) {
        Rng rng = new Rng(seed);
        byte[] pixels = new byte[n * channels * height * width];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rng.nextInt(256);
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(classes);
        }
        List<String> names = classes == 10 ? TEN : List.of();
        return new ImageDataset(pixels, labels, channels, height, width, classes, names);
    }

    /** CIFAR-shaped random images. */
    static ImageDataset cifarImages(int n, long seed) {
        ImageDataset d = images(n, 3, 32, 32, 10, seed);
        return new ImageDataset(d.pixels(), d.labels(), 3, 32, 32, 10, CifarReader.CLASS_NAMES);
    }

    /** Writes {@code d} (one channel) as an IDX image file and label file named {@code prefix}. */
    static void writeIdxPair(Path dir, String imagesName, String labelsName, ImageDataset d, boolean gzip)
            throws IOException {
        Files.createDirectories(dir);
        IdxWriter.write(dir.resolve(imagesName), IdxArray.ofUnsignedBytes(d.pixels(), d.size(), d.height(),
                d.width()), gzip);
        byte[] labels = new byte[d.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (byte) d.labels()[i];
        }
        IdxWriter.write(dir.resolve(labelsName), IdxArray.ofUnsignedBytes(labels, labels.length), gzip);
    }

    /**
     * Writes a complete MNIST-layout dataset (gzip files with the canonical names) into {@code dir}: {@code nTrain}
     * training and {@code nTest} test images of 4x4.
     */
    static Map<String, byte[]> writeMnistLayout(Path dir, int nTrain, int nTest, long seed) throws IOException {
        writeIdxPair(dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                images(nTrain, 1, 4, 4, 10, seed), true);
        writeIdxPair(dir, "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
                images(nTest, 1, 4, 4, 10, seed + 1), true);
        Map<String, byte[]> files = new TreeMap<>();
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            files.put(f, Files.readAllBytes(dir.resolve(f)));
        }
        return files;
    }

    /** The six CIFAR batch files of {@code perBatch} random images each, as name to bytes. */
    static Map<String, byte[]> cifarBatches(int perBatch, long seed, Path scratch) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(CifarLayout.TRAIN);
        names.add(CifarLayout.TEST);
        for (int i = 0; i < names.size(); i++) {
            Path f = scratch.resolve(names.get(i));
            CifarWriter.write(f, cifarImages(perBatch, seed + i));
            out.put(names.get(i), Files.readAllBytes(f));
        }
        return out;
    }

    /** Raw bytes, big-endian IDX header followed by {@code payload}. */
    static byte[] idx(int b0, int b1, int code, int[] dims, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(b0);
        out.write(b1);
        out.write(code);
        out.write(dims.length);
        for (int d : dims) {
            out.write(d >>> 24);
            out.write(d >>> 16);
            out.write(d >>> 8);
            out.write(d);
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A tar archive builder writing POSIX ustar headers (or GNU long-name entries for names over 100 bytes). */
    static final class Tar {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Tar file(String name, byte[] data) {
            if (name.getBytes(StandardCharsets.UTF_8).length > 100) {
                byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
                entry("././@LongLink", 'L', n);
                return entry(name.substring(0, 100), '0', data);
            }
            return entry(name, '0', data);
        }

        Tar entry(String name, char type, byte[] data) {
            out.writeBytes(header(name, type, data.length));
            out.writeBytes(data);
            out.writeBytes(new byte[(512 - data.length % 512) % 512]);
            return this;
        }

        /** A header with a correct checksum. */
        static byte[] header(String name, char type, long size) {
            byte[] h = new byte[512];
            put(h, 0, name);
            put(h, 100, "0000644\0");
            put(h, 108, "0000000\0");
            put(h, 116, "0000000\0");
            put(h, 124, String.format("%011o\0", size));
            put(h, 136, "00000000000\0");
            h[156] = (byte) type;
            put(h, 257, "ustar\0");
            put(h, 263, "00");
            for (int i = 148; i < 156; i++) {
                h[i] = ' ';
            }
            long sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            put(h, 148, String.format("%06o\0 ", sum));
            return h;
        }

        private static void put(byte[] h, int off, String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            System.arraycopy(b, 0, h, off, b.length);
        }

        /** The archive with its end marker (two zero blocks). */
        byte[] bytes() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(new byte[1024]);
            return all.toByteArray();
        }
    }
}
