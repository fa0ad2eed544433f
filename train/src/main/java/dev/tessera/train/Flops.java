package dev.tessera.train;

import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.config.VaeConfig;

/**
 * Analytic forward FLOPs (2 per multiply-add) of the networks, counting matmuls, attention and convolutions — the
 * work MFU is measured against; norms, activations and the optimizer are left out, as nanoGPT/PaLM do. A training
 * step of a trained network costs 3× its forward (forward + two backward matmuls).
 */
public final class Flops {
    private Flops() {}

    /** DiT forward for one sample of {@code tokens} spacetime patches and a text context of {@code ctx} tokens. */
    public static double dit(DitConfig c, int tokens, int ctx) {
        double n = tokens, d = c.dim(), l = ctx;
        double block = 2 * n * d * 3 * d + 2 * n * d * d + 4 * n * n * d          // self-attention: qkv, proj, QK^T and AV
                + 2 * n * d * d + 2 * l * d * 2 * d + 2 * n * d * d + 4 * n * l * d // cross-attention: q, kv, proj, QK^T and AV
                + 2 * 2 * n * d * c.mlpRatio() * d                               // MLP
                + 2 * d * 6 * d;                                                 // adaLN modulation
        return c.depth() * block + 2 * n * c.patchDim() * d + 2 * n * d * c.patchDim() + 2 * l * c.contextDim() * d
                + 2 * 2 * d * d;
    }

    /** Text encoder forward for one prompt of {@code len} byte tokens. */
    public static double text(TextConfig c, int len) {
        double n = len, d = c.dim();
        return c.depth() * (2 * n * d * 3 * d + 2 * n * d * d + 4 * n * n * d + 2 * 2 * n * d * 4 * d);
    }

    /** VAE encoder + decoder forward for one clip of {@code frames} (1 + td·k) × h × w pixels. */
    public static double vae(VaeConfig c, int frames, int h, int w) {
        return vaeEncode(c, frames, h, w) + vaeDecode(c, frames, h, w);
    }

    public static double vaeEncode(VaeConfig c, int frames, int h, int w) {
        double f = 0;
        int t = frames, prev = c.channels(0);
        f += conv(3, prev, 3, t, h, w);
        for (int i = 0; i < 3; i++) {
            int ch = c.channels(i);
            f += res(prev, ch, t, h, w);
            if (i >= 3 - c.timeLevels()) t = (t - 1) / 2 + 1;
            h /= 2;
            w /= 2;
            f += conv(ch, ch, 3, t, h, w);
            prev = ch;
        }
        f += res(prev, prev, t, h, w) + conv(prev, 2 * c.latentChannels(), 3, t, h, w);
        return f;
    }

    public static double vaeDecode(VaeConfig c, int frames, int h, int w) {
        int t = (frames - 1) / c.timeDown() + 1;
        h /= 8;
        w /= 8;
        int prev = c.channels(2);
        double f = conv(c.latentChannels(), prev, 3, t, h, w) + res(prev, prev, t, h, w);
        for (int j = 0; j < 3; j++) {
            int ch = c.channels(2 - j);
            f += res(prev, ch, t, h, w);
            if (j < c.timeLevels()) t = 1 + 2 * (t - 1);
            h *= 2;
            w *= 2;
            f += conv(ch, ch, 3, t, h, w);
            prev = ch;
        }
        return f + conv(prev, 3, 3, t, h, w);
    }

    private static double res(int in, int out, int t, int h, int w) {
        return conv(in, out, 3, t, h, w) + conv(out, out, 3, t, h, w) + (in != out ? conv(in, out, 1, t, h, w) : 0);
    }

    /** Output voxels × Cin × Cout × k³ multiply-adds. */
    private static double conv(int in, int out, int k, int t, int h, int w) {
        return 2.0 * in * out * k * k * k * (double) t * h * w;
    }
}
