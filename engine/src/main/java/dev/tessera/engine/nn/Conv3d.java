package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/**
 * 3D convolution over [B, C, T, H, W]. {@code weight} [Cout, Cin, kT, kH, kW], {@code bias} [Cout]. With
 * {@code causal} the time axis is padded by kT-1 frames in front and none behind, so frame t sees only frames ≤ t
 * (the first frame of a video is encoded like an image); otherwise time is padded symmetrically like space.
 */
public final class Conv3d extends Module {
    public final Tensor weight, bias;
    public final int kT, kHW, strideT, strideHW, padHW;
    public final boolean causal;

    public Conv3d(int in, int out, int kT, int kHW, int strideT, int strideHW, boolean causal, boolean bias, Rng rng) {
        this.kT = kT;
        this.kHW = kHW;
        this.strideT = strideT;
        this.strideHW = strideHW;
        this.padHW = kHW / 2;
        this.causal = causal;
        int fanIn = in * kT * kHW * kHW;
        weight = param("weight", Init.uniformFanIn(rng, fanIn, out, in, kT, kHW, kHW));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, fanIn, out)) : null;
    }

    /** [B, Cin, T, H, W] → [B, Cout, T', H', W']. */
    public Tensor forward(Tensor x) {
        int padT0 = causal ? kT - 1 : kT / 2, padT1 = causal ? 0 : kT / 2;
        return F.conv3d(x, weight, bias, strideT, strideHW, padT0, padT1, padHW);
    }
}
