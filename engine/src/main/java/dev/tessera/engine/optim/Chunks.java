package dev.tessera.engine.optim;

import dev.tessera.engine.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * How the optimizer loops (AdamW, EMA, gradient clipping) split a parameter over the thread pool: static chunks of
 * {@link #SIZE} elements whose bounds depend only on the length, so per-chunk partial results (the clip norm) are the
 * same for any thread count; tensors below two chunks stay on the calling thread.
 */
final class Chunks {
    private Chunks() {}

    static final int SIZE = 1 << 15;
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    @FunctionalInterface
    interface Range { void run(int i0, int i1); }

    /** Runs body over [0, n) in chunks of SIZE on the pool (inline when n is small). */
    static void run(int n, Range body) {
        if (n < 2 * SIZE) {
            body.run(0, n);
            return;
        }
        Parallel.forRange((n + SIZE - 1) / SIZE, (ch, c0, c1) -> body.run(c0 * SIZE, Math.min(n, c1 * SIZE)));
    }
}
