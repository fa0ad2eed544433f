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
        if (x.dim() != 5) throw new IllegalArgumentException("FrameGroupNorm wants [B, C, T, H, W], got " + java.util.Arrays.toString(x.shape()));
        return F.frameGroupNorm(x, groups, weight, bias, 1e-6f);
    }
}
