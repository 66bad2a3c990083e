package dev.sluice.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class RingAllReduceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * The ring gives the bits of the in-process reference (a rank-order sum) on every rank, with arrays shorter than
     * the ring, not a multiple of the piece size, and spanning many pieces.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void sumIsBitIdenticalToLocalAllReduce(int n) throws IOException {
        SplittableRandom rng = new SplittableRandom(10 + n);
        int[] lengths = {0, 1, n - 1, 7, 100, 1003};
        float[][][] inputs = new float[lengths.length][n][];
        for (int k = 0; k < lengths.length; k++) for (int r = 0; r < n; r++) inputs[k][r] = Ranks.spread(rng, lengths[k]);
        List<LocalAllReduce> local = LocalAllReduce.create(n);
        List<float[][]> expected = Ranks.values(n, r -> sumAll(local.get(r), inputs, r));
        List<RingAllReduce> ring = RingAllReduce.loopback(n, TIMEOUT, 7);         // 7-float pieces: many of them
        try {
            List<float[][]> actual = Ranks.values(n, r -> sumAll(ring.get(r), inputs, r));
            for (int r = 0; r < n; r++) {
                for (int k = 0; k < lengths.length; k++) {
                    assertArrayEquals(expected.get(r)[k], actual.get(r)[k], "rank " + r + ", length " + lengths[k]);
                    assertArrayEquals(Ranks.rankOrderSum(inputs[k]), actual.get(r)[k], "rank-order sum, length " + lengths[k]);
                }
            }
        } finally {
            ring.forEach(RingAllReduce::close);
        }
    }

    private static float[][] sumAll(AllReduce comm, float[][][] inputs, int rank) {
        float[][] out = new float[inputs.length][];
        for (int k = 0; k < inputs.length; k++) {
            out[k] = inputs[k][rank].clone();
            comm.sumInPlace(out[k]);
        }
        return out;
    }

    /** Bytes per rank are as documented, and their mean is the ring's theoretical 2(N−1)/N · 4 · length. */
    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4})
    void bytesSentMatchTheTheory(int n) throws IOException {
        int length = 10_000;
        List<RingAllReduce> ring = RingAllReduce.loopback(n, TIMEOUT, 1000);
        try {
            Ranks.values(n, r -> {
                ring.get(r).sumInPlace(new float[length]);
                return null;
            });
            long total = 0;
            for (int r = 0; r < n; r++) {
                RingAllReduce c = ring.get(r);
                assertEquals(RingAllReduce.expectedPayloadBytes(r, n, length), c.payloadBytesSent(), "rank " + r);
                assertTrue(c.bytesSent() - c.payloadBytesSent() <= 72, "headers: at most two of 36 bytes, got "
                        + (c.bytesSent() - c.payloadBytesSent()));
                total += c.payloadBytesSent();
            }
            assertEquals(2.0 * (n - 1) / n * length * 4, (double) total / n, 1e-9);
        } finally {
            ring.forEach(RingAllReduce::close);
        }
    }

    @Test
    void broadcastFromEveryRoot() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(3, TIMEOUT, 4);
        try {
            List<float[][]> out = Ranks.values(3, r -> {
                float[][] got = new float[3][];
                for (int root = 0; root < 3; root++) {
                    got[root] = new float[] {r, r + 0.5f, 10 * r, -r, r, r, r, r, r, 7};
                    ring.get(r).broadcast(got[root], root);
                }
                return got;
            });
            for (int r = 0; r < 3; r++) {
                for (int root = 0; root < 3; root++) {
                    assertArrayEquals(new float[] {root, root + 0.5f, 10 * root, -root, root, root, root, root, root, 7}, out.get(r)[root]);
                }
            }
        } finally {
            ring.forEach(RingAllReduce::close);
        }
    }

    @Test
    void lengthMismatchFailsOnEveryRankBeforeDataMoves() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(4, TIMEOUT);
        var outcomes = Ranks.run(4, r -> {
            ring.get(r).sumInPlace(new float[r == 2 ? 9 : 8]);
            return null;
        });
        for (var o : outcomes) {
            assertInstanceOf(CollectiveException.class, o.error());
            assertTrue(o.error().getMessage().contains("rank 0 called sumInPlace on 8 floats as its call 1, rank 2 called sumInPlace on 9 floats"),
                    o.error().getMessage());
        }
        assertEquals(0, ring.get(0).payloadBytesSent(), "no data moved");
        assertThrows(CollectiveException.class, () -> ring.get(1).sumInPlace(new float[8]), "a failed ring stays failed");
        ring.forEach(RingAllReduce::close);
    }

    @Test
    void differentOperationsOrRootsAreRefused() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(2, TIMEOUT);
        var outcomes = Ranks.run(2, r -> {
            if (r == 0) ring.get(r).broadcast(new float[3], 0);
            else ring.get(r).sumInPlace(new float[3]);
            return null;
        });
        for (var o : outcomes) {
            assertTrue(o.error().getMessage().contains("rank 0 called broadcast on 3 floats from root 0 as its call 1, rank 1 called sumInPlace on 3 floats"),
                    o.error().getMessage());
        }
        ring.forEach(RingAllReduce::close);
    }

    /** A rank that dies (its sockets close) mid-operation fails the others at once, long before the timeout. */
    @Test
    void aPeerThatDiesFailsTheOthersNotAHang() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(4, Duration.ofSeconds(30), 1000);
        long start = System.nanoTime();
        var outcomes = Ranks.run(4, r -> {
            if (r == 2) {
                Thread.sleep(200);
                ring.get(2).close();                      // as if its process were killed
                return null;
            }
            ring.get(r).sumInPlace(new float[1_000_000]);
            return null;
        });
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "failed fast, not after the 30 s timeout");
        for (int r : new int[] {0, 1, 3}) {
            assertInstanceOf(CollectiveException.class, outcomes.get(r).error(), "rank " + r);
            assertTrue(outcomes.get(r).error().getMessage().startsWith("RingAllReduce rank " + r + " of 4: sumInPlace (call 1) failed"),
                    outcomes.get(r).error().getMessage());
        }
    }

    /** A peer that is alive but never calls fails its neighbours after the timeout, and they fail the rest. */
    @Test
    void aPeerThatHangsTimesOut() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(3, Duration.ofMillis(400));
        var outcomes = Ranks.run(3, r -> {
            if (r == 1) {
                Thread.sleep(1200);
                return null;
            }
            ring.get(r).sumInPlace(new float[100]);
            return null;
        });
        for (int r : new int[] {0, 2}) assertInstanceOf(CollectiveException.class, outcomes.get(r).error(), "rank " + r);
        assertTrue(outcomes.get(2).error().getMessage().contains("no data from rank 1"), outcomes.get(2).error().getMessage());
        ring.forEach(RingAllReduce::close);
    }

    /** Ranks given different address lists refuse each other when connecting, on both sides. */
    @Test
    void differentWorldSizesAreRefusedWhenConnecting() throws IOException {
        List<ServerSocketChannel> servers = new ArrayList<>();
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            servers.add(ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            addresses.add((InetSocketAddress) servers.get(r).getLocalAddress());
        }
        // rank 0 is told of a 2-rank ring; rank 1 of a 3-rank ring whose rank 2 listens where rank 0 does
        List<InetSocketAddress> three = List.of(addresses.get(0), addresses.get(1), addresses.get(0));
        var outcomes = Ranks.run(2, r -> RingAllReduce.connect(r, r == 0 ? addresses : three, servers.get(r), Duration.ofSeconds(5)));
        for (var o : outcomes) if (o.value() != null) o.value().close();
        Throwable atZero = outcomes.get(0).error(), atOne = outcomes.get(1).error();
        assertNotNull(atZero, "rank 0 refused rank 1");
        assertTrue(atZero.getMessage().contains("rank 0 of 2 expected its predecessor rank 1 to connect, but rank 1 of a 3-rank ring did"),
                atZero.getMessage());
        assertNotNull(atOne, "rank 1 refused rank 0");
        assertTrue(atOne.getMessage().contains("rank 0 of a 2-rank ring did"), atOne.getMessage());
    }

    @Test
    void aRingOfOneIsTheIdentity() throws IOException {
        List<RingAllReduce> ring = RingAllReduce.loopback(1, TIMEOUT);
        float[] a = {1, 2, 3};
        ring.get(0).sumInPlace(a);
        ring.get(0).broadcast(a, 0);
        assertArrayEquals(new float[] {1, 2, 3}, a);
        assertThrows(CollectiveException.class, () -> ring.get(0).broadcast(a, 1));
    }
}
