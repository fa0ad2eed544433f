package dev.tessera.engine;

/** Fused scaled-dot-product attention and rotary position embeddings. */
final class Attention {
    private Attention() {}

    /** q [B,H,Nq,D], k/v [B,H,Nk,D], keyMask [B,Nk] (nonzero = attend) or null → [B,H,Nq,D]. */
    static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor keyMask, float scale) {
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
        float[] qd = q.data(), kd = k.data(), vd = v.data();
        float[] out = new float[B * H * Nq * D], lse = new float[B * H * Nq];
        Compute.attentionForward(qd, kd, vd, mask, B, H, Nq, Nk, D, scale, out, lse);
        boolean[] m = mask;
        return Tensor.result(out, new int[] {B, H, Nq, D}, g -> {
            float[] dq = new float[qd.length], dk = new float[kd.length], dv = new float[vd.length];
            Compute.attentionBackward(qd, kd, vd, m, out, lse, g, B, H, Nq, Nk, D, scale, dq, dk, dv);
            Tensor.addGrad(q, dq);
            Tensor.addGrad(k, dk);
            Tensor.addGrad(v, dv);
        }, q, k, v);
    }
}
