package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FMA peak probe: independent Vector API FMA chains with no memory traffic, the ceiling that the SGEMM and
 * attention efficiencies are quoted against. Twelve chains cover the FMA latency (4 cycles) × two FMA ports.
 */
public final class FmaPeak {
    private FmaPeak() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** Runs {@code iterations} rounds of 12 FMAs on each of {@code threads} threads; returns GFLOP/s (2 per lane). */
    public static double gflops(int threads, long iterations) {
        int old = Parallel.threads();
        Parallel.setThreads(Math.max(1, threads));
        try {
            float[] sink = new float[threads];
            long t0 = System.nanoTime();
            Parallel.forRange(threads, (ch, s, e) -> {
                for (int i = s; i < e; i++) sink[i] = chains(iterations);
            });
            long ns = System.nanoTime() - t0;
            double flops = flops(iterations) * threads;
            if (Float.isNaN(sink[0])) throw new IllegalStateException("probe diverged");
            return flops / ns;
        } finally {
            Parallel.setThreads(old);
        }
    }

    /** Floating-point operations one thread performs in {@code iterations} rounds. */
    public static double flops(long iterations) {
        return 2.0 * S.length() * 12 * iterations;
    }

    private static float chains(long iterations) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), ad = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(m, ad); a1 = a1.fma(m, ad); a2 = a2.fma(m, ad); a3 = a3.fma(m, ad);
            a4 = a4.fma(m, ad); a5 = a5.fma(m, ad); a6 = a6.fma(m, ad); a7 = a7.fma(m, ad);
            a8 = a8.fma(m, ad); a9 = a9.fma(m, ad); a10 = a10.fma(m, ad); a11 = a11.fma(m, ad);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
