package dev.tessera.model.dit;

import dev.tessera.engine.Tensor;
import dev.tessera.model.nn.Rope3d;

/**
 * Fixed sin-cos absolute position of each spacetime token, added once after the patch embedding. RoPE alone is
 * relative: a network fed pure noise (t = 1) cannot tell the left edge from the right one except through boundary
 * effects, so it cannot place "a ball on the left" — measured: the tiny overfit test never learned caption-dependent
 * placement with RoPE only, and learned it with this table. Space is normalised (PixArt-α's interpolated positions)
 * to {@link #BASE} cells across the frame whatever the size, so 128×128, 160×96 and 96×160 share the meaning of
 * "left edge" and "centre"; time is the frame index from the clip's start. Dims per axis as {@link Rope3d#split}.
 */
public final class PosEmbed3d {
    /** Normalised grid width: positions run over [0, BASE) on each spatial axis. */
    public static final double BASE = 16.0;

    private PosEmbed3d() {}

    /** [N, dim] for an f×h×w grid, token order (t, y, x). */
    public static Tensor table(int dim, int f, int h, int w) {
        return table(dim, f, h, w, 1.0);
    }

    /** As {@link #table(int, int, int, int)} with frame t at time position t·{@code timeScale}. */
    public static Tensor table(int dim, int f, int h, int w, double timeScale) {
        int[] dims = Rope3d.split(dim);
        int n = f * h * w;
        float[] out = new float[n * dim];
        for (int t = 0; t < f; t++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int tok = (t * h + y) * w + x, o = tok * dim;
                    double[] pos = {t * timeScale, y * BASE / h, x * BASE / w};
                    for (int a = 0; a < 3; a++) {
                        int d = dims[a], half = d / 2;
                        for (int k = 0; k < half; k++) {
                            double omega = Math.pow(10000.0, -(double) k / half);
                            out[o + k] = (float) Math.sin(pos[a] * omega);
                            out[o + half + k] = (float) Math.cos(pos[a] * omega);
                        }
                        o += d;
                    }
                }
        return Tensor.of(out, n, dim);
    }
}
