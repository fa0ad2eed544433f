package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Module;
import dev.tessera.engine.nn.ModuleList;
import dev.tessera.model.config.VaeConfig;

/**
 * The video compression network: a causal 3D-convolutional VAE (time ×4, ×2 or ×1 — {@link VaeConfig#timeDown} —
 * space ×8, KL-regularised latent).
 * <pre>
 * encoder: conv_in → [res, down(space; time on the deepest log2(timeDown) levels)] × 3 → mid res → norm, SiLU → conv_out → (mean, logvar)
 * decoder: conv_in → mid res → [res, up(space; time on the deepest log2(timeDown) levels)] × 3 → norm, SiLU → conv_out
 * </pre>
 * Frames: 1 + td·k in (td = timeDown), 1 + k latent frames; frame 0 is encoded alone (causal padding everywhere), so
 * an image is a one-frame video. Pixels are in [−1, 1]. The parameters do not depend on td: a VAE trained at one
 * compression can start a run at another ({@code train vae --init DIR --time-down N}).
 */
public final class VideoVae extends Module {
    public final VaeConfig config;
    final Coder encoder, decoder;

    public VideoVae(VaeConfig config, Rng rng) {
        this.config = config;
        encoder = add("encoder", new Coder());
        decoder = add("decoder", new Coder());
        int g = config.groups(), z = config.latentChannels();
        int c0 = config.channels(0), c2 = config.channels(2);
        encoder.convIn = encoder.put("conv_in", new CausalConv3d(3, c0, rng));
        encoder.levels = encoder.put("down", new ModuleList<>());
        int prev = c0;
        for (int i = 0; i < 3; i++) {
            int c = config.channels(i);
            Level lv = encoder.levels.append(new Level());
            lv.res = lv.put("res", new ResBlock3d(prev, c, g, rng));
            lv.time = i >= 3 - config.timeLevels();
            lv.resample = lv.put("down", new CausalConv3d(c, c, 3, lv.time ? 2 : 1, 2, rng));
            prev = c;
        }
        encoder.mid = encoder.put("mid", new ResBlock3d(prev, prev, g, rng));
        encoder.normOut = encoder.put("norm_out", new FrameGroupNorm(g, prev));
        encoder.convOut = encoder.put("conv_out", new CausalConv3d(prev, 2 * z, rng));

        decoder.convIn = decoder.put("conv_in", new CausalConv3d(z, c2, rng));
        decoder.mid = decoder.put("mid", new ResBlock3d(c2, c2, g, rng));
        decoder.levels = decoder.put("up", new ModuleList<>());
        prev = c2;
        for (int j = 0; j < 3; j++) {
            int c = config.channels(2 - j);
            Level lv = decoder.levels.append(new Level());
            lv.res = lv.put("res", new ResBlock3d(prev, c, g, rng));
            lv.resample = lv.put("up", new CausalConv3d(c, c, rng));
            lv.time = j < config.timeLevels();
            prev = c;
        }
        decoder.normOut = decoder.put("norm_out", new FrameGroupNorm(g, prev));
        decoder.convOut = decoder.put("conv_out", new CausalConv3d(prev, 3, rng));
    }

    /** The posterior's parameters: mean and log-variance, each [B, z, 1 + (T−1)/td, H/8, W/8]. */
    public record Posterior(Tensor mean, Tensor logvar) {
        /** z = mean + exp(logvar/2)·ε with ε drawn from {@code rng}: the reparameterised sample. */
        public Tensor sample(Rng rng) {
            Tensor eps = Tensor.randn(rng, mean.shape());
            return mean.add(logvar.mul(0.5f).exp().mul(eps));
        }

        /** KL(q || N(0, I)), averaged over elements: ½·mean(μ² + σ² − 1 − log σ²). */
        public Tensor kl() {
            return mean.square().add(logvar.exp()).sub(1f).sub(logvar).mean().mul(0.5f);
        }
    }

