package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * The shared finite-difference gradient check. The op runs in fp32 (the engine has no fp64 path); the check is
 * done in double: the probe loss L = Σ f(x)·R (R fixed random) is accumulated in double, the step is the exact
 * float difference (x+h) - (x-h), and h = 1e-2 keeps fp32 round-off (~1e-6 relative) two orders below the
 * tolerance while the O(h²) truncation error stays ~1e-4. An indexing or formula bug gives O(1) errors.
 */
final class GradCheck {
    private GradCheck() {}

    static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) { check(name, 1e-2f, 5e-3, 2e-2, f, inputs); }

    static void check(String name, float h, double atol, double rtol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.requiresGrad(true);
            t.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Tensor r = Tensor.randn(new Rng(99), out.shape());
        out.mul(r).sum().backward();
        float[] rd = r.data();
        Rng pick = new Rng(7);
        for (int k = 0; k < inputs.length; k++) {
            Tensor x = inputs[k];
            float[] buf = x.buffer();
            float[] analytic = x.grad() == null ? new float[buf.length] : x.grad().data();
            int n = buf.length;
            int probes = Math.min(n, 24);
            for (int p = 0; p < probes; p++) {
                int i = n <= 24 ? p : pick.nextInt(n);
                float orig = buf[i];
                float xp = orig + h, xm = orig - h;
                buf[i] = xp;
                double lp = probe(f, inputs, rd);
                buf[i] = xm;
                double lm = probe(f, inputs, rd);
                buf[i] = orig;
                double num = (lp - lm) / ((double) xp - (double) xm);
                double a = analytic[i];
                if (Math.abs(a - num) > atol + rtol * Math.max(Math.abs(a), Math.abs(num)))
                    fail(name + ": input " + k + " element " + i + ": analytic " + a + " vs numeric " + num);
            }
        }
    }

    private static double probe(Function<Tensor[], Tensor> f, Tensor[] inputs, float[] r) {
        try (var g = Grad.off()) {
            float[] o = f.apply(inputs).data();
            double acc = 0;
            for (int i = 0; i < o.length; i++) acc += (double) o[i] * r[i];
            return acc;
        }
    }

    /** Max |a-b| / (1 + |b|) over two arrays of equal length. */
    static double maxRelErr(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
        return m;
    }
}
