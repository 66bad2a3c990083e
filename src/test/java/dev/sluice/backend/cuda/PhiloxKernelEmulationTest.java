package dev.sluice.backend.cuda;

import dev.sluice.backend.Philox;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * native/random.cu transcribed line by line into Java with the kernel's unsigned 32/64-bit arithmetic (explicit
 * masks, unsigned shifts) and its index math (lane i&3 of block offset + (i>>2)), compared with
 * {@link Philox}'s streams that the CPU backend uses: the GPU's numbers for a seed are the CPU's, checked without a GPU.
 */
class PhiloxKernelEmulationTest {
    private static final long MASK = 0xFFFFFFFFL;

    /** sl_philox_block: counter (lo, hi, 0, 0), key (seed lo, seed hi), ten rounds. */
    static long[] kernelBlock(long seed, long counter) {
        long[] c = {counter & MASK, counter >>> 32, 0, 0};
        long k0 = seed & MASK, k1 = seed >>> 32;
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 = (k0 + 0x9E3779B9L) & MASK;
                k1 = (k1 + 0xBB67AE85L) & MASK;
            }
            long p0 = 0xD2511F53L * c[0], p1 = 0xCD9E8D57L * c[2];    // 32x32 -> 64 bit, fits unsigned in a long
            long hi0 = p0 >>> 32, lo0 = p0 & MASK, hi1 = p1 >>> 32, lo1 = p1 & MASK;
            long n0 = hi1 ^ c[1] ^ k0, n2 = hi0 ^ c[3] ^ k1;
            c[0] = n0; c[1] = lo1; c[2] = n2; c[3] = lo0;
        }
        return c;
    }

    static float kernelUniform(long seed, long offset, int i) {
        long[] blk = kernelBlock(seed, offset + (i >>> 2));
        return (blk[i & 3] >>> 8) * 0x1.0p-24f;
    }

    static float kernelNormal(long seed, long offset, int i) {
        long[] blk = kernelBlock(seed, offset + (i >>> 2));
        int lane = i & 3, pair = lane & 2;
        double r = Math.sqrt(-2.0 * Math.log(((double) blk[pair] + 1.0) * 0x1.0p-32));
        double theta = 2.0 * 3.141592653589793 * (double) ((blk[pair + 1] >>> 8) * 0x1.0p-24f);
        return (float) ((lane & 1) == 0 ? r * Math.cos(theta) : r * Math.sin(theta));
    }

    @Test
    void kernelBlockMatchesTheKnownAnswerAndTheCpu() {
        long[] kat = kernelBlock(0, 0);   // Random123 philox4x32_10(ctr 0, key 0)
        assertArrayEquals(new long[] {0x6627e8d5L, 0xe169c58dL, 0xbc57ac4cL, 0x9b00dbd8L}, kat);
        int[] cpu = new int[4];
        for (long seed : new long[] {0, 1, 42, -1, 0x123456789ABCDEFL}) {
            for (long ctr : new long[] {0, 1, 0xFFFFFFFFL, 1L << 32, 987654321987L}) {
                Philox.block(seed, ctr, cpu);
                long[] k = kernelBlock(seed, ctr);
                for (int j = 0; j < 4; j++) assertEquals(cpu[j] & MASK, k[j], "seed " + seed + " ctr " + ctr + " lane " + j);
            }
        }
    }

    @Test
    void kernelStreamsEqualTheCpuStreams() {
        int[] scratch = new int[4];
        for (long seed : new long[] {0, 7, 1234}) {
            long offset = seed * 31;
            for (int i = 0; i < 4099; i++) {
                assertEquals(Philox.uniformFloat(seed, offset, i, scratch), kernelUniform(seed, offset, i), 0, "uniform " + i);
                assertEquals(Philox.normalFloat(seed, offset, i, scratch), kernelNormal(seed, offset, i), 0, "normal " + i);
            }
        }
    }
}
