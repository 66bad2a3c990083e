package dev.sluice.io;

import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Loads <a href="https://github.com/zalandoresearch/fashion-mnist">Fashion-MNIST</a>: 28×28 grayscale images of 10
 * clothing classes, 60000 for training and 10000 for testing, stored as gzipped IDX files.
 */
public final class FashionMnist {
    /** Class names, indexed by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    static final String INSTALL_HINT = "install it with: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)";

    private FashionMnist() {}

    /**
     * One split of the dataset.
     *
     * @param images row-major pixels, {@code count*rows*cols} values scaled from 0..255 to [0, 1]
     * @param labels class indices 0..9, one per image
     * @param count  number of images
     * @param rows   image height
     * @param cols   image width
     */
    public record Split(float[] images, int[] labels, int count, int rows, int cols) {
        /** Checks that the arrays match count, rows and cols. */
        public Split {
            if ((long) count * rows * cols != images.length || labels.length != count) {
                throw new IllegalArgumentException("Split: " + images.length + " pixels and " + labels.length
                        + " labels do not match count=" + count + ", rows=" + rows + ", cols=" + cols);
            }
        }

        /**
         * Counts and sizes only: the pixel array is large.
         *
         * @return e.g. {@code FashionMnist.Split[count=60000, rows=28, cols=28]}
         */
        @Override
        public String toString() {
            return "FashionMnist.Split[count=" + count + ", rows=" + rows + ", cols=" + cols + "]";
        }

        /**
         * The images as a float32 tensor of shape [count, rows*cols] (a copy), ready for a
         * {@link dev.sluice.data.TensorDataset}.
         *
         * @return a new [count, rows·cols] tensor with values in [0, 1]
         */
        public Tensor imagesTensor() {
            return Tensor.of(images.clone(), count, rows * cols);
        }

        /**
         * The labels as an int64 tensor of shape [count], the dtype classification losses index with.
         *
         * @return a new [count] tensor of class indices 0..9
         */
        public Tensor labelsTensor() {
            long[] l = new long[count];
            for (int i = 0; i < count; i++) l[i] = labels[i];
            return Tensor.of(l, count);
        }
    }

    /**
     * Where the Debian package {@code dataset-fashion-mnist} installs the files.
     *
     * @return {@code /usr/share/datasets/fashion-mnist}
     */
    public static Path defaultDirectory() {
        return Path.of("/usr/share/datasets/fashion-mnist");
    }

    /**
     * Loads the training split ({@code train}) or the test split from {@link #defaultDirectory()}.
     *
     * @param train true for the 60,000 training images, false for the 10,000 test images
     * @return the split, with pixels scaled to [0, 1]
     * @throws java.nio.file.NoSuchFileException naming the missing directory or file and how to install the dataset
     * @throws IOException for a malformed or inconsistent file
     */
    public static Split load(boolean train) throws IOException {
        return load(defaultDirectory(), train);
    }

    /**
     * Loads the training split ({@code train-images-idx3-ubyte.gz}, {@code train-labels-idx1-ubyte.gz}) or the test
     * split ({@code t10k-...}) from {@code dir}.
     *
     * @param dir the directory holding the four gzipped IDX files
     * @param train true for the training split, false for the test split
     * @return the split, with pixels scaled to [0, 1]
     * @throws NoSuchFileException naming the missing directory or file and how to install the dataset
     * @throws IdxFormatException for a malformed file
     * @throws IOException when image and label files disagree on the count, or hold unexpected shapes
     */
    public static Split load(Path dir, boolean train) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "Fashion-MNIST directory not found; " + INSTALL_HINT);
        }
        String prefix = train ? "train" : "t10k";
        Path imagesFile = require(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
        Path labelsFile = require(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
        IdxArray images = IdxReader.read(imagesFile);
        IdxArray labels = IdxReader.read(labelsFile);
        if (images.type() != IdxType.UNSIGNED_BYTE || images.rank() != 3) {
            throw new IOException(imagesFile + ": expected unsigned-byte images of shape [count, rows, cols], got "
                    + images.type() + " " + Arrays.toString(images.shape()));
        }
        if (labels.type() != IdxType.UNSIGNED_BYTE || labels.rank() != 1) {
            throw new IOException(labelsFile + ": expected unsigned-byte labels of shape [count], got " + labels.type()
                    + " " + Arrays.toString(labels.shape()));
        }
        int[] s = images.shape();
        int count = s[0];
        if (labels.shape()[0] != count) {
            throw new IOException("Fashion-MNIST: " + imagesFile + " holds " + count + " images but " + labelsFile
                    + " holds " + labels.shape()[0] + " labels");
        }
        byte[] raw = images.data();
        float[] pixels = new float[raw.length];
        for (int i = 0; i < raw.length; i++) pixels[i] = (raw[i] & 0xFF) / 255f;
        int[] y = labels.toIntArray();
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= CLASS_NAMES.size()) {
                throw new IOException(labelsFile + ": label " + y[i] + " at index " + i + " is outside 0.."
                        + (CLASS_NAMES.size() - 1));
            }
        }
        return new Split(pixels, y, count, s[1], s[2]);
    }

    private static Path require(Path file) throws NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "Fashion-MNIST file not found; " + INSTALL_HINT);
        }
        return file;
    }
}
