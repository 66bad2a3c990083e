package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Launch-shape arithmetic for each kernel family (no GPU needed). */
class LaunchConfigTest {
    @Test
    void elementwiseCoversEveryElementAndCapsTheGrid() {
        assertEquals(new LaunchConfig(1, 1, 1, 256, 0), LaunchConfig.elementwise(1));
        assertEquals(1, LaunchConfig.elementwise(256).gridX());
        assertEquals(2, LaunchConfig.elementwise(257).gridX());
        LaunchConfig big = LaunchConfig.elementwise(1L << 30);
        assertEquals(LaunchConfig.MAX_GRID_STRIDE_BLOCKS, big.gridX());   // grid-stride loop covers the rest
        for (long n : new long[] {1, 255, 256, 1000, 65536L * 256, 65536L * 256 + 1}) {
            assertTrue(LaunchConfig.elementwise(n).threads() >= Math.min(n, LaunchConfig.MAX_GRID_STRIDE_BLOCKS * 256L));
        }
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.elementwise(0));
    }

    @Test
    void perRowUsesWholeWarpsUpTo256Threads() {
        assertEquals(32, LaunchConfig.perRow(10, 1).blockX());
        assertEquals(64, LaunchConfig.perRow(10, 50).blockX());
        assertEquals(256, LaunchConfig.perRow(10, 50257).blockX());
        assertEquals(10, LaunchConfig.perRow(10, 64).gridX());
        assertEquals(0, LaunchConfig.perRow(3, 100).blockX() % 32);
        assertEquals(LaunchConfig.MAX_GRID_STRIDE_BLOCKS, LaunchConfig.perRow(1 << 20, 8).gridX());
    }

    @Test
    void gemmTilesTheOutputIn64By64BlocksWithOneLayerPerBatch() {
        LaunchConfig g = LaunchConfig.gemm(100, 130, 7);
        assertEquals(3, g.gridX());   // columns: ceil(130/64)
        assertEquals(2, g.gridY());   // rows: ceil(100/64)
        assertEquals(7, g.gridZ());
        assertEquals(256, g.blockX());
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.gemm(64, 64, 70000));
    }
}
