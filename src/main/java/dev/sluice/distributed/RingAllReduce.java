package dev.sluice.distributed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An {@link AllReduce} between processes over TCP: rank r sends only to rank r + 1 and receives only from r − 1
 * (mod N), in pieces of at most 32 Ki floats so that the ranks work on different pieces at once (a pipeline).
 *
 * <p><b>Why not the textbook ring.</b> A ring reduce-scatter adds chunk c in the order c, c+1, …, c−1: for every chunk
 * but the first, not in rank order, and float addition is not associative, so the sum's bits would depend on how the
 * array was chunked. Here every piece is summed in rank order: its running sum starts at rank 0 and travels
 * 0 → 1 → … → N−1, each rank adding its own values ({@code ((a0 + a1) + a2) + …}, the bits {@link LocalAllReduce}
 * gives), and the finished sums travel on N−1 → 0 → 1 → … → N−2. The ring moves as many bytes in total as the
 * textbook one, 2(N−1)·size, so the mean per rank is the theoretical 2(N−1)/N·size; but the load is uneven (ranks
 * 0 … N−3 send 2·size, ranks N−2 and N−1 send size each; see {@link #expectedPayloadBytes}), so at N ≥ 3 the busiest
 * link carries N/(N−1) times the textbook ring's bytes. That is the price of bit-identical results.
 *
 * <p>Every operation starts with a 36-byte header passed once around the ring (rank 0's call, and the first rank whose
 * call differs), then the verdict passed around again, so a length, operation or root mismatch fails on every rank
 * before any data moves. A peer that dies closes its sockets: its neighbours fail, close theirs, and the failure
 * goes around the ring; a peer that hangs fails its neighbours after the timeout (no progress for that long, reading
 * or writing). After any failure this rank's sockets are closed and every later call throws.
 *
 * <p>Set up a ring by giving each rank every rank's address and a bound listening channel (so the addresses can be
 * exchanged first, e.g. through Spark's {@code BarrierTaskContext.allGather}):
 * {@snippet :
 * ServerSocketChannel listening = ServerSocketChannel.open().bind(new InetSocketAddress(host, 0));
 * List<InetSocketAddress> all = exchange(listening.getLocalAddress());   // every rank's address, in rank order
 * try (RingAllReduce ring = RingAllReduce.connect(rank, all, listening, Duration.ofSeconds(60))) {
 *     ring.sumInPlace(gradients);
 * }
 * }
 */
public final class RingAllReduce implements AllReduce {
    /** How long a rank waits without progress (connecting, reading or writing) before it fails, by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Floats per piece: small enough for a pipeline across ranks, large enough that the header cost vanishes. */
    static final int DEFAULT_PIECE_FLOATS = 1 << 15;
    private static final int HEADER_INTS = 9, SUM = 1, BROADCAST = 2;

    private final int rank, size, pieceFloats;
    private final RingLink next, prev;            // null in a ring of one
    private final ByteBuffer sendBuf, recvBuf;
    private final FloatBuffer sendFloats, recvFloats;
    private final float[] scratch;
    private final ByteBuffer header = ByteBuffer.allocate(4 * HEADER_INTS).order(ByteOrder.LITTLE_ENDIAN);
    private int calls;
    private long bytesSent, payloadBytesSent;
    private String broken;

    private RingAllReduce(int rank, int size, RingSetup.Links links, int pieceFloats) {
        this.rank = rank;
        this.size = size;
        this.pieceFloats = pieceFloats;
        this.next = links == null ? null : links.next();
        this.prev = links == null ? null : links.prev();
        this.sendBuf = ByteBuffer.allocateDirect(4 * pieceFloats).order(ByteOrder.LITTLE_ENDIAN);
        this.recvBuf = ByteBuffer.allocateDirect(4 * pieceFloats).order(ByteOrder.LITTLE_ENDIAN);
        this.sendFloats = sendBuf.asFloatBuffer();
        this.recvFloats = recvBuf.asFloatBuffer();
        this.scratch = new float[pieceFloats];
    }

    /**
     * Joins the ring as {@code rank}: connects to rank + 1's address, accepts rank − 1 on {@code listening}, and
     * checks that both agree on the world size and the ranks' order. Returns once both links are up.
     *
     * @param rank this process's rank, 0 ≤ rank &lt; addresses.size()
     * @param addresses every rank's listening address, element r being rank r's (the same list on every rank)
     * @param listening this rank's bound server channel (its address is {@code addresses.get(rank)}); closed by this
     * method once the predecessor has connected, or on failure
     * @param timeout how long to wait without progress, here for the neighbours to connect and later in every
     * operation
     * @return this rank's side of the ring
     * @throws IOException if a neighbour does not connect in time or the ranks' address lists disagree
     * @throws IllegalArgumentException if rank is out of range or the timeout not positive
     */
    public static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listening,
                                        Duration timeout) throws IOException {
        return connect(rank, addresses, listening, timeout, DEFAULT_PIECE_FLOATS);
    }

    static RingAllReduce connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listening,
                                 Duration timeout, int pieceFloats) throws IOException {
        if (rank < 0 || rank >= addresses.size()) {
            throw new IllegalArgumentException("RingAllReduce.connect: rank " + rank + " is not in 0.." + (addresses.size() - 1)
                    + " (" + addresses.size() + " addresses)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("RingAllReduce.connect: timeout must be positive, got " + timeout);
        }
        try (listening) {
            RingSetup.Links links = addresses.size() == 1 ? null
                    : RingSetup.connect(rank, addresses, listening, Math.max(1, timeout.toMillis()));
            return new RingAllReduce(rank, addresses.size(), links, pieceFloats);
        }
    }

    /**
     * A ring of {@code worldSize} ranks inside this JVM over loopback TCP, connected from as many threads (for tests
     * and for measuring the transport on one machine).
     *
     * @param worldSize the number of ranks, at least 1
     * @param timeout as in {@link #connect}
     * @return the ranks, element r being rank r
     * @throws IOException if the ring cannot be built
     */
    public static List<RingAllReduce> loopback(int worldSize, Duration timeout) throws IOException {
        return loopback(worldSize, timeout, DEFAULT_PIECE_FLOATS);
    }

    static List<RingAllReduce> loopback(int worldSize, Duration timeout, int pieceFloats) throws IOException {
        if (worldSize < 1) throw new IllegalArgumentException("RingAllReduce.loopback: worldSize must be at least 1, got " + worldSize);
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        try {
            for (int r = 0; r < worldSize; r++) {
                ServerSocketChannel s = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                servers.add(s);
                addresses.add((InetSocketAddress) s.getLocalAddress());
            }
        } catch (IOException e) {
            servers.forEach(RingSetup::closeQuietly);
            throw e;
        }
        List<RingAllReduce> ranks = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<RingAllReduce>> joins = new ArrayList<>();
            for (int r = 0; r < worldSize; r++) {
                int rank = r;
                joins.add(pool.submit(() -> connect(rank, addresses, servers.get(rank), timeout, pieceFloats)));
            }
            IOException failed = null;
            for (Future<RingAllReduce> f : joins) {
                try {
                    ranks.add(f.get());
                } catch (ExecutionException e) {
                    if (failed == null) failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failed == null) failed = new java.io.InterruptedIOException("interrupted while building the ring");
                }
            }
            if (failed != null) {
                ranks.forEach(RingAllReduce::close);
                throw failed;
            }
        }
        return List.copyOf(ranks);
    }

    @Override
    public int rank() { return rank; }

    @Override
    public int worldSize() { return size; }

    @Override
    public void sumInPlace(float[] data) {
        String op = begin("sumInPlace", data);
        if (size == 1) return;
        try {
            agree(op, SUM, data.length, -1);
            int n = data.length;
            // the running sums: rank 0's values, then + rank 1's, ... travelling 0 -> 1 -> ... -> N-1
            for (int off = 0; off < n; off += pieceFloats) {
                int len = Math.min(pieceFloats, n - off);
                if (rank > 0) {
                    receive(len, op);
                    recvFloats.get(scratch, 0, len);
                    for (int i = 0; i < len; i++) data[off + i] = scratch[i] + data[off + i];
                }
                if (rank < size - 1) send(data, off, len, op);
            }
            // the finished sums, from rank N-1 on N-1 -> 0 -> 1 -> ... -> N-2
            for (int off = 0; off < n; off += pieceFloats) {
                int len = Math.min(pieceFloats, n - off);
                if (rank != size - 1) {
                    receive(len, op);
                    recvFloats.get(data, off, len);
                }
                if (rank != size - 2) send(data, off, len, op);
            }
        } catch (IOException e) {
            throw fail(op, e);
        }
    }

    @Override
    public void broadcast(float[] data, int root) {
        String op = begin("broadcast from root " + root, data);
        if (size == 1) {
            if (root == 0) return;
            throw fail(op, new DisagreementException("rank 0 called broadcast from root " + root + ", which is not a rank of 0..0"));
        }
        try {
            agree(op, BROADCAST, data.length, root);
            int last = (root - 1 + size) % size;     // the end of the chain root -> root+1 -> ... -> root-1
            for (int off = 0; off < data.length; off += pieceFloats) {
                int len = Math.min(pieceFloats, data.length - off);
                if (rank != root) {
                    receive(len, op);
                    recvFloats.get(data, off, len);
                }
                if (rank != last) send(data, off, len, op);
            }
        } catch (IOException e) {
            throw fail(op, e);
        }
    }

    /**
     * The bytes this rank has sent in operations so far: the floats plus the 36-byte headers (two per operation at
     * most), not the connection's hello.
     *
     * @return the byte count since {@link #connect}
     */
    public long bytesSent() { return bytesSent; }

    /**
     * The bytes of floats this rank has sent in operations so far (headers excluded).
     *
     * @return 4 × the number of floats sent
     */
    public long payloadBytesSent() { return payloadBytesSent; }

    /**
     * The float bytes a rank sends in one {@link #sumInPlace} of {@code length} floats: 4·length for the running sums
     * on ranks 0 … N−2, plus 4·length for passing on the finished sums on every rank but N−2. Summed over the ranks
     * this is 2(N−1)·4·length, the textbook ring's total; the mean per rank is 2(N−1)/N·4·length.
     *
     * @param rank the rank, 0 ≤ rank &lt; worldSize
     * @param worldSize the number of ranks
     * @param length the array's length in floats
     * @return the payload bytes that rank sends
     */
    public static long expectedPayloadBytes(int rank, int worldSize, int length) {
        if (worldSize == 1) return 0;
        long bytes = 4L * length;
        return (rank <= worldSize - 2 ? bytes : 0) + (rank != worldSize - 2 ? bytes : 0);
    }

    /** Closes both links; neighbours blocked on this rank fail at once. Idempotent. */
    @Override
    public void close() {
        if (broken == null) broken = "it was closed";
        RingSetup.closeQuietly(next);
        RingSetup.closeQuietly(prev);
    }

    @Override
    public String toString() { return "RingAllReduce[rank " + rank + " of " + size + "]"; }

    private String begin(String what, float[] data) {
        String op = what + " (call " + (++calls) + ")";
        if (broken != null) throw new CollectiveException("RingAllReduce rank " + rank + ": " + op + " refused: " + broken);
        if (data == null) throw fail(op, new IOException("null array"));
        return op;
    }

    /**
     * Checks that every rank makes the same call: rank 0's call and the first rank whose call differs travel
     * 0 → … → N−1, then the verdict travels N−1 → 0 → … → N−2. Header: call number, op, length, root, then the
     * first differing rank (−1 if none) and its call number, op, length, root.
     */
    private void agree(String op, int code, int length, int root) throws IOException {
        boolean invalidRoot = code == BROADCAST && (root < 0 || root >= size);
        int[] h = rank == 0 ? new int[] {calls, code, length, root, -1, 0, 0, 0, 0} : readHeader(op);
        if (h[4] < 0 && (invalidRoot || h[0] != calls || h[1] != code || h[2] != length || h[3] != root)) {
            h[4] = rank;
            h[5] = calls;
            h[6] = code;
            h[7] = length;
            h[8] = root;
        }
        if (rank != size - 1) writeHeader(h, op);
        int[] verdict;
        if (rank == size - 1) {
            verdict = h;
            writeHeader(verdict, op);
        } else {
            verdict = readHeader(op);
            if (rank != size - 2) writeHeader(verdict, op);
        }
        int bad = verdict[4];
        if (bad < 0) return;
        String theirs = describe(verdict[6], verdict[7], verdict[8]);
        boolean theirRootInvalid = verdict[6] == BROADCAST && (verdict[8] < 0 || verdict[8] >= size);
        String notARank = ", which is not a rank of 0.." + (size - 1);
        throw new DisagreementException(bad == 0 ? "rank 0 called " + theirs + notARank
                : "ranks disagree: rank 0 called " + describe(verdict[1], verdict[2], verdict[3]) + " as its call " + verdict[0]
                + ", rank " + bad + " called " + theirs + " as its call " + verdict[5] + (theirRootInvalid ? notARank : ""));
    }

    private static String describe(int code, int length, int root) {
        return (code == SUM ? "sumInPlace" : "broadcast") + " on " + length + " floats" + (code == BROADCAST ? " from root " + root : "");
    }

    /** Thrown by {@link #agree}; becomes a CollectiveException with the message as it is. */
    private static final class DisagreementException extends IOException {
        DisagreementException(String message) { super(message); }
    }

    private int[] readHeader(String op) throws IOException {
        header.clear();
        prev.read(header, "during " + op);
        header.flip();
        int[] h = new int[HEADER_INTS];
        for (int i = 0; i < HEADER_INTS; i++) h[i] = header.getInt();
        return h;
    }

    private void writeHeader(int[] h, String op) throws IOException {
        header.clear();
        for (int v : h) header.putInt(v);
        header.flip();
        next.write(header, "during " + op);
        bytesSent += 4L * HEADER_INTS;
    }

    private void send(float[] data, int off, int len, String op) throws IOException {
        sendFloats.clear();
        sendFloats.put(data, off, len);
        sendBuf.clear().limit(4 * len);
        next.write(sendBuf, "during " + op);
        bytesSent += 4L * len;
        payloadBytesSent += 4L * len;
    }

    /** Reads {@code len} floats into {@link #recvFloats}, positioned at 0. */
    private void receive(int len, String op) throws IOException {
        recvBuf.clear().limit(4 * len);
        prev.read(recvBuf, "during " + op);
        recvFloats.clear();
    }

    private CollectiveException fail(String op, IOException e) {
        String why = e instanceof DisagreementException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        broken = op + " failed: " + why;
        RingSetup.closeQuietly(next);
        RingSetup.closeQuietly(prev);
        return new CollectiveException("RingAllReduce rank " + rank + " of " + size + ": " + broken, e);
    }
}
