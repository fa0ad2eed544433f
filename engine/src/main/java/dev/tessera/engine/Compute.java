package dev.tessera.engine;

/**
 * The one seam between the ops and the heavy math. Every matmul, convolution and attention in the engine calls
 * through here, so the fast kernels (and later a second backend) plug in at a single place. Arrays are row-major
 * fp32; "op(X)" means X or its transpose.
 */
final class Compute {
    private Compute() {}

    /** Runs every op on the plain-loop reference twins ({@code -Dtessera.reference=true}). */
    static boolean reference() { return Boolean.getBoolean("tessera.reference"); }

    /**
     * C[M×N] (+)= op(A)[M×K] · op(B)[K×N]. A is read at {@code A[aOff + i*lda + k]} (or {@code A[aOff + k*lda + i]}
     * when transposed), likewise B; C at {@code C[cOff + i*ldc + j]}. With {@code accumulate} C is added to.
     */
    static void sgemm(boolean ta, boolean tb, int M, int N, int K,
                      float[] A, int aOff, int lda, float[] B, int bOff, int ldb,
                      float[] C, int cOff, int ldc, boolean accumulate) {
        sgemmReference(ta, tb, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
    }

    /** Plain loops (i-k-j order so the inner loop streams a row of B); the twin of the fast sgemm. */
    static void sgemmReference(boolean ta, boolean tb, int M, int N, int K,
                               float[] A, int aOff, int lda, float[] B, int bOff, int ldb,
                               float[] C, int cOff, int ldc, boolean accumulate) {
        float[] b = B;
        int bo = bOff, lb = ldb;
        if (tb) { // pack op(B) row-major so the inner loop is contiguous
            b = new float[K * N];
            for (int k = 0; k < K; k++)
                for (int j = 0; j < N; j++) b[k * N + j] = B[bOff + j * ldb + k];
            bo = 0;
            lb = N;
        }
        for (int i = 0; i < M; i++) {
            int c = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(C, c, c + N, 0f);
            for (int k = 0; k < K; k++) {
                float a = ta ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
                if (a == 0f) continue;
                int r = bo + k * lb;
                for (int j = 0; j < N; j++) C[c + j] += a * b[r + j];
            }
        }
    }

    /**
     * Scaled-dot-product attention forward for contiguous q [B,H,Nq,D], k/v [B,H,Nk,D]; {@code keyMask} [B, Nk]
     * (true = attend) or null. Writes out [B,H,Nq,D] and the row log-sum-exp lse [B,H,Nq] kept for the backward.
     */
    static void attentionForward(float[] q, float[] k, float[] v, boolean[] keyMask, int B, int H, int Nq, int Nk, int D,
                                 float scale, float[] out, float[] lse) {
        attentionForwardReference(q, k, v, keyMask, B, H, Nq, Nk, D, scale, out, lse);
    }

    static void attentionBackward(float[] q, float[] k, float[] v, boolean[] keyMask, float[] out, float[] lse, float[] dOut,
                                  int B, int H, int Nq, int Nk, int D, float scale, float[] dq, float[] dk, float[] dv) {
        attentionBackwardReference(q, k, v, keyMask, out, lse, dOut, B, H, Nq, Nk, D, scale, dq, dk, dv);
    }

    /**
     * One query row at a time with a score row of Nk floats: memory linear in sequence length. A query whose keys
     * are all masked gets a zero output (lse = +inf so its backward contributes nothing).
     */
    static void attentionForwardReference(float[] q, float[] k, float[] v, boolean[] keyMask, int B, int H, int Nq, int Nk, int D,
                                          float scale, float[] out, float[] lse) {
        float[] s = new float[Nk];
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, qo = bh * Nq * D, ko = bh * Nk * D;
                for (int i = 0; i < Nq; i++) {
                    float m = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < Nk; j++) {
                        if (keyMask != null && !keyMask[b * Nk + j]) {
                            s[j] = Float.NEGATIVE_INFINITY;
                            continue;
                        }
                        float acc = 0;
                        for (int d = 0; d < D; d++) acc += q[qo + i * D + d] * k[ko + j * D + d];
                        s[j] = acc * scale;
                        m = Math.max(m, s[j]);
                    }
                    int o = qo + i * D;
                    java.util.Arrays.fill(out, o, o + D, 0f);
                    if (m == Float.NEGATIVE_INFINITY) {
                        lse[bh * Nq + i] = Float.POSITIVE_INFINITY;
                        continue;
                    }
                    float l = 0;
                    for (int j = 0; j < Nk; j++) {
                        float p = s[j] == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(s[j] - m);
                        l += p;
                        if (p != 0f) for (int d = 0; d < D; d++) out[o + d] += p * v[ko + j * D + d];
                    }
                    float inv = 1f / l;
                    for (int d = 0; d < D; d++) out[o + d] *= inv;
                    lse[bh * Nq + i] = m + (float) Math.log(l);
                }
            }
    }

    static void attentionBackwardReference(float[] q, float[] k, float[] v, boolean[] keyMask, float[] out, float[] lse, float[] dOut,
                                           int B, int H, int Nq, int Nk, int D, float scale, float[] dq, float[] dk, float[] dv) {
        for (int b = 0; b < B; b++)
            for (int h = 0; h < H; h++) {
                int bh = b * H + h, qo = bh * Nq * D, ko = bh * Nk * D;
                for (int i = 0; i < Nq; i++) {
                    float L = lse[bh * Nq + i];
                    if (L == Float.POSITIVE_INFINITY) continue;
                    int o = qo + i * D;
                    float di = 0; // D_i = dO_i · O_i
                    for (int d = 0; d < D; d++) di += dOut[o + d] * out[o + d];
                    for (int j = 0; j < Nk; j++) {
                        if (keyMask != null && !keyMask[b * Nk + j]) continue;
                        float sc = 0, dp = 0;
                        for (int d = 0; d < D; d++) {
                            sc += q[o + d] * k[ko + j * D + d];
                            dp += dOut[o + d] * v[ko + j * D + d];
                        }
                        float p = (float) Math.exp(sc * scale - L);
                        float ds = p * (dp - di) * scale;
                        for (int d = 0; d < D; d++) {
                            dv[ko + j * D + d] += p * dOut[o + d];
                            dq[o + d] += ds * k[ko + j * D + d];
                            dk[ko + j * D + d] += ds * q[o + d];
                        }
                    }
                }
            }
    }
}
