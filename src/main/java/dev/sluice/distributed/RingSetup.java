package dev.sluice.distributed;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Builds one rank's two ring links: it dials its successor, then accepts its predecessor on the listening channel.
 * Every rank dials before it accepts, and a listening socket queues a connection before it is accepted, so the ranks
 * can start in any order. Each dial opens with a hello (magic, protocol, rank, world size) that the acceptor checks
 * and answers, so two ranks with different address lists fail on both sides instead of training on a wrong ring.
 */
final class RingSetup {
    static final int MAGIC = 0x534c5249;   // "SLRI"
    static final int PROTOCOL = 1;
    private static final int OK = 0, WRONG_RANK = 1, WRONG_SIZE = 2;

    record Links(RingLink next, RingLink prev) {}

    private RingSetup() {}

    static Links connect(int rank, List<InetSocketAddress> addresses, ServerSocketChannel listening, long timeoutMillis)
            throws IOException {
        int size = addresses.size();
        int succ = (rank + 1) % size, pred = (rank - 1 + size) % size;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        SocketChannel out = dial(rank, succ, addresses.get(succ), deadline);
        RingLink next = null, prev = null;
        try {
            next = new RingLink(out, "rank " + succ + " at " + addresses.get(succ), timeoutMillis);
            next.write(ints(MAGIC, PROTOCOL, rank, size), "sending the hello");
            prev = accept(rank, pred, size, listening, deadline, timeoutMillis, addresses.get(pred));
            ByteBuffer ack = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            next.read(ack, "waiting for its answer to the hello");
            int code = ack.flip().getInt();
            if (code != OK) {
                throw new IOException("rank " + succ + " refused this rank's connection: "
                        + (code == WRONG_SIZE ? "it is in a ring of another size than " + size : "it expected another rank than " + rank
                        + " as its predecessor") + " (the ranks were given different address lists)");
            }
            return new Links(next, prev);
        } catch (IOException | RuntimeException e) {
            closeQuietly(next);
            closeQuietly(prev);
            out.close();
            throw e;
        }
    }

    /** Connects to the successor, retrying while it is not listening yet (refused) until the deadline. */
    private static SocketChannel dial(int rank, int succ, InetSocketAddress to, long deadline) throws IOException {
        IOException last = null;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                throw new SocketTimeoutException("rank " + rank + " could not connect to rank " + succ + " at " + to
                        + " before the timeout" + (last == null ? "" : ": " + last.getMessage()));
            }
            SocketChannel ch = SocketChannel.open();
            try {
                ch.socket().connect(to, (int) Math.min(Integer.MAX_VALUE, left));
                return ch;
            } catch (ConnectException e) {
                ch.close();
                last = e;
                sleep(20);
            } catch (IOException e) {
                ch.close();
                if (e instanceof SocketTimeoutException) last = e;
                else throw e;
            }
        }
    }

    /** Accepts until the predecessor's hello arrives; connections without the magic (strays) are dropped. */
    private static RingLink accept(int rank, int pred, int size, ServerSocketChannel listening, long deadline,
                                   long timeoutMillis, InetSocketAddress predAddress) throws IOException {
        listening.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            listening.register(sel, SelectionKey.OP_ACCEPT);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0 || sel.select(Math.max(1, left)) == 0 && System.nanoTime() >= deadline) {
                    throw new SocketTimeoutException("rank " + rank + " waited " + timeoutMillis + " ms for its predecessor rank "
                            + pred + " (" + predAddress + ") to connect");
                }
                sel.selectedKeys().clear();
                SocketChannel in = listening.accept();
                if (in == null) continue;
                RingLink link = new RingLink(in, "rank " + pred + " at " + predAddress, timeoutMillis);
                ByteBuffer hello = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
                try {
                    link.read(hello, "sending its hello");
                } catch (IOException stray) {
                    link.close();
                    continue;
                }
                hello.flip();
                if (hello.getInt() != MAGIC || hello.getInt() != PROTOCOL) {
                    link.close();
                    continue;
                }
                int from = hello.getInt(), theirSize = hello.getInt();
                int code = theirSize != size ? WRONG_SIZE : from != pred ? WRONG_RANK : OK;
                link.write(ints(code), "answering the hello");
                if (code != OK) {
                    link.close();
                    throw new IOException("rank " + rank + " of " + size + " expected its predecessor rank " + pred
                            + " to connect, but rank " + from + " of a " + theirSize + "-rank ring did (the ranks were given different address lists)");
                }
                return link;
            }
        }
    }

    static ByteBuffer ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) b.putInt(v);
        return b.flip();
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing: the first error is the one to report
        }
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while connecting the ring");
        }
    }
}
