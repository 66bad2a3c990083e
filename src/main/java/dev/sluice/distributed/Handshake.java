package dev.sluice.distributed;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that every rank describes its setup with the same text before work starts, e.g. the library version and the
 * model's parameter names and shapes. Every rank learns every rank's text, so a mismatch fails on all ranks with the
 * same message, naming the ranks and the first line that differs.
 *
 * <p>Built on {@link AllReduce#sumInPlace} alone, so it works over any transport: each rank writes its text's bytes
 * into its own slot of a zero array (one float per byte, exact) and the sum gathers all slots; a sum with zeros is
 * exact whatever the order.
 */
public final class Handshake {
    private Handshake() {}

    /**
     * Gathers every rank's {@code description} and throws on every rank if any differs from rank 0's.
     *
     * @param comm the collective; all ranks must call this together
     * @param what what is being compared, for the message (e.g. "DistributedTrainer setup")
     * @param description this rank's text, at most 16 MiB as UTF-8
     * @throws IllegalStateException on every rank if a description differs, naming each differing rank and its first
     * differing line next to rank 0's
     */
    public static void agree(AllReduce comm, String what, String description) {
        List<String> all = gather(comm, description);
        List<String> problems = new ArrayList<>();
        String ref = all.get(0);
        for (int r = 1; r < all.size(); r++) {
            if (!all.get(r).equals(ref)) problems.add("rank " + r + " " + firstDifference(ref, all.get(r), r));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(what + " differs between ranks, so no rank starts: " + String.join("; ", problems));
        }
    }

    /**
     * Every rank's text, element r being rank r's.
     *
     * @param comm the collective; all ranks must call this together
     * @param text this rank's text
     * @return all ranks' texts
     */
    static List<String> gather(AllReduce comm, String text) {
        byte[] mine = text.getBytes(StandardCharsets.UTF_8);
        if (mine.length > 1 << 24) throw new IllegalArgumentException("Handshake: a description of " + mine.length + " bytes exceeds 16 MiB");
        int n = comm.worldSize(), rank = comm.rank();
        float[] lengths = new float[n];
        lengths[rank] = mine.length;
        comm.sumInPlace(lengths);
        int max = 0;
        for (float l : lengths) max = Math.max(max, (int) l);
        float[] bytes = new float[Math.multiplyExact(n, max)];
        for (int i = 0; i < mine.length; i++) bytes[rank * max + i] = mine[i] & 0xff;
        comm.sumInPlace(bytes);
        List<String> out = new ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            byte[] b = new byte[(int) lengths[r]];
            for (int i = 0; i < b.length; i++) b[i] = (byte) (int) bytes[r * max + i];
            out.add(new String(b, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String firstDifference(String ref, String other, int rank) {
        String[] a = ref.split("\n", -1), b = other.split("\n", -1);
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            String x = i < a.length ? a[i] : "(nothing)", y = i < b.length ? b[i] : "(nothing)";
            if (!x.equals(y)) return "differs at line " + (i + 1) + ": rank 0 has '" + x + "', rank " + rank + " has '" + y + "'";
        }
        return "differs";
    }
}
