package dev.sluice.backend.cuda;

/**
 * A kernel's launch shape: a grid of up to three dimensions of one-dimensional blocks. The factories encode how each
 * kernel family maps work to threads (pure arithmetic, tested without a GPU).
 */
record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int sharedBytes) {
    /** Threads per block for elementwise kernels. */
    static final int ELEMENTWISE_BLOCK = 256;
    /** Grid-stride loops cover the rest: more blocks than this only add scheduling overhead. */
    static final int MAX_GRID_STRIDE_BLOCKS = 65536;
    /** CUDA's limit on gridDim.y and gridDim.z. */
    static final int MAX_GRID_YZ = 65535;

    LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockX > 1024) {
            throw new IllegalArgumentException("invalid launch: grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX);
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("grid y/z " + gridY + "/" + gridZ + " exceeds CUDA's limit of " + MAX_GRID_YZ);
        }
    }

    /** n independent elements, one thread each, grid-stride beyond 65536 blocks. n must be positive. */
    static LaunchConfig elementwise(long n) {
        if (n <= 0) throw new IllegalArgumentException("elementwise launch of " + n + " elements");
        long blocks = (n + ELEMENTWISE_BLOCK - 1) / ELEMENTWISE_BLOCK;
        return new LaunchConfig((int) Math.min(blocks, MAX_GRID_STRIDE_BLOCKS), 1, 1, ELEMENTWISE_BLOCK, 0);
    }

    /**
     * One block per row (softmax, layer norm, reductions): the block's threads stride over the row's {@code cols}
     * elements. Block size: the row length rounded up to a warp multiple, between 32 and 256 (sl_block_reduce needs
     * whole warps).
     */
    static LaunchConfig perRow(long rows, long cols) {
        if (rows <= 0) throw new IllegalArgumentException("per-row launch of " + rows + " rows");
        int threads = (int) Math.min(256, Math.max(32, (cols + 31) / 32 * 32));
        return new LaunchConfig((int) Math.min(rows, MAX_GRID_STRIDE_BLOCKS), 1, 1, threads, 0);
    }

    /** The tiled GEMM: 64×64 output tiles (x over columns, y over rows), one grid layer per batch, 256 threads. */
    static LaunchConfig gemm(int m, int n, int batches) {
        return new LaunchConfig(Math.max(1, (n + 63) / 64), Math.max(1, (m + 63) / 64), batches, 256, 0);
    }

    long threads() { return (long) gridX * gridY * gridZ * blockX; }
}
