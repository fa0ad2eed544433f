package dev.tessera.model.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rope;
import dev.tessera.engine.Tensor;

/**
 * Rotary position embedding over (time, height, width) for spacetime tokens in (t, y, x) row-major order. A head of
 * {@code dh} dims is split as in Wan: height and width get {@code 2·⌊dh/6⌋} dims each, time the rest; each axis
 * rotates its pairs by {@code pos · θ^(−2j/d_axis)}. Because positions are plain
 * integers of the token grid, the same weights serve any duration, resolution and aspect ratio (Sora's "native
 * size"); nothing is learned per position. A 1-D sequence (text) is the grid (L, 1, 1) with all dims on time.
 *
 * <p>Pairs are the engine's half-split layout {@code (x[j], x[j + dh/2])} (GPT-NeoX/LLaMA), so the table feeds the
 * engine's fused qkv attention directly; the pair index j runs over the time slice, then height, then width.
 */
public final class Rope3d {
    private final Rope table; // cos/sin [N, dh/2]

    private Rope3d(int headDim, int tokens, float[] cos, float[] sin) {
        this.table = new Rope(tokens, headDim, cos, sin);
    }

    /** Dims per axis (time, height, width) for a head of {@code dh}. */
    public static int[] split(int dh) {
        int hw = 2 * (dh / 6);
        return new int[] {dh - 2 * hw, hw, hw};
    }

    /** Table for an f×h×w token grid. */
    public static Rope3d grid(int headDim, int f, int h, int w, double theta) {
        return grid(headDim, f, h, w, theta, 1.0);
    }

    /** Table for an f×h×w token grid whose frame t sits at time position t·{@code timeScale}. */
    public static Rope3d grid(int headDim, int f, int h, int w, double theta, double timeScale) {
        return build(headDim, f, h, w, split(headDim), theta, timeScale);
    }

    /** Table for a 1-D sequence of {@code n} tokens, every pair on the one axis. */
    public static Rope3d sequence(int headDim, int n, double theta) {
        return build(headDim, n, 1, 1, new int[] {headDim, 0, 0}, theta, 1.0);
    }

    private static Rope3d build(int dh, int f, int h, int w, int[] dims, double theta, double timeScale) {
        if (dh % 2 != 0) throw new IllegalArgumentException("RoPE needs an even head dim: " + dh);
        int n = f * h * w, half = dh / 2;
        float[] c = new float[n * half], s = new float[n * half];
        int[] sizes = {f, h, w};
        for (int t = 0; t < f; t++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    int tok = (t * h + y) * w + x, j = 0;
                    double[] pos = {t * timeScale, y, x};
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

    public int tokens() { return table.positions(); }

    /** The engine's table, for {@link F#attentionQkv}. */
    public Rope table() { return table; }

    /** x [B, H, N, dh] → rotated, same shape. */
    public Tensor apply(Tensor x) { return F.rope(x, table); }
}
