package dev.tessera.train;

import dev.tessera.engine.kernels.FmaPeak;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machine's measured fp32 FMA peak — the denominator of MFU — from the kernels' {@link FmaPeak} probe
 * (independent Vector API FMA chains, no memory traffic): best of three runs after a warm-up, once per process and
 * thread count (about 0.3 s). Call it before background threads start computing: the probe owns the cores meanwhile.
 */
public final class PeakFlops {
    private static final ConcurrentHashMap<Integer, Double> CACHE = new ConcurrentHashMap<>();

    private PeakFlops() {}

    /** GFLOP/s on {@code threads} threads. */
    public static double gflops(int threads) {
        return CACHE.computeIfAbsent(threads, t -> {
            FmaPeak.gflops(t, 200_000); // JIT warm-up
            double best = 0;
            for (int r = 0; r < 3; r++) best = Math.max(best, FmaPeak.gflops(t, 2_000_000));
            return best;
        });
    }
}
