package dev.tessera.engine.nn;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Rope;
import dev.tessera.engine.Tensor;

/**
 * Multi-head attention. Self-attention uses one fused projection {@code qkv} [3D, D]; cross-attention
 * ({@code contextDim > 0}) uses {@code q} [D, D] and {@code kv} [2D, Dc]. Output projection {@code proj}.
 * An optional {@link Rope} table rotates q and k (1D or 3D rotary positions) before attention.
 */
public final class MultiHeadAttention extends Module {
    public final int dim, heads, headDim;
    public final boolean cross;
    public final Linear qkv, q, kv, proj;

    public MultiHeadAttention(int dim, int heads, int contextDim, boolean qkvBias, Rng rng) {
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " not divisible by " + heads + " heads");
        this.dim = dim;
        this.heads = heads;
        this.headDim = dim / heads;
        this.cross = contextDim > 0;
        if (cross) {
            qkv = null;
            q = add("q", new Linear(dim, dim, qkvBias, rng));
            kv = add("kv", new Linear(contextDim, 2 * dim, qkvBias, rng));
        } else {
            qkv = add("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
            q = null;
            kv = null;
        }
        proj = add("proj", new Linear(dim, dim, true, rng));
    }

    /** Self-attention: x [B, N, D] → [B, N, D]; rope (for N positions, head dim D/heads) or null. */
    public Tensor forward(Tensor x, Rope rope) {
        return proj.forward(F.attentionQkv(qkv.forward(x), heads, rope, null, false)); // [B, N, 3D] -> [B, N, D]
    }

    /** Cross-attention: x [B, N, D] attends to context [B, L, Dc]; contextMask [B, L] (1 = token) or null. */
    public Tensor forward(Tensor x, Tensor context, Tensor contextMask) {
        if (!cross) throw new IllegalStateException("this attention was built for self-attention (contextDim = 0)");
        int B = x.size(0), N = x.size(1), L = context.size(1);
        Tensor qh = q.forward(x).reshape(B, N, heads, headDim).permute(0, 2, 1, 3);               // [B, H, N, hd]
        Tensor kvh = kv.forward(context).reshape(B, L, 2, heads, headDim).permute(2, 0, 3, 1, 4); // [2, B, H, L, hd]
        Tensor o = F.attention(qh, kvh.select(0, 0), kvh.select(0, 1), contextMask);
        return proj.forward(o.permute(0, 2, 1, 3).reshape(B, N, dim));
    }
}
