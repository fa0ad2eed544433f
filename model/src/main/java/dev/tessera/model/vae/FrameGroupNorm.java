package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Module;

/**
 * GroupNorm applied to each frame on its own (statistics over channels-in-group × H × W of one frame). PyTorch's
 * GroupNorm on [B, C, T, H, W] would pool over time and let frame 0 see later frames, breaking the causal VAE's
 * "an image is a one-frame video". Parameters {@code weight}, {@code bias} [C].
 */
public final class FrameGroupNorm extends Module {
    public final int groups;
    public final Tensor weight, bias;

    public FrameGroupNorm(int groups, int channels) {
        if (channels % groups != 0) throw new IllegalArgumentException(channels + " channels not divisible into " + groups + " groups");
        this.groups = groups;
        weight = param("weight", Tensor.ones(channels));
        bias = param("bias", Tensor.zeros(channels));
    }

    /** [B, C, T, H, W] → same shape. */
    public Tensor forward(Tensor x) {
        int[] s = x.shape();
        int b = s[0], c = s[1], t = s[2], h = s[3], w = s[4];
        Tensor frames = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h * w);   // [B·T, C, H·W]
        Tensor y = F.groupNorm(frames, groups, weight, bias, 1e-6f);
        return y.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4);
    }
}
