package dev.tessera.engine;

import dev.tessera.engine.kernels.AttentionShape;
import dev.tessera.engine.kernels.HeadLayout;

/** Fused scaled-dot-product attention over the flash kernel; q/k/v views are read in place when unit-stride in D. */
final class Attention {
    private Attention() {}

    private record Operand(float[] data, HeadLayout layout) {}

    /** Heap fp32 view with unit stride along the head dim → read in place; anything else → contiguous copy. */
    private static Operand operand(Tensor t) {
        float[] a = t.storage.heapArray();
        if (a != null && (t.strides[3] == 1 || t.shape[3] == 1) && t.strides[0] >= 0 && t.strides[1] >= 0 && t.strides[2] >= 0)
            return new Operand(a, new HeadLayout(t.offset, t.strides[0], t.strides[1], t.strides[2]));
        return new Operand(t.data(), HeadLayout.bhnd(t.shape[1], t.shape[2], t.shape[3]));
    }

    /** q [B,H,Nq,D], k/v [B,H,Nk,D], keyMask [B,Nk] (nonzero = attend) or null → [B,H,Nq,D]. */
    static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor keyMask, float scale, boolean causal) {
        if (q.dim() != 4 || k.dim() != 4 || v.dim() != 4)
            throw new IllegalArgumentException("attention wants [B,H,N,D] tensors, got " + Shapes.str(q.shape) + ", " + Shapes.str(k.shape) + ", " + Shapes.str(v.shape));
        int B = q.shape[0], H = q.shape[1], Nq = q.shape[2], D = q.shape[3], Nk = k.shape[2];
        if (k.shape[0] != B || k.shape[1] != H || k.shape[3] != D || !java.util.Arrays.equals(k.shape, v.shape))
            throw new IllegalArgumentException("attention: q " + Shapes.str(q.shape) + ", k " + Shapes.str(k.shape) + ", v " + Shapes.str(v.shape) + " do not match");
        boolean[] mask = maskOf(keyMask, B, Nk);
        AttentionShape s = new AttentionShape(B, H, Nq, Nk, D, scale, causal);
        Operand Q = operand(q), K = operand(k), V = operand(v);
        // O is written as [B, Nq, H, D] and returned as a [B, H, Nq, D] view of it, so the usual
        // o.permute(0, 2, 1, 3).reshape(B, Nq, H·D) before the output projection costs no copy.
        HeadLayout ol = HeadLayout.bnhd(Nq, H, D);
        float[] out = new float[B * H * Nq * D];
        boolean grad = Grad.needed(q, k, v);
        float[] lse = grad ? new float[B * H * Nq] : null;
        dev.tessera.engine.kernels.Attention.forward(s, Q.data, Q.layout, K.data, K.layout, V.data, V.layout, mask, out, ol, lse, 0);
        int[] shape = {B, H, Nq, D}, strides = {Nq * H * D, D, H * D, 1};
        if (!grad) return Tensor.resultStrided(out, shape, strides, null);
        boolean[] m = mask;
        return Tensor.resultStrided(out, shape, strides, g -> {
            float[] dq = new float[B * H * Nq * D], dk = new float[B * H * Nk * D], dv = new float[B * H * Nk * D];
            HeadLayout ql = HeadLayout.bhnd(H, Nq, D), kl = HeadLayout.bhnd(H, Nk, D);
            dev.tessera.engine.kernels.Attention.backward(s, Q.data, Q.layout, K.data, K.layout, V.data, V.layout, m,
                    out, ol, lse, 0, g, ql, dq, ql, dk, kl, dv, kl);
            Tensor.addGrad(q, dq);
            Tensor.addGrad(k, dk);
            Tensor.addGrad(v, dv);
        }, q, k, v);
    }

    static boolean[] maskOf(Tensor keyMask, int B, int Nk) {
        if (keyMask == null) return null;
        if (keyMask.dim() != 2 || keyMask.shape[0] != B || keyMask.shape[1] != Nk)
            throw new IllegalArgumentException("attention key mask must be [B, Nk] = [" + B + ", " + Nk + "], got " + Shapes.str(keyMask.shape));
        float[] md = keyMask.data();
        boolean[] mask = new boolean[md.length];
        for (int i = 0; i < md.length; i++) mask[i] = md[i] != 0f;
        return mask;
    }

    /**
     * Fused self-attention straight from a qkv projection: qkv [B, N, 3·H·hd] (q, k, v each split into H heads, the
     * layout of {@code Linear(D, 3D)}) → [B, N, H·hd]. Reads q/k/v in place from the packed buffer, rotates q and k
     * by {@code rope} when given, and writes one packed gradient for qkv — no permute or scatter copies.
     */
    static Tensor packedSelfAttention(Tensor qkv, int heads, Rope rope, Tensor keyMask, boolean causal) {
        if (qkv.dim() != 3 || qkv.shape[2] % (3 * heads) != 0)
            throw new IllegalArgumentException("packed attention wants qkv [B, N, 3·heads·hd] with " + heads + " heads, got " + Shapes.str(qkv.shape));
        int B = qkv.shape[0], N = qkv.shape[1], D = qkv.shape[2] / 3, hd = D / heads;
        if (rope != null && (rope.headDim() != hd || rope.positions() != N))
            throw new IllegalArgumentException("rope table [" + rope.positions() + " positions, head dim " + rope.headDim() + "] for " + N + " tokens of head dim " + hd);
        boolean[] mask = maskOf(keyMask, B, N);
        float[] src = qkv.data();
        float[] x = src;
        long row = 3L * D;
        if (rope != null) {
            x = src.clone();
            rope.rotateInPlace(x, 0, N * row, row, hd, B, N, heads, false);
            rope.rotateInPlace(x, D, N * row, row, hd, B, N, heads, false);
        }
        HeadLayout ql = HeadLayout.packed(N, 3, 0, heads, hd), kl = HeadLayout.packed(N, 3, 1, heads, hd), vl = HeadLayout.packed(N, 3, 2, heads, hd);
        HeadLayout ol = HeadLayout.bnhd(N, heads, hd);
        AttentionShape s = new AttentionShape(B, heads, N, N, hd, (float) (1.0 / Math.sqrt(hd)), causal);
        float[] out = new float[B * N * D];
        boolean grad = Grad.needed(qkv);
        float[] lse = grad ? new float[B * heads * N] : null;
        dev.tessera.engine.kernels.Attention.forward(s, x, ql, x, kl, x, vl, mask, out, ol, lse, 0);
        if (!grad) return Tensor.result(out, new int[] {B, N, D}, null);
        float[] xr = x;
        return Tensor.result(out, new int[] {B, N, D}, g -> {
            float[] d = new float[src.length];
            dev.tessera.engine.kernels.Attention.backward(s, xr, ql, xr, kl, xr, vl, mask, out, ol, lse, 0, g, ol, d, ql, d, kl, d, vl);
            if (rope != null) {
                rope.rotateInPlace(d, 0, N * row, row, hd, B, N, heads, true);
                rope.rotateInPlace(d, D, N * row, row, hd, B, N, heads, true);
            }
            Tensor.addGrad(qkv, d);
        }, qkv);
    }
}
