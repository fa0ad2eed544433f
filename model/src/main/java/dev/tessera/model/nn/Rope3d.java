package dev.tessera.model.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/**
 * Rotary position embedding over (time, height, width) for spacetime tokens in (t, y, x) row-major order. A head of
 * {@code dh} dims is split as in Wan: height and width get {@code 2·⌊dh/6⌋} dims each, time the rest; each axis
 * rotates interleaved pairs {@code (x[2j], x[2j+1])} by {@code pos · θ^(−2j/d_axis)}. Because positions are plain
 * integers of the token grid, the same weights serve any duration, resolution and aspect ratio (Sora's "native
 * size"); nothing is learned per position. A 1-D sequence (text) is the grid (L, 1, 1) with all dims on time.
 *
 * <p>Built from engine primitives (narrow, mul, stack): the engine had no fused RoPE op when this was written.
 */
public final class Rope3d {
    private final int headDim, tokens;
    private final Tensor cos, sin; // [N, dh/2]

    private Rope3d(int headDim, int tokens, float[] cos, float[] sin) {
        this.headDim = headDim;
        this.tokens = tokens;
        this.cos = Tensor.of(cos, tokens, headDim / 2);
        this.sin = Tensor.of(sin, tokens, headDim / 2);
    }

    /** Dims per axis (time, height, width) for a head of {@code dh}. */
    public static int[] split(int dh) {
        int hw = 2 * (dh / 6);
        return new int[] {dh - 2 * hw, hw, hw};
    }

    /** Table for an f×h×w token grid. */
    public static Rope3d grid(int headDim, int f, int h, int w, double theta) {
        return build(headDim, f, h, w, split(headDim), theta);
    }

    /** Table for a 1-D sequence of {@code n} tokens, every pair on the one axis. */
    public static Rope3d sequence(int headDim, int n, double theta) {
        return build(headDim, n, 1, 1, new int[] {headDim, 0, 0}, theta);
    }

    private static Rope3d build(int dh, int f, int h, int w, int[] dims, double theta) {
        if (dh % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head dim: " + dh);
        int n = f * h * w, half = dh / 2;
        float[] c = new float[n * half], s = new float[n * half];
        int[] sizes = {f, h, w};
        for (int t = 0; t < f; t++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int tok = (t * h + y) * w + x, j = 0;
                    int[] pos = {t, y, x};
                    for (int a = 0; a < 3; a++) {
                        if (dims[a] == 0) continue;
                        if (sizes[a] < 1) throw new IllegalArgumentException("empty grid axis");
                        for (int k = 0; k < dims[a]; k += 2, j++) {
                            double ang = pos[a] * Math.pow(theta, -(double) k / dims[a]);
                            c[tok * half + j] = (float) Math.cos(ang);
                            s[tok * half + j] = (float) Math.sin(ang);
                        }
                    }
                }
        return new Rope3d(dh, n, c, s);
    }

    public int tokens() { return tokens; }

    /** x [B, H, N, dh] → rotated, same shape. */
    public Tensor apply(Tensor x) {
        int[] s = x.shape();
        if (s.length != 4 || s[2] != tokens || s[3] != headDim)
            throw new IllegalArgumentException("RoPE table is for [*, *, " + tokens + ", " + headDim + "], got " + java.util.Arrays.toString(s));
        Tensor pairs = x.reshape(s[0], s[1], s[2], headDim / 2, 2);
        Tensor a = pairs.select(4, 0), b = pairs.select(4, 1); // [B, H, N, dh/2]
        Tensor ra = a.mul(cos).sub(b.mul(sin));
        Tensor rb = a.mul(sin).add(b.mul(cos));
        return F.stack(4, ra, rb).reshape(s);
    }
}
