package dev.sluice.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sluice.tensor.DType;
import dev.sluice.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir Path dir;

    private static final String HINT = "install it with: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)";

    private static void assumeDataset() {
        assumeTrue(Files.exists(FashionMnist.defaultDirectory().resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST not installed at " + FashionMnist.defaultDirectory() + " (apt-get install dataset-fashion-mnist)");
    }

    @Test
    void loadsRealTrainingAndTestSplits() throws IOException {
        assumeDataset();
        for (boolean train : new boolean[] {true, false}) {
            FashionMnist.Split s = FashionMnist.load(FashionMnist.defaultDirectory(), train);
            int expected = train ? 60000 : 10000;
            assertEquals(expected, s.count());
            assertEquals(28, s.rows());
            assertEquals(28, s.cols());
            assertEquals(expected * 28 * 28, s.images().length);
            assertEquals(expected, s.labels().length);
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float p : s.images()) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            assertEquals(0f, min);
            assertEquals(1f, max);
            int[] perClass = new int[10];
            for (int l : s.labels()) perClass[l]++;
            // Fashion-MNIST is balanced: 6000 (train) or 1000 (test) images per class
            for (int c = 0; c < 10; c++) assertEquals(expected / 10, perClass[c], "class " + c);
        }
    }

    @Test
    void tensorsHaveTheDocumentedShapesAndDtypes() throws IOException {
        assumeDataset();
        FashionMnist.Split s = FashionMnist.load(false);
        Tensor x = s.imagesTensor();
        Tensor y = s.labelsTensor();
        assertEquals(DType.FLOAT32, x.dtype());
        assertArrayEquals(new int[] {10000, 784}, x.shape());
        assertEquals(DType.INT64, y.dtype());
        assertArrayEquals(new int[] {10000}, y.shape());
        assertEquals(s.labels()[123], y.toLongArray()[123]);
        assertEquals(s.images()[784 * 5 + 400], x.toFloatArray()[784 * 5 + 400]);
    }

    @Test
    void missingDirectoryNamesThePathAndHowToInstall() {
        Path missing = dir.resolve("nope");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(missing, true));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(HINT), e.getMessage());
    }

    @Test
    void missingFileNamesTheFileAndHowToInstall() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {1, 2, 2}, new byte[4])));
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, false));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains(HINT), e.getMessage());
    }

    @Test
    void syntheticSplitIsScaledAndCountMismatchIsReported() throws IOException {
        byte[] pixels = {0, (byte) 255, (byte) 51, 102, 1, 2, 3, 4};
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {2, 2, 2}, pixels)));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {2}, new byte[] {9, 0})));
        FashionMnist.Split s = FashionMnist.load(dir, true);
        assertEquals(2, s.count());
        assertArrayEquals(new float[] {0f, 1f, 0.2f, 0.4f, 1 / 255f, 2 / 255f, 3 / 255f, 4 / 255f}, s.images(), 1e-7f);
        assertArrayEquals(new int[] {9, 0}, s.labels());

        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {3}, new byte[] {1, 2, 3})));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true));
        assertTrue(e.getMessage().contains("2 images") && e.getMessage().contains("3 labels"), e.getMessage());
    }

    @Test
    void outOfRangeLabelIsReported() throws IOException {
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {1, 1, 1}, new byte[1])));
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), IdxReaderTest.gzip(IdxReaderTest.idx(0x08, new int[] {1}, new byte[] {10})));
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true));
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }
}
