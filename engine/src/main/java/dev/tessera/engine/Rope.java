package dev.tessera.engine;

/**
 * Rotary position embeddings (RoFormer). A table holds cos/sin [N, D/2] for N positions; {@link F#rope} rotates the
 * pairs (x[i], x[i + D/2]) of each head vector (the "half-split" layout of GPT-NeoX/LLaMA) by the position's angles.
 * The 3D table (time, height, width) gives each axis its own slice of the D/2 frequency pairs, so a token at
 * (t, h, w) is rotated by t in the first slice, h in the second, w in the third — any duration and size works.
 */
public record Rope(int positions, int headDim, float[] cos, float[] sin) {
    public Rope {
        if (headDim % 2 != 0) throw new IllegalArgumentException("rope needs an even head dim, got " + headDim);
        if (cos.length != positions * headDim / 2 || sin.length != cos.length) throw new IllegalArgumentException("rope table size mismatch");
    }

    /** 1D positions 0..n-1, frequencies theta^(-2i/D). */
    public static Rope of1d(int n, int headDim, double theta) {
        int p = headDim / 2;
        float[] c = new float[n * p], s = new float[n * p];
        for (int pos = 0; pos < n; pos++)
            for (int i = 0; i < p; i++) {
                double a = pos * Math.pow(theta, -2.0 * i / headDim);
                c[pos * p + i] = (float) Math.cos(a);
                s[pos * p + i] = (float) Math.sin(a);
            }
        return new Rope(n, headDim, c, s);
    }

    /**
     * 3D positions for a t×h×w token grid in (t, h, w) row-major order. The D/2 pairs split as pairs/3 for height,
     * pairs/3 for width and the rest for time; each axis uses theta^(-2i/(2·axisPairs)) over its own slice.
     */
    public static Rope of3d(int t, int h, int w, int headDim, double theta) {
        if (headDim % 2 != 0) throw new IllegalArgumentException("rope needs an even head dim, got " + headDim);
        int p = headDim / 2, ph = p / 3, pw = p / 3, pt = p - ph - pw;
        if (ph == 0) throw new IllegalArgumentException("3D rope needs head dim >= 6, got " + headDim);
        int n = t * h * w;
        float[] c = new float[n * p], s = new float[n * p];
        for (int ti = 0; ti < t; ti++)
            for (int hi = 0; hi < h; hi++)
                for (int wi = 0; wi < w; wi++) {
                    int pos = (ti * h + hi) * w + wi;
                    for (int i = 0; i < p; i++) {
                        int axisPos, j, m;
                        if (i < pt) { axisPos = ti; j = i; m = pt; }
                        else if (i < pt + ph) { axisPos = hi; j = i - pt; m = ph; }
                        else { axisPos = wi; j = i - pt - ph; m = pw; }
                        double a = axisPos * Math.pow(theta, -(double) j / m);
                        c[pos * p + i] = (float) Math.cos(a);
                        s[pos * p + i] = (float) Math.sin(a);
                    }
                }
        return new Rope(n, headDim, c, s);
    }

    /** x [..., N, D] with N = positions, D = headDim → rotated, same shape. */
    Tensor apply(Tensor x) {
        int r = x.dim();
        if (r < 2 || x.shape[r - 1] != headDim || x.shape[r - 2] != positions)
            throw new IllegalArgumentException("rope table is for [.., " + positions + ", " + headDim + "], got " + Shapes.str(x.shape));
        float[] xd = x.data();
        float[] y = new float[xd.length];
        rotate(xd, y, false);
        return Tensor.result(y, x.shape.clone(), g -> {
            float[] dx = new float[g.length];
            rotate(g, dx, true);
            Tensor.addGrad(x, dx);
        }, x);
    }

    /** y = R(θ)·x per pair; the backward is the inverse rotation R(-θ). */
    private void rotate(float[] x, float[] y, boolean inverse) {
        int p = headDim / 2;
        int rows = x.length / headDim;
        for (int row = 0; row < rows; row++) {
            int pos = row % positions, o = row * headDim, t = pos * p;
            for (int i = 0; i < p; i++) {
                float c = cos[t + i], s = inverse ? -sin[t + i] : sin[t + i];
                float a = x[o + i], b = x[o + p + i];
                y[o + i] = a * c - b * s;
                y[o + p + i] = b * c + a * s;
            }
        }
    }

    /**
     * In-place rotation of head vectors at {@code offset + b·strideB + n·strideN + h·strideH} (unit stride along the
     * head dim), position = n. Used by the fused qkv attention on its packed [B, N, 3, H, hd] buffer.
     */
    void rotateInPlace(float[] a, long offset, long strideB, long strideN, long strideH, int B, int N, int H, boolean inverse) {
        if (N != positions) throw new IllegalArgumentException("rope table is for " + positions + " positions, got " + N + " tokens");
        int p = headDim / 2;
        // every (batch, token) row is rotated independently: split over the pool (the same arithmetic per element,
        // so any thread count gives the same bits; it ran serially, ~2% of a DiT-S training step)
        dev.tessera.engine.kernels.Parallel.forRange(B * N, (ch, r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int b = r / N, n = r % N;
                for (int h = 0; h < H; h++) {
                    int o = (int) (offset + b * strideB + n * strideN + h * strideH), t = n * p;
                    for (int i = 0; i < p; i++) {
                        float c = cos[t + i], sn = inverse ? -sin[t + i] : sin[t + i];
                        float x0 = a[o + i], x1 = a[o + p + i];
                        a[o + i] = x0 * c - x1 * sn;
                        a[o + p + i] = x1 * c + x0 * sn;
                    }
                }
            }
        });
    }
}
