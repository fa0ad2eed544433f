package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/** LayerNorm over the last dim; {@code weight}/{@code bias} [D] when affine (DiT uses affine=false + adaLN). */
public final class LayerNorm extends Module {
    public final Tensor weight, bias;
    public final float eps;

    public LayerNorm(int dim, float eps, boolean affine) {
        this.eps = eps;
        weight = affine ? param("weight", Tensor.ones(dim)) : null;
        bias = affine ? param("bias", Tensor.zeros(dim)) : null;
    }

    public LayerNorm(int dim) { this(dim, 1e-5f, true); }

    public Tensor forward(Tensor x) { return F.layerNorm(x, weight, bias, eps); }
}
