package org.secateur.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** How an image dataset's files sit in a directory: which must be there, how to read them, how to unpack a download. */
sealed interface ImageLayout permits IdxLayout, CifarLayout {

    /** The required files absent from {@code dir}, as a user would look for them; empty when {@code dir} is complete. */
    List<String> missingIn(Path dir);

    /** Of the downloadable files, those still needed to complete {@code dir}. */
    List<RemoteFile> toDownload(Path dir, List<RemoteFile> available);

    /** Turns downloaded files in {@code dir} into the layout (e.g. extracts an archive); a no-op when nothing to do. */
    void unpack(Path dir) throws IOException;

    /** The class names in label order. */
    List<String> classNames();

    /** Reads the training and test sets from a complete {@code dir}. */
    TrainTest<ImageDataset> read(Path dir) throws IOException;
}
