package dev.tessera.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's measured fp32 FMA peak — the denominator of MFU. Each thread runs independent chains of vector FMAs
 * (enough accumulators to hide the FMA latency) on the widest vector the JVM offers, for a fixed count; the best of
 * three runs is kept. This is what the CPU can do at most through the Vector API, so MFU = achieved / this.
 * Measured once per process (about 0.3 s).
 */
public final class PeakFlops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final ConcurrentHashMap<Integer, Double> CACHE = new ConcurrentHashMap<>();

    private PeakFlops() {}

    /** GFLOP/s (2 per FMA lane) on {@code threads} threads. */
    public static double gflops(int threads) { return CACHE.computeIfAbsent(threads, PeakFlops::measure); }

    private static double measure(int threads) {
        long iters = 4_000_000;
        run(threads, iters / 10); // warm-up (JIT)
        double best = 0;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            run(threads, iters);
            double s = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, threads * iters * 8.0 * S.length() * 2 / s / 1e9);
        }
        return best;
    }

    static volatile float sink;

    private static void run(int threads, long iters) {
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                sink += chains(iters);
                done.countDown();
            });
            th.setDaemon(true);
            ts.add(th);
            th.start();
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static float chains(long iters) {
        FloatVector a = FloatVector.broadcast(S, 0.999f), b = FloatVector.broadcast(S, 1e-3f);
        FloatVector c0 = FloatVector.broadcast(S, 1), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (long i = 0; i < iters; i++) {
            c0 = c0.fma(a, b); c1 = c1.fma(a, b); c2 = c2.fma(a, b); c3 = c3.fma(a, b);
            c4 = c4.fma(a, b); c5 = c5.fma(a, b); c6 = c6.fma(a, b); c7 = c7.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }
}
