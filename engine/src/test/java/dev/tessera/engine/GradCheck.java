package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;

/**
 * The shared finite-difference gradient checks.
 * <ul>
 *   <li>{@link #check(String, Function, Function, Tensor...)} — per op: the numeric gradient comes from the op's
 *       double-precision twin ({@link Ref64}) differentiated in double; the engine's analytic fp32 gradient must
 *       match it tightly, and the engine's forward must match the twin.</li>
 *   <li>{@link #check(String, Function, Tensor...)} — for composites (whole blocks) with no twin: differences of
 *       the fp32 forward itself, with the loss accumulated in double, h = 1e-2 (fp32 round-off ~1e-6 stays two
 *       orders below the 5e-3 + 2e-2·|g| tolerance; an indexing or formula bug gives O(1) errors).</li>
 * </ul>
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

    /**
     * The double-precision check: {@code ref} is the op's double twin ({@link Ref64}). Checks that the fp32 forward
     * matches it, then differentiates the twin numerically in double (central differences, h = 1e-6) and compares
     * with the engine's analytic fp32 gradient of L = Σ f(x)·R at a tight tolerance (1e-4 abs + 2e-3 rel).
     */
    static void check(String name, Function<Tensor[], Tensor> f, Function<Ref64.T[], Ref64.T> ref, Tensor... inputs) {
        for (Tensor t : inputs) {
            t.requiresGrad(true);
            t.zeroGrad();
        }
        Tensor out = f.apply(inputs);
        Ref64.T[] din = new Ref64.T[inputs.length];
        for (int i = 0; i < din.length; i++) din[i] = Ref64.of(inputs[i]);
        Ref64.T want = ref.apply(din);
        if (!java.util.Arrays.equals(want.shape(), out.shape()))
            fail(name + ": shape " + java.util.Arrays.toString(out.shape()) + " vs double twin " + java.util.Arrays.toString(want.shape()));
        float[] od = out.data();
        for (int i = 0; i < od.length; i++)
            if (Math.abs(od[i] - want.v()[i]) > 1e-4 * (1 + Math.abs(want.v()[i])))
                fail(name + ": forward element " + i + " is " + od[i] + ", double twin says " + want.v()[i]);
        Tensor r = Tensor.randn(new Rng(99), out.shape());
        out.mul(r).sum().backward();
        float[] rd = r.data();
        Rng pick = new Rng(7);
        for (int k = 0; k < inputs.length; k++) {
            float[] analytic = inputs[k].grad() == null ? new float[inputs[k].numel()] : inputs[k].grad().data();
            double[] x = din[k].v();
            int n = x.length, probes = Math.min(n, 32);
            for (int p = 0; p < probes; p++) {
                int i = n <= 32 ? p : pick.nextInt(n);
                double orig = x[i], h = 1e-6 * Math.max(1, Math.abs(orig));
                x[i] = orig + h;
                double lp = probe(ref, din, rd);
                x[i] = orig - h;
                double lm = probe(ref, din, rd);
                x[i] = orig;
                double num = (lp - lm) / (2 * h), a = analytic[i];
                if (Math.abs(a - num) > 1e-4 + 2e-3 * Math.abs(num))
                    fail(name + ": input " + k + " element " + i + ": analytic (fp32) " + a + " vs numeric (double) " + num);
            }
        }
    }

    private static double probe(Function<Ref64.T[], Ref64.T> ref, Ref64.T[] in, float[] r) {
        double[] o = ref.apply(in).v();
        double acc = 0;
        for (int i = 0; i < o.length; i++) acc += o[i] * r[i];
        return acc;
    }

    /** Max |a-b| / (1 + |b|) over two arrays of equal length. */
    static double maxRelErr(float[] a, float[] b) {
        if (a.length != b.length) throw new AssertionError("lengths " + a.length + " vs " + b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
        return m;
    }
}
