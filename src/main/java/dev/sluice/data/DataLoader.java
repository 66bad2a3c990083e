package dev.sluice.data;

import dev.sluice.backend.Philox;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Mini-batches over a {@link TensorDataset}, optionally shuffled, like {@code torch.utils.data.DataLoader} over a
 * {@code TensorDataset}. Each call to {@link #iterator()} starts an epoch; with shuffling, the epoch's permutation is a
 * Fisher–Yates shuffle driven by the loader's {@link Generator}, so a seed fixes the order of every epoch. Without
 * shuffling, batches are views of the dataset ({@link Tensor#narrow}); with it, gathered copies
 * ({@link Tensor#indexSelect}).
 * {@snippet :
 * FashionMnist.Split split = FashionMnist.load(true);
 * TensorDataset train = new TensorDataset(split.imagesTensor(), split.labelsTensor()); // [60000, 784], [60000]
 * DataLoader loader = new DataLoader(train, 128, true, false, new Generator(0));
 * for (Batch b : loader) {
 *     Tensor x = b.inputs();  // [128, 784] float32 (the last batch holds 96)
 *     Tensor y = b.targets(); // [128] int64
 * }
 * }
 */
public final class DataLoader implements Iterable<Batch> {
    private final TensorDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final boolean dropLast;
    private final Generator generator;

    /**
     * A loader over {@code dataset}.
     *
     * @param dataset the examples to batch
     * @param batchSize the number of examples per batch
     * @param shuffle draw a new random order for every epoch (else the dataset order)
     * @param dropLast skip a last batch smaller than {@code batchSize}
     * @param generator the source of the shuffling order (advanced once per shuffled epoch); unused when not shuffling
     * @throws IllegalArgumentException if {@code batchSize} is not positive
     */
    public DataLoader(TensorDataset dataset, int batchSize, boolean shuffle, boolean dropLast, Generator generator) {
        if (batchSize <= 0) throw new IllegalArgumentException("DataLoader: batch size must be positive, got " + batchSize);
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.generator = generator;
    }

    /**
     * The number of batches per epoch.
     *
     * @return ⌊N / batchSize⌋ with {@code dropLast}, else ⌈N / batchSize⌉, for N examples
     */
    public int batchesPerEpoch() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** The example order for one epoch (a fresh draw from the generator when shuffling). */
    long[] epochOrder() {
        int n = dataset.size();
        long[] order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!shuffle) return order;
        long[] seedOffset = generator.reserve(Philox.blocksFor(n, true));
        int[] scratch = new int[4];
        for (int i = n - 1; i > 0; i--) {
            double u = Philox.uniformDouble(seedOffset[0], seedOffset[1], n - 1 - i, scratch);
            int j = (int) (u * (i + 1));
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Starts an epoch: draws its order (when shuffling) and returns an iterator over its batches.
     *
     * @return an iterator of {@link #batchesPerEpoch()} batches
     */
    @Override
    public Iterator<Batch> iterator() {
        long[] order = epochOrder();
        int batches = batchesPerEpoch();
        return new Iterator<>() {
            private int next = 0;

            @Override
            public boolean hasNext() { return next < batches; }

            @Override
            public Batch next() {
                if (!hasNext()) throw new NoSuchElementException();
                int start = next * batchSize, len = Math.min(batchSize, order.length - start);
                next++;
                if (!shuffle) {
                    return new Batch(dataset.inputs().narrow(0, start, len), dataset.targets().narrow(0, start, len));
                }
                long[] idx = java.util.Arrays.copyOfRange(order, start, start + len);
                Tensor index = Tensor.of(idx);
                return new Batch(dataset.inputs().indexSelect(0, index), dataset.targets().indexSelect(0, index));
            }
        };
    }
}
