package dev.tessera.engine.kernels;

/**
 * Fused scaled-dot-product attention, forward and backward:
 * {@code O = softmax(scale · Q·K^T + mask) · V} per (batch, head).
 *
 * <p>Operands: Q [B, H, Nq, Dh], K and V [B, H, Nk, Dh], O/dO [B, H, Nq, Dh], each at any {@link HeadLayout}
 * (unit stride along Dh). {@code keyMask} is null or a key-padding mask [B, Nk] ({@code keyMask[b*Nk + j] == false}
 * hides key j from every query of batch b). {@code lse} is the per-row log-sum-exp of the masked, scaled logits,
 * [B, H, Nq] contiguous: it is the only thing the forward saves for the backward besides O, so memory stays linear in
 * sequence length (the fast path tiles queries × keys with an online softmax and never forms the Nq×Nk matrix).
 * A query row that sees no key at all gets O = 0 and lse = -inf, and passes no gradient.
 *
 * <p>The backward recomputes the probabilities from Q, K and lse, and <em>overwrites</em> dQ, dK, dV (callers that
 * accumulate gradients add them up themselves). The reference twins are the textbook row-by-row loops.
 */
public final class Attention {
    private Attention() {}

    /**
     * Forward. Writes O and, when {@code lse != null}, the log-sum-exp rows at {@code lse[lseOff + (b*H + h)*Nq + i]}
     * (pass null in inference).
     */
    public static void forward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                               float[] v, HeadLayout vl, boolean[] keyMask,
                               float[] o, HeadLayout ol, float[] lse, int lseOff) {
        check(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff);
        if (Kernels.reference()) forwardReference(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff);
        else AttentionVector.forward(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff);
    }

    /**
     * Backward from the forward's O and lse and the output gradient dO; overwrites dQ (Q's layout dql), dK, dV.
     */
    public static void backward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                                float[] v, HeadLayout vl, boolean[] keyMask,
                                float[] o, HeadLayout ol, float[] lse, int lseOff, float[] dO, HeadLayout dol,
                                float[] dq, HeadLayout dql, float[] dk, HeadLayout dkl, float[] dv, HeadLayout dvl) {
        check(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff);
        Kernels.check(lse != null, "attention backward: needs the forward's lse");
        dol.checkFits("attention dO", dO.length, s.batch(), s.heads(), s.queries(), s.headDim());
        dql.checkFits("attention dQ", dq.length, s.batch(), s.heads(), s.queries(), s.headDim());
        dkl.checkFits("attention dK", dk.length, s.batch(), s.heads(), s.keys(), s.headDim());
        dvl.checkFits("attention dV", dv.length, s.batch(), s.heads(), s.keys(), s.headDim());
        if (Kernels.reference())
            backwardReference(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff, dO, dol, dq, dql, dk, dkl, dv, dvl);
        else
            AttentionVector.backward(s, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff, dO, dol, dq, dql, dk, dkl, dv, dvl);
    }

    private static void check(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                              float[] v, HeadLayout vl, boolean[] keyMask, float[] o, HeadLayout ol,
                              float[] lse, int lseOff) {
        int B = s.batch(), H = s.heads(), D = s.headDim();
        ql.checkFits("attention Q", q.length, B, H, s.queries(), D);
        kl.checkFits("attention K", k.length, B, H, s.keys(), D);
        vl.checkFits("attention V", v.length, B, H, s.keys(), D);
        ol.checkFits("attention O", o.length, B, H, s.queries(), D);
        if (keyMask != null)
            Kernels.check(keyMask.length >= (long) B * s.keys(),
                    "attention keyMask: needs " + (long) B * s.keys() + " entries [B, Nk], has " + keyMask.length);
        if (lse != null) Kernels.checkRange("attention lse", lse.length, lseOff, (long) B * H * s.queries());
    }

    /** True when query i may see key j (mask and causality). */
    static boolean visible(AttentionShape s, boolean[] keyMask, int b, int i, int j) {
        if (s.causal() && j > i) return false;
        return keyMask == null || keyMask[b * s.keys() + j];
    }

    /** Reference twin of {@link #forward}: one query row at a time, the full row of logits in memory. */
    public static void forwardReference(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                                        float[] v, HeadLayout vl, boolean[] keyMask,
                                        float[] o, HeadLayout ol, float[] lse, int lseOff) {
        int D = s.headDim(), nk = s.keys();
        float[] logits = new float[nk];
        for (int b = 0; b < s.batch(); b++)
            for (int h = 0; h < s.heads(); h++)
                for (int i = 0; i < s.queries(); i++) {
                    int qi = (int) ql.at(b, h, i);
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < nk; j++) {
                        if (!visible(s, keyMask, b, i, j)) { logits[j] = Float.NEGATIVE_INFINITY; continue; }
                        int kj = (int) kl.at(b, h, j);
                        float dot = 0f;
                        for (int d = 0; d < D; d++) dot += q[qi + d] * k[kj + d];
                        logits[j] = dot * s.scale();
                        max = Math.max(max, logits[j]);
                    }
                    int oi = (int) ol.at(b, h, i);
                    for (int d = 0; d < D; d++) o[oi + d] = 0f;
                    float l = 0f;
                    if (max != Float.NEGATIVE_INFINITY) {
                        for (int j = 0; j < nk; j++) {
                            if (logits[j] == Float.NEGATIVE_INFINITY) continue;
                            float p = (float) Math.exp(logits[j] - max);
                            l += p;
                            int vj = (int) vl.at(b, h, j);
                            for (int d = 0; d < D; d++) o[oi + d] += p * v[vj + d];
                        }
                        for (int d = 0; d < D; d++) o[oi + d] /= l;
                    }
                    if (lse != null)
                        lse[lseOff + (b * s.heads() + h) * s.queries() + i] =
                                max == Float.NEGATIVE_INFINITY ? Float.NEGATIVE_INFINITY : max + (float) Math.log(l);
                }
    }

    /** Reference twin of {@link #backward}: textbook loops over the full probability matrix of one (b, h). */
    public static void backwardReference(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                                         float[] v, HeadLayout vl, boolean[] keyMask,
                                         float[] o, HeadLayout ol, float[] lse, int lseOff, float[] dO, HeadLayout dol,
                                         float[] dq, HeadLayout dql, float[] dk, HeadLayout dkl,
                                         float[] dv, HeadLayout dvl) {
        int D = s.headDim(), nq = s.queries(), nk = s.keys();
        for (int b = 0; b < s.batch(); b++)
            for (int h = 0; h < s.heads(); h++) {
                for (int j = 0; j < nk; j++) {
                    int kj = (int) dkl.at(b, h, j), vj = (int) dvl.at(b, h, j);
                    for (int d = 0; d < D; d++) { dk[kj + d] = 0f; dv[vj + d] = 0f; }
                }
                for (int i = 0; i < nq; i++) {
                    int qi = (int) ql.at(b, h, i), oi = (int) ol.at(b, h, i), gi = (int) dol.at(b, h, i);
                    int dqi = (int) dql.at(b, h, i);
                    float rowLse = lse[lseOff + (b * s.heads() + h) * nq + i];
                    float delta = 0f;
                    for (int d = 0; d < D; d++) delta += dO[gi + d] * o[oi + d];
                    for (int d = 0; d < D; d++) dq[dqi + d] = 0f;
                    if (rowLse == Float.NEGATIVE_INFINITY) continue;
                    for (int j = 0; j < nk; j++) {
                        if (!visible(s, keyMask, b, i, j)) continue;
                        int kj = (int) kl.at(b, h, j), vj = (int) vl.at(b, h, j);
                        float dot = 0f;
                        for (int d = 0; d < D; d++) dot += q[qi + d] * k[kj + d];
                        float p = (float) Math.exp(dot * s.scale() - rowLse);
                        float dp = 0f;
                        for (int d = 0; d < D; d++) dp += dO[gi + d] * v[vj + d];
                        float ds = p * (dp - delta) * s.scale();
                        int dkj = (int) dkl.at(b, h, j), dvj = (int) dvl.at(b, h, j);
                        for (int d = 0; d < D; d++) {
                            dq[dqi + d] += ds * k[kj + d];
                            dk[dkj + d] += ds * q[qi + d];
                            dv[dvj + d] += p * dO[gi + d];
                        }
                    }
                }
            }
    }
}
