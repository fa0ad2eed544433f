package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math with bit-exact results whether a method runs interpreted, in C1 or in C2. The Vector API's own
 * {@code EXP} lanes are not: compiled code calls an SVML stub while the interpreter's fallback computes each lane
 * with {@code Math.exp}, and the two differ in the last bit, so the same input gave different outputs depending on
 * JIT warm-up. Likewise a floating-point {@code reduceLanes(ADD)} may associate differently compiled and interpreted;
 * {@link #sum} fixes the order.
 */
final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> S = SgemmVector.S;
    private static final float LOG2E = 1.4426950408889634f;
    /** 1.5·2²³: adding it rounds to an integer and leaves that integer in the low mantissa bits. */
    private static final float MAGIC = 12582912f;
    private static final float C1 = 0.6931471805599453f, C2 = 0.2402265069591007f, C3 = 0.05550410866482158f;
    private static final float C4 = 0.009618129107628477f, C5 = 0.0013333558146428443f, C6 = 1.5403530393381606e-4f;

    /**
     * e^x lane-wise: 2^(x·log2 e) split into 2^n (exponent bits) × 2^f, f in [-½, ½], by a degree-6 Taylor
     * polynomial. Relative error ~1e-7 for |x| < 10, growing to ~4e-6 near |x| = 80 (the rounding of x·log2 e).
     * Lanes below e^-87 (including -inf) give exactly 0; lanes above e^88 saturate at 2^127.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector t = x.mul(LOG2E).max(-127f).min(127f);
        FloatVector y = t.add(MAGIC);
        FloatVector n = y.sub(MAGIC);
        FloatVector f = t.sub(n);
        FloatVector p = f.mul(C6).add(C5);
        p = p.fma(f, FloatVector.broadcast(S, C4));
        p = p.fma(f, FloatVector.broadcast(S, C3));
        p = p.fma(f, FloatVector.broadcast(S, C2));
        p = p.fma(f, FloatVector.broadcast(S, C1));
        p = p.fma(f, FloatVector.broadcast(S, 1f));
        IntVector bits = y.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
        FloatVector r = p.mul(bits.reinterpretAsFloats());
        return r.blend(0f, t.compare(VectorOperators.LT, -126f));
    }

    /**
     * Scalar e^x with exactly the per-lane arithmetic of {@link #exp(FloatVector)} (same bits). Plain scalar code on
     * purpose: a broadcast-exp-lane round trip pushed its callers past C2's inlining budget, and the boxed fallback
     * cost ~1 µs per call (it made the attention forward ~2× slower).
     */
    static float exp(float x) {
        float t = Math.min(Math.max(x * LOG2E, -127f), 127f);
        float y = t + MAGIC;
        float n = y - MAGIC;
        float f = t - n;
        float p = f * C6 + C5;
        p = Math.fma(p, f, C4);
        p = Math.fma(p, f, C3);
        p = Math.fma(p, f, C2);
        p = Math.fma(p, f, C1);
        p = Math.fma(p, f, 1f);
        float r = p * Float.intBitsToFloat((Float.floatToRawIntBits(y) - (0x4B400000 - 127)) << 23);
        return t < -126f ? 0f : r;
    }

    /** The lanes of v summed left to right (a fixed order, unlike {@code reduceLanes(ADD)}). */
    static float sum(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float s = 0f;
        for (int i = 0; i < S.length(); i++) s += scratch[i];
        return s;
    }
}
