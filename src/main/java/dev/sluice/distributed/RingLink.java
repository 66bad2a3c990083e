package dev.sluice.distributed;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One direction of the ring: a non-blocking socket with its own selector, so that both reading and writing give up
 * after {@code timeoutMillis} without progress (a blocking socket's write has no timeout: a peer that stops reading
 * would hang the writer for ever).
 */
final class RingLink implements Closeable {
    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final String peer;
    private final long timeoutMillis;

    RingLink(SocketChannel channel, String peer, long timeoutMillis) throws IOException {
        this.channel = channel;
        this.peer = peer;
        this.timeoutMillis = timeoutMillis;
        channel.configureBlocking(false);
        channel.socket().setTcpNoDelay(true);   // headers are small; Nagle would hold them back
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
    }

    /** Writes all of {@code buf} (position to limit). */
    void write(ByteBuffer buf, String during) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.write(buf);
            if (n == 0) await(SelectionKey.OP_WRITE, "could not send to " + peer + " for " + timeoutMillis + " ms " + during
                    + " (it stopped reading)", during);
        }
    }

    /** Fills {@code buf} from position to limit. */
    void read(ByteBuffer buf, String during) throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf);
            if (n < 0) throw new EOFException(peer + " closed the connection " + during);
            if (n == 0) await(SelectionKey.OP_READ, "no data from " + peer + " for " + timeoutMillis + " ms " + during, during);
        }
    }

    private void await(int op, String timeoutMessage, String during) throws IOException {
        key.interestOps(op);
        if (selector.select(timeoutMillis) == 0) {
            if (Thread.interrupted()) throw new InterruptedIOException("interrupted waiting on " + peer + " " + during);
            throw new SocketTimeoutException(timeoutMessage);
        }
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
