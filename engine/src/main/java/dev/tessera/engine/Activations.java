package dev.tessera.engine;

import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API forward and backward of the transcendental activations (SiLU, GELU, exp, tanh, sigmoid), split over
 * the thread pool for large tensors. Elementwise, so the result does not depend on the thread count. The scalar
 * loops in {@link Pointwise} are the reference twins (used when {@link Kernels#reference()} is on, and for tails).
 */
final class Activations {
    private Activations() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int PARALLEL_MIN = 1 << 15;

    static boolean supports(int op) {
        return op == Pointwise.SILU || op == Pointwise.GELU || op == Pointwise.EXP || op == Pointwise.TANH || op == Pointwise.SIGMOID;
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

    private static final float C = Pointwise.SQRT_2_OVER_PI, K = 0.044715f;

    private static void forwardRange(int op, float[] x, float[] y, int start, int end) {
        int i = start;
        for (int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), r;
            switch (op) {
                case Pointwise.SILU -> r = v.div(v.neg().lanewise(VectorOperators.EXP).add(1f));
                case Pointwise.GELU -> {
                    FloatVector u = v.mul(v).mul(K).add(1f).mul(v).mul(C);
                    r = u.lanewise(VectorOperators.TANH).add(1f).mul(v).mul(0.5f);
                }
                case Pointwise.EXP -> r = v.lanewise(VectorOperators.EXP);
                case Pointwise.TANH -> r = v.lanewise(VectorOperators.TANH);
                default -> r = FloatVector.broadcast(S, 1f).div(v.neg().lanewise(VectorOperators.EXP).add(1f));
            }
            r.intoArray(y, i);
        }
        for (; i < end; i++) y[i] = Pointwise.forward(op, x[i]);
    }

    private static void backwardRange(int op, float[] x, float[] y, float[] g, float[] dx, int start, int end) {
        int i = start;
        for (int bound = start + S.loopBound(end - start); i < bound; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i), gv = FloatVector.fromArray(S, g, i), d;
            switch (op) {
                case Pointwise.SILU -> {
                    FloatVector s = v.neg().lanewise(VectorOperators.EXP).add(1f);
                    s = FloatVector.broadcast(S, 1f).div(s);
                    d = FloatVector.broadcast(S, 1f).sub(s).mul(v).add(1f).mul(s); // s·(1 + x·(1-s))
                }
                case Pointwise.GELU -> {
                    FloatVector x2 = v.mul(v);
                    FloatVector t = x2.mul(K).add(1f).mul(v).mul(C).lanewise(VectorOperators.TANH);
                    FloatVector du = x2.mul(3f * K).add(1f).mul(C);
                    // 0.5·(1+t) + 0.5·x·(1-t²)·du
                    d = t.add(1f).mul(0.5f).add(FloatVector.broadcast(S, 1f).sub(t.mul(t)).mul(v).mul(du).mul(0.5f));
                }
                case Pointwise.EXP -> d = FloatVector.fromArray(S, y, i);
                case Pointwise.TANH -> {
                    FloatVector yv = FloatVector.fromArray(S, y, i);
                    d = FloatVector.broadcast(S, 1f).sub(yv.mul(yv));
                }
                default -> {
                    FloatVector yv = FloatVector.fromArray(S, y, i);
                    d = FloatVector.broadcast(S, 1f).sub(yv).mul(yv);
                }
            }
            gv.mul(d).intoArray(dx, i);
        }
        for (; i < end; i++) dx[i] = g[i] * Pointwise.derivative(op, x[i], y[i]);
    }
}