    /** x [B, 3, 1 + td·k, H, W] (H, W multiples of 8) → posterior over [B, z, 1 + k, H/8, W/8]. */
    public Posterior encode(Tensor x) {
        int[] s = x.shape();
        int td = config.timeDown();
        if (s.length != 5 || s[1] != 3 || (s[2] - 1) % td != 0 || s[3] % 8 != 0 || s[4] % 8 != 0)
            throw new IllegalArgumentException("VAE input must be [B, 3, 1+" + td + "k, 8h, 8w], got " + java.util.Arrays.toString(s));
        Tensor h = encoder.convIn.forward(x);
        for (Level lv : encoder.levels) h = lv.resample.forward(lv.res.forward(h));
        h = encoder.mid.forward(h);
        h = encoder.convOut.forward(F.silu(encoder.normOut.forward(h)));
        int z = config.latentChannels();
        Tensor logvar = h.narrow(1, z, z);
        // clamp to [−30, 20] as SD's VAE does: keeps exp(logvar) finite early in training
        logvar = F.clamp(logvar, -30f, 20f);
        Tensor mean = h.narrow(1, 0, z);
        if (config.shortcut()) mean = mean.add(F.pad(cellMean(x, config.timeDown()), 1, 0, z - 3, 0f));
        return new Posterior(mean, logvar);
    }

    /** z [B, zc, 1 + k, h, w] → pixels [B, 3, 1 + td·k, 8h, 8w]. */
    public Tensor decode(Tensor z) {
        Tensor h = decoder.convIn.forward(z);
        h = decoder.mid.forward(h);
        for (Level lv : decoder.levels) h = lv.resample.forward(upsample(lv.res.forward(h), lv.time));
        Tensor out = decoder.convOut.forward(F.silu(decoder.normOut.forward(h)));
        if (config.shortcut()) {
            Tensor cells = repeatTime(z.narrow(1, 0, 3), config.timeDown());
            out = out.add(config.shortcutUpsample().equals("bilinear") ? F.upsampleTrilinear(cells, 1, 8, 8)
                    : F.upsampleNearest(cells, 1, 8, 8));
        }
        return out;
    }

    /** x [B, C, 1 + td·k, H, W] averaged over each latent cell → [B, C, 1 + k, H/8, W/8] (frame 0 is its own cell). */
    static Tensor cellMean(Tensor x, int td) {
        int[] s = x.shape();
        int b = s[0], c = s[1], t = s[2], h = s[3], w = s[4], k = (t - 1) / td;
        Tensor m = x.narrow(2, 0, 1);
        if (k > 0 && td == 1) m = x;
        else if (k > 0) m = F.concat(2, m, x.narrow(2, 1, t - 1).contiguous().reshape(b, c, k, td, h, w).mean(3, false));
        return m.contiguous().reshape(b, c, 1 + k, h / 8, 8, w / 8, 8).mean(6, false).mean(4, false);
    }

    /** z [B, C, 1 + k, h, w] → [B, C, 1 + f·k, h, w]: frame 0 stays one frame, each later frame becomes f. */
    static Tensor repeatTime(Tensor x, int f) {
        int[] s = x.shape();
        int b = s[0], c = s[1], t = s[2], h = s[3], w = s[4];
        if (t == 1 || f == 1) return x;
        Tensor rest = x.narrow(2, 1, t - 1).unsqueeze(3).expand(b, c, t - 1, f, h, w).reshape(b, c, f * (t - 1), h, w);
        return F.concat(2, x.narrow(2, 0, 1), rest);
    }

    /**
     * Nearest-neighbour ×2 in space, and in time when {@code time}: frame 0 stays one frame, each later frame becomes
     * two (1 + k → 1 + 2k), the causal inverse of the encoder's stride-2 time step.
     */
    static Tensor upsample(Tensor x, boolean time) {
        return F.upsampleNearest(time ? repeatTime(x, 2) : x, 1, 2, 2);
    }

    /** Encoder or decoder: named children as in the checkpoint. */
    static final class Coder extends Module {
        CausalConv3d convIn, convOut;
        ModuleList<Level> levels;
        ResBlock3d mid;
        FrameGroupNorm normOut;

        <M extends Module> M put(String name, M m) { return add(name, m); }
    }

    static final class Level extends Module {
        ResBlock3d res;
        CausalConv3d resample;
        boolean time;

        <M extends Module> M put(String name, M m) { return add(name, m); }
    }
}
