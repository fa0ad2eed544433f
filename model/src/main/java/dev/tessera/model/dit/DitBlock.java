package dev.tessera.model.dit;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.LayerNorm;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.MLP;
import dev.tessera.engine.nn.Module;
import dev.tessera.engine.nn.MultiHeadAttention;
import dev.tessera.model.nn.Rope3d;
import dev.tessera.model.nn.SelfAttention;

/**
 * One DiT block with adaLN-Zero (Peebles &amp; Xie §3.2) and cross-attention to the text (PixArt-α, Wan):
 * <pre>
 *   x = x + gate_msa · attn(modulate(norm1(x), shift_msa, scale_msa))      self-attention with RoPE-3D
 *   x = x + cross_attn(norm2(x), context)                                   text, LayerNorm with affine, no gate
 *   x = x + gate_mlp · mlp(modulate(norm3(x), shift_mlp, scale_mlp))
 * </pre>
 * The six modulation vectors come from {@code adaLN_modulation.1} on SiLU(c); zero-initialised, so every block starts
 * as the identity.
 */
public final class DitBlock extends Module {
    public final int dim;
    public final SelfAttention attn;
    public final LayerNorm norm2;
    public final MultiHeadAttention crossAttn;
    public final MLP mlp;
    public final Linear adaLN;

    public DitBlock(int dim, int heads, int mlpRatio, Rng rng) {
        this.dim = dim;
        attn = add("attn", new SelfAttention(dim, heads, rng));
        norm2 = add("norm2", new LayerNorm(dim, 1e-6f, true));
        crossAttn = add("cross_attn", new MultiHeadAttention(dim, heads, dim, true, rng));
        mlp = add("mlp", new MLP(dim, mlpRatio * dim, rng));
        adaLN = add("adaLN_modulation", new TimestepEmbedder.Seq()).put("1", new Linear(dim, 6 * dim, true, rng));
    }

    /** x [B, N, D], c [B, D], context [B, L, D] with mask [B, L] → [B, N, D]. */
    public Tensor forward(Tensor x, Tensor c, Tensor context, Tensor contextMask, Rope3d rope) {
        Tensor mod = adaLN.forward(F.silu(c)); // [B, 6D]
        Tensor shiftMsa = chunk(mod, 0), scaleMsa = chunk(mod, 1), gateMsa = chunk(mod, 2);
        Tensor shiftMlp = chunk(mod, 3), scaleMlp = chunk(mod, 4), gateMlp = chunk(mod, 5);
        x = F.gatedAdd(x, gateMsa, attn.forward(modulate(x, shiftMsa, scaleMsa), rope, null));
        x = x.add(crossAttn.forward(norm2.forward(x), context, contextMask));
        return F.gatedAdd(x, gateMlp, mlp.forward(modulate(x, shiftMlp, scaleMlp)));
    }

    /** Piece {@code i} of a [B, k·D] modulation as [B, 1, D] (broadcasts over tokens). */
    Tensor chunk(Tensor mod, int i) { return mod.narrow(1, i * dim, dim).unsqueeze(1); }

    /** LayerNorm(x) without affine, eps 1e-6 as in DiT, times (1 + scale) plus shift: one fused op. */
    static Tensor modulate(Tensor x, Tensor shift, Tensor scale) { return F.adaLayerNorm(x, shift, scale, 1e-6f); }
}
