package dev.tessera.model.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;

/**
 * Multi-head self-attention with rotary positions and an optional key mask (the text encoder masks padding; the DiT
 * has none). Parameters {@code qkv} [3D, D] and {@code proj} [D, D], the names DiT and the engine use.
 */
public final class SelfAttention extends Module {
    public final int dim, heads, headDim;
    public final Linear qkv, proj;

    public SelfAttention(int dim, int heads, Rng rng) {
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " not divisible by " + heads + " heads");
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        qkv = add("qkv", new Linear(dim, 3 * dim, true, rng));
        proj = add("proj", new Linear(dim, dim, true, rng));
    }

    /** x [B, N, D], rope for N tokens (or null), keyMask [B, N] (or null) → [B, N, D]. */
    public Tensor forward(Tensor x, Rope3d rope, Tensor keyMask) {
        // fused: split q|k|v per head, rotate q and k, flash attention, merge heads — no copies in between
        Tensor o = F.attentionQkv(qkv.forward(x), heads, rope == null ? null : rope.table(), keyMask, false); // [B, N, D]
        return proj.forward(o);
    }
}
