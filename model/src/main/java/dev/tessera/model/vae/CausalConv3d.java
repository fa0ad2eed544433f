package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Init;
import dev.tessera.engine.nn.Module;

/**
 * 3D convolution that is causal in time: the first frame is repeated k−1 times in front (CogVideoX's choice; zeros
 * would make frame 0 darker than the rest), so output frame i sees only input frames ≤ i and the first frame is
 * encoded alone — an image is a one-frame video. Space is zero-padded symmetrically. Parameters {@code weight}
 * [Cout, Cin, k, k, k] and {@code bias} [Cout].
 */
public final class CausalConv3d extends Module {
    public final int in, out, k, strideT, strideS;
    public final Tensor weight, bias;

    public CausalConv3d(int in, int out, int k, int strideT, int strideS, Rng rng) {
        if (k < 1 || k % 2 == 0) throw new IllegalArgumentException("kernel must be odd: " + k);
        this.in = in;
        this.out = out;
        this.k = k;
        this.strideT = strideT;
        this.strideS = strideS;
        int fanIn = in * k * k * k;
        weight = param("weight", Init.uniformFanIn(rng, fanIn, out, in, k, k, k));
        bias = param("bias", Init.uniformFanIn(rng, fanIn, out));
    }

    public CausalConv3d(int in, int out, Rng rng) { this(in, out, 3, 1, 1, rng); }

    /** x [B, Cin, T, H, W] → [B, Cout, (T−1)/strideT + 1, H/strideS, W/strideS] (H, W multiples of the stride). */
    public Tensor forward(Tensor x) {
        if (x.dim() != 5 || x.size(1) != in)
            throw new IllegalArgumentException("CausalConv3d(" + in + "→" + out + ") got " + java.util.Arrays.toString(x.shape()));
        if (k > 1) {
            Tensor first = x.narrow(2, 0, 1);
            Tensor[] parts = new Tensor[k];
            for (int i = 0; i < k - 1; i++) parts[i] = first;
            parts[k - 1] = x;
            x = F.concat(2, parts);
        }
        return F.conv3d(x, weight, bias, strideT, strideS, 0, 0, k / 2);
    }
}
