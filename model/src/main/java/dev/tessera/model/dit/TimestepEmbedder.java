package dev.tessera.model.dit;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;

/**
 * DiT's timestep embedder: sinusoidal features of 1000·t (256 of them, cos then sin) through Linear–SiLU–Linear.
 * Parameters {@code mlp.0} and {@code mlp.2}, DiT's names (its Sequential has the SiLU at index 1).
 */
public final class TimestepEmbedder extends Module {
    public static final int FREQ_DIM = 256;
    private final Linear l0, l2;

    public TimestepEmbedder(int dim, Rng rng) {
        Seq mlp = add("mlp", new Seq());
        l0 = mlp.put("0", new Linear(FREQ_DIM, dim, true, rng));
        l2 = mlp.put("2", new Linear(dim, dim, true, rng));
    }

    /** t [B] in [0, 1] → [B, D]. */
    public Tensor forward(Tensor t) {
        return l2.forward(F.silu(l0.forward(sinusoidal(t.data(), FREQ_DIM))));
    }

    /** [B] → [B, dim]: cos(1000·t·f_i) then sin, f_i = 10000^(−i/half). No gradient (t is an input). */
    public static Tensor sinusoidal(float[] t, int dim) {
        int half = dim / 2;
        float[] out = new float[t.length * dim];
        for (int b = 0; b < t.length; b++)
            for (int i = 0; i < half; i++) {
                double freq = Math.exp(-Math.log(10000.0) * i / half);
                double arg = t[b] * 1000.0 * freq;
                out[b * dim + i] = (float) Math.cos(arg);
                out[b * dim + half + i] = (float) Math.sin(arg);
            }
        return Tensor.of(out, t.length, dim);
    }

    public Linear first() { return l0; }

    public Linear second() { return l2; }

    /** A named holder for numbered children (keeps PyTorch's Sequential indices in checkpoint names). */
    static final class Seq extends Module {
        <M extends Module> M put(String name, M m) { return add(name, m); }
        Tensor put(String name, Tensor p) { return param(name, p); }
    }
}
