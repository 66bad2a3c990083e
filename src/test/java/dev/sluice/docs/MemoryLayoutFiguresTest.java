package dev.sluice.docs;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The figures of docs/02-tensors.md: drawn from real views into target/book-figures (or, with
 * {@code -Dsluice.docs.writeFigures=true}, into docs/figures to update the committed ones), and the committed ones
 * exist at the size the generator draws. Pixels are not compared: font rendering differs between machines.
 */
class MemoryLayoutFiguresTest {
    @Test
    void figuresAreDrawnFromTheViewsTheChapterDescribes() throws Exception {
        var views = MemoryLayoutFigures.views();
        // the index mappings the chapter states in prose
        assertArrayEquals(new int[] {2, 6, 10}, MemoryLayoutFigures.storageIndex(views.get("layout-transpose"))[2]);
        assertArrayEquals(new int[] {5, 6}, MemoryLayoutFigures.storageIndex(views.get("layout-narrow"))[1]);
        assertArrayEquals(new int[] {1, 1, 1}, column(MemoryLayoutFigures.storageIndex(views.get("layout-expand")), 1));

        Path out = Boolean.getBoolean("sluice.docs.writeFigures") ? Path.of("docs", "figures") : Path.of("target", "book-figures");
        MemoryLayoutFigures.writeAll(out);
        for (String name : views.keySet()) {
            BufferedImage drawn = ImageIO.read(out.resolve(name + ".png").toFile());
            Path committed = Path.of("docs", "figures", name + ".png");
            assertTrue(Files.isRegularFile(committed), committed + " is missing: run this test with -Dsluice.docs.writeFigures=true");
            BufferedImage c = ImageIO.read(committed.toFile());
            assertEquals(drawn.getWidth(), c.getWidth(), name + " width");
            assertEquals(drawn.getHeight(), c.getHeight(), name + " height");
        }
    }

    private static int[] column(int[][] m, int j) {
        int[] c = new int[m.length];
        for (int i = 0; i < m.length; i++) c[i] = m[i][j];
        return c;
    }
}
