package dev.sluice.spark;

import dev.sluice.distributed.AllReduce;
import org.apache.spark.BarrierTaskContext;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * {@link AllReduce} over Spark's barrier mode: every call is one or more {@link BarrierTaskContext#allGather} rounds
 * through the driver. Each rank sends its floats as Base64 text (little-endian IEEE 754 bits, so no value is rounded on
 * the way), receives every rank's, and adds them itself in rank order ({@code ((r0 + r1) + r2) + …}): every rank
 * computes the same sums from the same bits, so they all hold the same result, the one the in-process reference gives.
 *
 * <p>Cost: one round per call (per chunk), and the driver relays N messages to each of N tasks, so a call moves
 * N² · size through it. Worse, Spark 4.2's {@code BarrierTaskContext} waits for a round's answer by polling with
 * {@code Thread.sleep(1000)}, so every round takes about a second however small (measured: 20 training steps of a
 * small MLP in 22 s here, against 1.4 s over {@link SparkRing}). Use this for setup and small jobs; train through
 * the ring.
 * Arrays are sent in chunks of at most {@link #DEFAULT_CHUNK} floats per round (Spark's RPC messages are limited to
 * {@code spark.rpc.message.maxSize}, 128 MiB by default).
 *
 * <p>Each round's message carries the operation and the array length, so ranks that call different operations, or
 * pass arrays of different lengths, fail on every rank with the same message instead of hanging or truncating.
 */
public final class SparkAllReduce implements AllReduce {
    /** Floats per allGather round: 1 Mi floats is 5.3 MiB of Base64 per rank. */
    public static final int DEFAULT_CHUNK = 1 << 20;

    private final BarrierTaskContext context;
    private final int rank, worldSize, chunk;
    private long calls;

    private SparkAllReduce(BarrierTaskContext context, int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk must be at least 1 float, got " + chunk);
        this.context = context;
        this.rank = context.partitionId();
        this.worldSize = context.getTaskInfos().length;
        this.chunk = chunk;
    }

    /** The all-reduce of the barrier task running on this thread (call it inside a barrier stage's task). */
    public static SparkAllReduce current() {
        return of(BarrierTaskContext.get(), DEFAULT_CHUNK);
    }

    /** The all-reduce over {@code context}'s barrier stage, sending at most {@code chunk} floats per round. */
    public static SparkAllReduce of(BarrierTaskContext context, int chunk) {
        return new SparkAllReduce(context, chunk);
    }

    @Override
    public int rank() { return rank; }

    @Override
    public int worldSize() { return worldSize; }

    /** allGather rounds this collective has completed so far. */
    public long rounds() { return calls; }

    @Override
    public void sumInPlace(float[] data) {
        String op = "sum";
        for (int off = 0; off == 0 || off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            String[] all = gather(op, data.length, encode(data, off, n));
            float[] acc = decode(all[0], n);
            for (int r = 1; r < worldSize; r++) {
                float[] other = decode(all[r], n);
                for (int i = 0; i < n; i++) acc[i] += other[i];
            }
            System.arraycopy(acc, 0, data, off, n);
        }
    }

    @Override
    public void broadcast(float[] data, int root) {
        if (root < 0 || root >= worldSize) {
            throw new IllegalArgumentException("broadcast: root " + root + " is not a rank of a " + worldSize + "-task stage");
        }
        String op = "broadcast from " + root;
        for (int off = 0; off == 0 || off < data.length; off += chunk) {
            int n = Math.min(chunk, data.length - off);
            // only the root's payload is needed: the others send the header alone
            String[] all = gather(op, data.length, rank == root ? encode(data, off, n) : "");
            System.arraycopy(decode(all[root], n), 0, data, off, n);
        }
    }

    private static String header(String op, int length) { return op + " of " + length + " floats"; }

    /**
     * One allGather round. Every message starts with its rank's operation and array length; when they differ, every
     * rank sees the same set of headers and throws the same error in this first round, before any rank goes on to a
     * further chunk the others will not join.
     */
    private String[] gather(String op, int length, String payload) {
        String mine = header(op, length);
        String[] all = context.allGather(mine + "|" + payload);
        if (all.length != worldSize) {
            throw new IllegalStateException("SparkAllReduce: allGather returned " + all.length + " messages for " + worldSize + " tasks");
        }
        for (String s : all) {
            if (!s.startsWith(mine + "|")) {
                StringBuilder b = new StringBuilder("SparkAllReduce: the ranks disagree on call " + calls + ":");
                for (int r = 0; r < all.length; r++) {
                    b.append(" rank ").append(r).append(' ').append(all[r], 0, Math.max(0, all[r].indexOf('|'))).append(';');
                }
                throw new IllegalStateException(b.substring(0, b.length() - 1));
            }
        }
        calls++;
        return all;
    }

    static String encode(float[] data, int off, int n) {
        ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(data, off, n);
        return Base64.getEncoder().encodeToString(b.array());
    }

    /** Decodes the payload after the header's "|"; {@code n} floats are expected. */
    static float[] decode(String message, int n) {
        String payload = message.substring(message.indexOf('|') + 1);
        byte[] bytes = Base64.getDecoder().decode(payload);
        if (bytes.length != 4 * n) {
            throw new IllegalStateException("SparkAllReduce: expected " + n + " floats, got " + bytes.length + " bytes");
        }
        float[] out = new float[n];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
