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
        boolean[] mask = null;
        if (keyMask != null) {
            if (keyMask.dim() != 2 || keyMask.shape[0] != B || keyMask.shape[1] != Nk)
                throw new IllegalArgumentException("attention key mask must be [B, Nk] = [" + B + ", " + Nk + "], got " + Shapes.str(keyMask.shape));
            float[] md = keyMask.data();
            mask = new boolean[md.length];
            for (int i = 0; i < md.length; i++) mask[i] = md[i] != 0f;
        }
        AttentionShape s = new AttentionShape(B, H, Nq, Nk, D, scale, causal);
        Operand Q = operand(q), K = operand(k), V = operand(v);
        HeadLayout ol = HeadLayout.bhnd(H, Nq, D);
        float[] out = new float[B * H * Nq * D];
        boolean grad = Grad.needed(q, k, v);
        float[] lse = grad ? new float[B * H * Nq] : null;
        dev.tessera.engine.kernels.Attention.forward(s, Q.data, Q.layout, K.data, K.layout, V.data, V.layout, mask, out, ol, lse, 0);
        if (!grad) return Tensor.result(out, new int[] {B, H, Nq, D}, null);
        boolean[] m = mask;
        return Tensor.result(out, new int[] {B, H, Nq, D}, g -> {
            float[] dq = new float[B * H * Nq * D], dk = new float[B * H * Nk * D], dv = new float[B * H * Nk * D];
            HeadLayout kl = HeadLayout.bhnd(H, Nk, D);
            dev.tessera.engine.kernels.Attention.backward(s, Q.data, Q.layout, K.data, K.layout, V.data, V.layout, m,
                    out, ol, lse, 0, g, ol, dq, ol, dk, kl, dv, kl);
            Tensor.addGrad(q, dq);
            Tensor.addGrad(k, dk);
            Tensor.addGrad(v, dv);
        }, q, k, v);
    }
}
