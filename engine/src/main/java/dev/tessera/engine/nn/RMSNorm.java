package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/** x / rms(x) · weight over the last dim. */
public final class RMSNorm extends Module {
    public final Tensor weight;
    public final float eps;

    public RMSNorm(int dim, float eps) {
        this.eps = eps;
        weight = param("weight", Tensor.ones(dim));
    }

    public Tensor forward(Tensor x) { return F.rmsNorm(x, weight, eps); }
}
