package dev.tessera.engine.nn;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** Weight initialisers (all draw from a passed-in {@link Rng}). */
public final class Init {
    private Init() {}

    /** Uniform(-1/√fanIn, 1/√fanIn): PyTorch's default for Linear and Conv. */
    public static Tensor uniformFanIn(Rng rng, int fanIn, int... shape) {
        float b = (float) (1.0 / Math.sqrt(Math.max(1, fanIn)));
        return Tensor.rand(rng, -b, b, shape);
    }

    /** Xavier/Glorot uniform. */
    public static Tensor xavierUniform(Rng rng, int fanIn, int fanOut, int... shape) {
        float b = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        return Tensor.rand(rng, -b, b, shape);
    }

    public static Tensor normal(Rng rng, float std, int... shape) {
        Tensor t = Tensor.zeros(shape);
        rng.fillNormal(t.buffer(), 0f, std);
        return t;
    }

    /** Sets every element of a parameter in place (e.g. zero-init of adaLN modulation). */
    public static void fill(Tensor param, float v) { java.util.Arrays.fill(param.buffer(), v); }
}
