package dev.tessera.model.dit;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;

/** DiT's final layer: adaLN (shift, scale) on a plain LayerNorm, then a Linear to patch values; both zero-initialised. */
public final class FinalLayer extends Module {
    public final int dim;
    public final Linear linear, adaLN;

    public FinalLayer(int dim, int patchDim, Rng rng) {
        this.dim = dim;
        linear = add("linear", new Linear(dim, patchDim, true, rng));
        adaLN = add("adaLN_modulation", new TimestepEmbedder.Seq()).put("1", new Linear(dim, 2 * dim, true, rng));
    }

    /** x [B, N, D], c [B, D] → [B, N, patchDim]. */
    public Tensor forward(Tensor x, Tensor c) {
        Tensor mod = adaLN.forward(F.silu(c));
        Tensor shift = mod.narrow(1, 0, dim).unsqueeze(1), scale = mod.narrow(1, dim, dim).unsqueeze(1);
        return linear.forward(DitBlock.modulate(x, shift, scale));
    }
}
