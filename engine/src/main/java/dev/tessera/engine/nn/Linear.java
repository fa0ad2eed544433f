package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;

/** y = x·Wᵀ + b. Parameters: {@code weight} [out, in], {@code bias} [out]. */
public final class Linear extends Module {
    public final Tensor weight;
    public final Tensor bias;
    public final int in, out;

    public Linear(int in, int out, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        weight = param("weight", Init.uniformFanIn(rng, in, out, in));
        this.bias = bias ? param("bias", Init.uniformFanIn(rng, in, out)) : null;
    }

    /** [..., in] → [..., out]. */
    public Tensor forward(Tensor x) { return F.linear(x, weight, bias); }
}
