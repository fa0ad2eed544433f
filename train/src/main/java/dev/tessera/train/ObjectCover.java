package dev.tessera.train;

import dev.tessera.engine.Tensor;
import dev.tessera.model.VideoShape;
import dev.tessera.model.data.Bucket;
import dev.tessera.world.Truth;

/**
 * How much of each latent cell an object covers, from the world's ground truth: the weights of the object-weighted
 * flow-matching loss. A world object is a few hundred of a 128×128 frame's 16,384 pixels (the red ball of a typical
 * clip: 77), so under the plain MSE the background decides almost all of the loss and the network learns settings
 * long before objects (docs/default-model.md).
 *
 * <p>The latent grid is the VAE's: frame 0 alone, then groups of {@code td} frames (its time compression, 4, 2 or
 * 1); cells of {@value VideoShape#SPACE_DOWN}×{@value VideoShape#SPACE_DOWN} pixels. A cell's value is the fraction of
 * its pixels inside any visible object's bounding box, the largest over the frames of its group, in [0, 1]. Sources
 * give the cover of every frame ({@link #of(Truth, Bucket)}); the batch pools it onto its VAE's groups ({@link #pool}).
 */
final class ObjectCover {
    private ObjectCover() {}

    /**
     * Per-pixel loss weights 1 + λ·cover for a decoder fine-tune: the cover [B, 1, f, h, w] spread back over its cells'
     * pixels and frames (frame 0 from latent frame 0, frames td(j−1)+1 … td·j from latent frame j), giving
     * [B, 1, frames, H, W].
     */
    static Tensor pixelWeights(Tensor cover, int frames, double lambda, int td) {
        int[] cs = cover.shape();
        int b = cs[0], fl = cs[2], hl = cs[3], wl = cs[4], s = VideoShape.SPACE_DOWN;
        if (cs[1] != 1 || fl != 1 + (frames - 1) / td)
            throw new IllegalArgumentException("cover " + java.util.Arrays.toString(cs) + " for " + frames + " frames");
        int h = hl * s, w = wl * s, plane = h * w;
        float[] c = cover.data(), out = new float[b * frames * plane];
        for (int i = 0; i < b; i++)
            for (int f = 0; f < frames; f++) {
                int lf = f == 0 ? 0 : (f - 1) / td + 1, src = (i * fl + lf) * hl * wl, dst = (i * frames + f) * plane;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        out[dst + y * w + x] = (float) (1 + lambda * c[src + (y / s) * wl + x / s]);
            }
        return Tensor.of(out, b, 1, frames, h, w);
    }

    /** Cover [f, h, w] (row-major) on the latent grid of a ×{@code td} VAE, for a clip with ground truth {@code truth}. */
    static float[] of(Truth truth, Bucket bucket, int td) { return pool(of(truth, bucket), bucket, td); }

    /**
     * The per-frame cover [frames, h, w] (each frame its own group) pooled onto a ×{@code td} VAE's latent frames
     * [1 + (frames−1)/td, h, w]: the largest cover of each cell over its group.
     */
    static float[] pool(float[] perFrame, Bucket bucket, int td) {
        int frames = bucket.frames(), cells = (bucket.height() / VideoShape.SPACE_DOWN) * (bucket.width() / VideoShape.SPACE_DOWN);
        if (perFrame.length != frames * cells || (frames - 1) % td != 0)
            throw new IllegalArgumentException("a cover of " + perFrame.length + " cells for " + bucket + " at time x" + td);
        if (td == 1) return perFrame;
        float[] out = new float[(1 + (frames - 1) / td) * cells];
        for (int f = 0; f < frames; f++) {
            int lf = f == 0 ? 0 : (f - 1) / td + 1;
            for (int c = 0; c < cells; c++) out[lf * cells + c] = Math.max(out[lf * cells + c], perFrame[f * cells + c]);
        }
        return out;
    }

    /** Cover [frames, h, w] (row-major), every frame its own group, for a clip of {@code bucket}'s shape. */
    static float[] of(Truth truth, Bucket bucket) {
        int frames = bucket.frames(), height = bucket.height(), width = bucket.width();
        if (truth.frames.size() != frames || truth.width != width || truth.height != height)
            throw new IllegalArgumentException("truth of " + truth.frames.size() + " frames " + truth.width + "x" + truth.height
                    + " for bucket " + bucket);
        int s = VideoShape.SPACE_DOWN, td = 1;
        int fl = frames, hl = height / s, wl = width / s;
        float[] cover = new float[fl * hl * wl];
        boolean[] inside = new boolean[height * width];
        for (int f = 0; f < frames; f++) {
            java.util.Arrays.fill(inside, false);
            boolean any = false;
            for (Truth.ObjectState o : truth.frames.get(f).objects()) {
                int[] b = o.bbox();
                if (!o.visible() || b == null) continue;
                int x0 = Math.max(0, b[0]), y0 = Math.max(0, b[1]), x1 = Math.min(width, b[2]), y1 = Math.min(height, b[3]);
                for (int y = y0; y < y1; y++) java.util.Arrays.fill(inside, y * width + x0, y * width + Math.max(x0, x1), true);
                any |= x1 > x0 && y1 > y0;
            }
            if (!any) continue;
            int lf = f == 0 ? 0 : (f - 1) / td + 1, base = lf * hl * wl;
            for (int cy = 0; cy < hl; cy++)
                for (int cx = 0; cx < wl; cx++) {
                    int n = 0;
                    for (int y = cy * s; y < cy * s + s; y++)
                        for (int x = cx * s; x < cx * s + s; x++) if (inside[y * width + x]) n++;
                    int at = base + cy * wl + cx;
                    cover[at] = Math.max(cover[at], n / (float) (s * s));
                }
        }
        return cover;
    }
}
