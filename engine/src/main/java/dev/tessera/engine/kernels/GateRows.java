package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vectorised rows of the gated residual {@code out = x + gate·y} (DiT's adaLN-Zero gates: one gate row per sample,
 * shared by all its tokens): the fast path of {@code Pointwise.gatedAdd}, whose plain loops are the reference twin.
 * Each method is small on purpose (Vector API calls past C2's inlining budget run on boxed vectors).
 */
public final class GateRows {
    private GateRows() {}

    private static final VectorSpecies<Float> S = SgemmVector.S;
    private static final int L = S.length();

    /** out[o + i] = x[o + i] + gate[go + i]·y[o + i], i < n. */
    public static void forward(float[] x, float[] y, float[] gate, int go, int o, int n, float[] out) {
        int i = 0;
        for (; i <= n - L; i += L)
            FloatVector.fromArray(S, y, o + i).fma(FloatVector.fromArray(S, gate, go + i), FloatVector.fromArray(S, x, o + i)).intoArray(out, o + i);
        for (; i < n; i++) out[o + i] = Math.fma(y[o + i], gate[go + i], x[o + i]);
    }

    /** dy[o + i] = g·gate (when dy is not null); dgate[go + i] += g·y (when dgate is not null). */
    public static void backward(float[] g, float[] y, float[] gate, int go, int o, int n, float[] dy, float[] dgate) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector gv = FloatVector.fromArray(S, g, o + i);
            if (dy != null) gv.mul(FloatVector.fromArray(S, gate, go + i)).intoArray(dy, o + i);
            if (dgate != null) gv.fma(FloatVector.fromArray(S, y, o + i), FloatVector.fromArray(S, dgate, go + i)).intoArray(dgate, go + i);
        }
        for (; i < n; i++) {
            if (dy != null) dy[o + i] = g[o + i] * gate[go + i];
            if (dgate != null) dgate[go + i] = Math.fma(g[o + i], y[o + i], dgate[go + i]);
        }
    }
}
