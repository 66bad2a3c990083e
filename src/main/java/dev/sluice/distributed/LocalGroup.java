package dev.sluice.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared side of {@link LocalAllReduce}: a barrier that knows which rank is missing, checks that every rank made
 * the same call, and breaks for all ranks at once when one times out, is interrupted or closes. Once broken it stays
 * broken, so no rank can wait for a partner that has given up.
 *
 * <p>Not {@link java.util.concurrent.CyclicBarrier}: its waiters learn only that the barrier broke, not why, and the
 * rank that timed out sets the reason after the others have already woken.
 */
final class LocalGroup {
    /** One rank's call, deposited before the first barrier of an operation. */
    record Call(String op, float[] data, int root) {}

    final int size;
    private final long timeoutNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition advanced = lock.newCondition();
    private final Call[] calls;
    private final boolean[] arrived, closed;
    private int arrivedCount;
    private long generation;
    private String failure;       // set once; every later or waiting call throws it
    private float[] result = new float[0];

    LocalGroup(int size, long timeoutNanos) {
        this.size = size;
        this.timeoutNanos = timeoutNanos;
        this.calls = new Call[size];
        this.arrived = new boolean[size];
        this.closed = new boolean[size];
    }

    /** Deposits this rank's call, waits for all ranks, and checks that all made the same call. */
    Call[] enter(int rank, Call call) {
        lock.lock();
        try {
            calls[rank] = call;
            await(rank, call.op(), true);
            return calls.clone();
        } finally {
            lock.unlock();
        }
    }

    /** The second barrier of an operation: everyone has read what the others deposited. */
    void leave(int rank, String op) {
        lock.lock();
        try {
            await(rank, op, false);
        } finally {
            lock.unlock();
        }
    }

    /** The shared sum buffer, sized by the first barrier of the current operation. */
    float[] result() { return result; }

    /** This rank's call was invalid: fail it here and at once on every rank, rather than letting the others time out. */
    CollectiveException abort(int rank, String why) {
        lock.lock();
        try {
            fail("rank " + rank + " " + why);
            return new CollectiveException("LocalAllReduce rank " + rank + ": " + failure);
        } finally {
            lock.unlock();
        }
    }

    void close(int rank) {
        lock.lock();
        try {
            closed[rank] = true;
            if (failure == null && arrivedCount > 0) {
                fail("rank " + rank + " closed the collective while ranks " + ranks(arrived, true) + " were waiting in "
                        + waitingOp());
            }
        } finally {
            lock.unlock();
        }
    }

    private String waitingOp() {
        for (int r = 0; r < size; r++) if (arrived[r] && calls[r] != null) return calls[r].op();
        return "an operation";
    }

    /** Must hold the lock. Returns when all ranks have arrived in this generation; throws if the group broke. */
    private void await(int rank, String op, boolean check) {
        if (failure != null) throw new CollectiveException("LocalAllReduce rank " + rank + ": " + op + " refused: " + failure);
        for (int r = 0; r < size; r++) {
            if (closed[r]) {
                fail("rank " + r + " has closed the collective, so rank " + rank + "'s " + op + " can never complete");
                throw new CollectiveException("LocalAllReduce rank " + rank + ": " + failure);
            }
        }
        long gen = generation;
        arrived[rank] = true;
        if (++arrivedCount == size) {
            String mismatch = check ? mismatch() : null;
            java.util.Arrays.fill(arrived, false);
            arrivedCount = 0;
            generation++;
            if (mismatch != null) fail(mismatch);
            else if (check && calls[0].op().equals("sumInPlace") && result.length != calls[0].data().length) {
                result = new float[calls[0].data().length];
            }
            advanced.signalAll();
        } else {
            long left = timeoutNanos;
            try {
                while (gen == generation && failure == null) {
                    if (left <= 0) {
                        fail("rank " + rank + " waited " + seconds(timeoutNanos) + " in " + op + " for ranks "
                                + ranks(arrived, false) + ", which never arrived");
                        break;
                    }
                    left = advanced.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("rank " + rank + " was interrupted while waiting in " + op);
            }
            if (gen == generation) throw new CollectiveException("LocalAllReduce rank " + rank + ": " + failure);
        }
        // the generation completed; a mismatch found by its last arriver fails every rank
        if (failure != null && check) throw new CollectiveException("LocalAllReduce rank " + rank + ": " + failure);
    }

    private void fail(String why) {
        if (failure == null) failure = why;
        advanced.signalAll();
    }

    /** Null if every rank called the same operation on the same length (and root); else which rank differs and how. */
    private String mismatch() {
        Call c0 = calls[0];
        for (int r = 1; r < size; r++) {
            Call c = calls[r];
            if (!c.op().equals(c0.op()) || c.data().length != c0.data().length || c.root() != c0.root()) {
                return "ranks disagree: rank 0 called " + describe(c0) + ", rank " + r + " called " + describe(c);
            }
        }
        return null;
    }

    static String describe(Call c) {
        return c.op() + " on " + c.data().length + " floats" + (c.op().equals("broadcast") ? " from root " + c.root() : "");
    }

    private List<Integer> ranks(boolean[] flags, boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < size; r++) if (flags[r] == value) out.add(r);
        return out;
    }

    private static String seconds(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos) / 1000.0 + " s";
    }
}
