package dev.tessera.engine;

import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    // One small loop method per op and direction, each calling only exp(): the JIT inlines that whole call tree,
    // which the Vector API needs to stay intrinsified (a non-inlined helper taking or returning a vector falls back
    // to a boxed, ~50x slower path). The switch on the op sits outside the loops.

    private static void forwardRange(int op, float[] x, float[] y, int start, int end) {
        int L = S.length(), body = S.loopBound(end - start);
        forwardFull(op, x, start, y, start, body);
        if (body < end - start) { // tail: through a padded copy, so it takes exactly the same lane arithmetic
            float[] tx = new float[L], ty = new float[L];
            int n = end - start - body;
            System.arraycopy(x, start + body, tx, 0, n);
            forwardFull(op, tx, 0, ty, 0, L);
            System.arraycopy(ty, 0, y, start + body, n);
        }
    }

    private static void backwardRange(int op, float[] x, float[] y, float[] g, float[] dx, int start, int end) {
        int L = S.length(), body = S.loopBound(end - start);
        backwardFull(op, x, y, g, start, dx, body);
        if (body < end - start) {
            float[] tx = new float[L], ty = new float[L], tg = new float[L], td = new float[L];
            int n = end - start - body, o = start + body;
            System.arraycopy(x, o, tx, 0, n);
            System.arraycopy(y, o, ty, 0, n);
            System.arraycopy(g, o, tg, 0, n);
            backwardFull(op, tx, ty, tg, 0, td, L);
            System.arraycopy(td, 0, dx, o, n);
        }
    }

    /** n a multiple of the vector length. */
    private static void forwardFull(int op, float[] x, int xo, float[] y, int yo, int n) {
        switch (op) {
            case Pointwise.SILU -> siluForward(x, xo, y, yo, n);
            case Pointwise.GELU -> geluForward(x, xo, y, yo, n);
            case Pointwise.EXP -> expForward(x, xo, y, yo, n);
            default -> sigmoidForward(x, xo, y, yo, n);
        }
    }

    private static void backwardFull(int op, float[] x, float[] y, float[] g, int o, float[] dx, int n) {
        switch (op) {
            case Pointwise.SILU -> siluBackward(x, g, o, dx, n);
            case Pointwise.GELU -> geluBackward(x, g, o, dx, n);
            case Pointwise.EXP -> scaleBackward(y, g, o, dx, n);
            default -> sigmoidBackward(y, g, o, dx, n);
        }
    }

    private static void siluForward(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.div(exp(v.neg()).add(1f)).intoArray(y, yo + i); // x·σ(x) = x / (1 + e^-x)
        }
    }

    private static void sigmoidForward(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            one.div(exp(v.neg()).add(1f)).intoArray(y, yo + i);
        }
    }

    private static void expForward(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += S.length()) exp(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
    }

    /** 0.5·x·(1 + tanh u), u = √(2/π)(x + 0.044715x³), tanh u = 1 - 2/(e^{2u} + 1) (absolute error ~1e-7). */
    private static void geluForward(float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector e1 = exp(v.mul(v).mul(K).add(1f).mul(v).mul(2f * C)).add(1f);
            FloatVector t1 = FloatVector.broadcast(S, 2f).sub(FloatVector.broadcast(S, 2f).div(e1)); // 1 + tanh u
            t1.mul(v).mul(0.5f).intoArray(y, yo + i);
        }
    }

    private static void siluBackward(float[] x, float[] g, int o, float[] dx, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, o + i);
            FloatVector s = one.div(exp(v.neg()).add(1f));
            FloatVector d = one.sub(s).mul(v).add(1f).mul(s); // σ·(1 + x·(1-σ))
            FloatVector.fromArray(S, g, o + i).mul(d).intoArray(dx, o + i);
        }
    }

    /**
     * ½(1+t) + ½x·sech²(u)·du with t = tanh u; sech²(u) = 4E/(E+1)² with E = e^{2u}, computed as (4/(E+1))·(E/(E+1))
     * so it neither cancels in the tails nor overflows.
     */
    private static void geluBackward(float[] x, float[] g, int o, float[] dx, int n) {
        FloatVector two = FloatVector.broadcast(S, 2f), four = FloatVector.broadcast(S, 4f);
        for (int i = 0; i < n; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, o + i);
            FloatVector x2 = v.mul(v);
            FloatVector e = exp(x2.mul(K).add(1f).mul(v).mul(2f * C));
            FloatVector e1 = e.add(1f);
            FloatVector t1 = two.sub(two.div(e1));
            FloatVector sech2 = four.div(e1).mul(e.div(e1));
            FloatVector du = x2.mul(3f * K).add(1f).mul(C);
            FloatVector d = t1.mul(0.5f).add(sech2.mul(v).mul(du).mul(0.5f));
            FloatVector.fromArray(S, g, o + i).mul(d).intoArray(dx, o + i);
        }
    }

    /** dx = g·y (exp). */
    private static void scaleBackward(float[] y, float[] g, int o, float[] dx, int n) {
        for (int i = 0; i < n; i += S.length())
            FloatVector.fromArray(S, g, o + i).mul(FloatVector.fromArray(S, y, o + i)).intoArray(dx, o + i);
    }

    /** dx = g·y·(1-y) (sigmoid). */
    private static void sigmoidBackward(float[] y, float[] g, int o, float[] dx, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int i = 0; i < n; i += S.length()) {
            FloatVector yv = FloatVector.fromArray(S, y, o + i);
            FloatVector.fromArray(S, g, o + i).mul(one.sub(yv).mul(yv)).intoArray(dx, o + i);
        }
    }
}
