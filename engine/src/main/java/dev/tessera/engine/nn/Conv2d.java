package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** 2D convolution over [B, C, H, W]: {@code weight} [Cout, Cin, k, k], {@code bias} [Cout]; padding k/2 ("same" at stride 1). */
public final class Conv2d extends Module {
    public final Tensor weight, bias;
    public final int stride, pad;

    public Conv2d(int in, int out, int k, int stride, boolean bias, Rng rng) {
        this.stride = stride;
        this.pad = k / 2;
        weight = param("weight", Init.uniformFanIn(rng, in * k * k, out, in, k, k));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, in * k * k, out)) : null;
    }

    public Tensor forward(Tensor x) { return F.conv2d(x, weight, bias, stride, pad); }
}
