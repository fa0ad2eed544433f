package dev.tessera.engine.kernels;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;

/** Shared helpers for the kernel parity tests: seeded random arrays and a relative-error comparison. */
final class KernelTestSupport {
    private KernelTestSupport() {}

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    /** Runs {@code body} with the reference switch set to {@code on}, restoring it afterwards. */
    static void withReference(boolean on, Runnable body) {
        boolean old = Kernels.setReference(on);
        try {
            body.run();
        } finally {
            Kernels.setReference(old);
        }
    }

    static void withThreads(int n, Runnable body) {
        int old = Parallel.threads();
        Parallel.setThreads(n);
        try {
            body.run();
        } finally {
            Parallel.setThreads(old);
        }
    }

    /**
     * Asserts |got - want| <= tol * (scale + |want|) elementwise, where scale is the max |want| (so tiny entries of a
     * large result are judged on the result's scale, as float sums must be).
     */
    static void assertClose(String what, float[] want, float[] got, double tol) {
        if (want.length != got.length) fail(what + ": length " + got.length + " != " + want.length);
        double scale = 0;
        for (float w : want) if (Float.isFinite(w)) scale = Math.max(scale, Math.abs(w));
        for (int i = 0; i < want.length; i++) {
            float w = want[i], g = got[i];
            if (Float.isNaN(w) || Float.isNaN(g) || Float.isInfinite(w) || Float.isInfinite(g)) {
                if (Float.compare(w, g) != 0) fail(what + ": element " + i + " is " + g + ", want " + w);
                continue;
            }
            if (Math.abs(w - g) > tol * (scale + Math.abs(w)))
                fail(what + ": element " + i + " is " + g + ", want " + w + " (scale " + scale + ")");
        }
    }
}
