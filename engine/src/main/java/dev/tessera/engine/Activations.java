package dev.tessera.engine;

import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API forward and backward of SiLU, GELU, exp and sigmoid, split over the thread pool for large tensors.
 *
 * <p>Bit-exact by construction: the exponential is our own ({@link #exp}: add, multiply, fma, bit shifts), not the
 * Vector API's {@code EXP} lanes, which call an SVML stub when compiled but {@code Math.exp} when interpreted and
 * so change in the last bit with JIT warm-up. Tails use masked vectors, so every element goes through the same
 * arithmetic wherever the chunk boundaries fall: results do not depend on the thread count or on warm-up. The
 * scalar loops in {@link Pointwise} (Math.exp, Math.tanh) are the reference twins, used when
 * {@link Kernels#reference()} is on.
 */
final class Activations {
    private Activations() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int PARALLEL_MIN = 1 << 15;

    static boolean supports(int op) {
        return op == Pointwise.SILU || op == Pointwise.GELU || op == Pointwise.EXP || op == Pointwise.SIGMOID;
    }

    static void forward(int op, float[] x, float[] y) {
        if (Kernels.reference() || !supports(op)) {
            for (int i = 0; i < x.length; i++) y[i] = Pointwise.forward(op, x[i]);
            return;
        }
        split(x.length, (s, e) -> forwardRange(op, x, y, s, e));
    }

    /** dx = g · f'(x), given y = f(x). */
    static void backward(int op, float[] x, float[] y, float[] g, float[] dx) {
        if (Kernels.reference() || !supports(op)) {
            for (int i = 0; i < x.length; i++) dx[i] = g[i] * Pointwise.derivative(op, x[i], y[i]);
            return;
        }
        split(x.length, (s, e) -> backwardRange(op, x, y, g, dx, s, e));
    }

    private interface Range {
        void run(int start, int end);
    }

    private static void split(int n, Range r) {
        if (n < PARALLEL_MIN) r.run(0, n);
        else Parallel.forRange(n, (c, s, e) -> r.run(s, e));
    }

    private static final float LOG2E = 1.4426950408889634f, LN2_HI = 0.693145751953125f, LN2_LO = 1.428606765330187e-06f;
    /** 1.5·2²³: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
    private static final float MAGIC = 12582912f;

    /**
     * e^x lane-wise (Cody–Waite): n = round(x·log2 e), r = x - n·ln 2 in two parts (|r| ≤ ln2/2), e^r by its
     * degree-7 Taylor polynomial (truncation < 5e-9), times 2^n built in the exponent bits. About 1 ulp over the
     * range; below -87.3 the result is 0, above 88.3 it saturates at ~2.4e38.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.3f).min(88.3f);
        FloatVector y = xc.mul(LOG2E).add(MAGIC);
        FloatVector n = y.sub(MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.mul(1f / 5040).add(1f / 720);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = y.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector e = p.mul(bits.reinterpretAsFloats());
        return e.blend(0f, x.compare(VectorOperators.LT, -87.3f));
    }

    private static final float C = Pointwise.SQRT_2_OVER_PI, K = 0.044715f;

    private static FloatVector one() { return FloatVector.broadcast(S, 1f); }

    /** 1 / (1 + e^-v). */
    private static FloatVector sigmoid(FloatVector v) { return one().div(exp(v.neg()).add(1f)); }

    /** tanh(u) = 1 - 2/(e^{2u} + 1): absolute error ~1e-7, which is what GELU's 0.5·x·(1 + tanh) needs. */
    private static FloatVector tanh(FloatVector u) { return one().sub(FloatVector.broadcast(S, 2f).div(exp(u.mul(2f)).add(1f))); }

    private static FloatVector fwd(int op, FloatVector v) {
        return switch (op) {
            case Pointwise.SILU -> v.mul(sigmoid(v));
            case Pointwise.GELU -> tanh(v.mul(v).mul(K).add(1f).mul(v).mul(C)).add(1f).mul(v).mul(0.5f);
            case Pointwise.EXP -> exp(v);
            default -> sigmoid(v);
        };
    }

    private static FloatVector deriv(int op, FloatVector v, FloatVector yv) {
        return switch (op) {
            case Pointwise.SILU -> {
                FloatVector s = sigmoid(v);
                yield one().sub(s).mul(v).add(1f).mul(s); // s·(1 + x·(1-s))
            }
            case Pointwise.GELU -> {
                // ½(1+t) + ½x·sech²(u)·du with t = tanh(u); sech²(u) = 4E/(E+1)² with E = e^{2u}, which stays
                // accurate in the tails where 1 - t² would cancel
                FloatVector x2 = v.mul(v);
                FloatVector e = exp(x2.mul(K).add(1f).mul(v).mul(2f * C));
                FloatVector e1 = e.add(1f);
                FloatVector t = one().sub(FloatVector.broadcast(S, 2f).div(e1));
                FloatVector sech2 = FloatVector.broadcast(S, 4f).div(e1).mul(e.div(e1)); // no overflow for large E
                FloatVector du = x2.mul(3f * K).add(1f).mul(C);
                yield t.add(1f).mul(0.5f).add(sech2.mul(v).mul(du).mul(0.5f));
            }
            case Pointwise.EXP -> yv;
            default -> one().sub(yv).mul(yv);
        };
    }

    // Full vectors unmasked, the tail masked: the same lane arithmetic either way, so the bits do not depend on
    // where a chunk ends.
    private static void forwardRange(int op, float[] x, float[] y, int start, int end) {
        int i = start;
        for (int bound = start + S.loopBound(end - start); i < bound; i += S.length())
            fwd(op, FloatVector.fromArray(S, x, i)).intoArray(y, i);
        if (i < end) {
            VectorMask<Float> m = S.indexInRange(i, end);
            fwd(op, FloatVector.fromArray(S, x, i, m)).intoArray(y, i, m);
        }
    }

    private static void backwardRange(int op, float[] x, float[] y, float[] g, float[] dx, int start, int end) {
        int i = start;
        for (int bound = start + S.loopBound(end - start); i < bound; i += S.length())
            FloatVector.fromArray(S, g, i).mul(deriv(op, FloatVector.fromArray(S, x, i), FloatVector.fromArray(S, y, i))).intoArray(dx, i);
        if (i < end) {
            VectorMask<Float> m = S.indexInRange(i, end);
            FloatVector v = FloatVector.fromArray(S, x, i, m), yv = FloatVector.fromArray(S, y, i, m);
            FloatVector.fromArray(S, g, i, m).mul(deriv(op, v, yv)).intoArray(dx, i, m);
        }
    }
}
