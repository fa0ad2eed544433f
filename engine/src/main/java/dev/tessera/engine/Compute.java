package dev.tessera.engine;

import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.Sgemm;

/**
 * The seam between the ops and the heavy math: matmuls go through here to {@link Sgemm}, attention and convolution
 * call {@code kernels.Attention} / {@code kernels.Conv} directly. Each kernel runs its plain-loop twin when
 * {@link Kernels#reference()} is on ({@code -Dtessera.reference=true}). A second backend plugs in here and in
 * {@link Storage}.
 */
final class Compute {
    private Compute() {}

    static boolean reference() { return Kernels.reference(); }

    /**
     * C[M×N] (+)= op(A)[M×K] · op(B)[K×N], row-major. A is read at {@code A[aOff + i*lda + k]} (or
     * {@code A[aOff + k*lda + i]} when transposed), likewise B; with {@code accumulate} C is added to.
     */
    static void sgemm(boolean ta, boolean tb, int M, int N, int K,
                      float[] A, int aOff, int lda, float[] B, int bOff, int ldb,
                      float[] C, int cOff, int ldc, boolean accumulate) {
        if (M == 0 || N == 0) return;
        if (K == 0) {
            if (!accumulate) for (int i = 0; i < M; i++) java.util.Arrays.fill(C, cOff + i * ldc, cOff + i * ldc + N, 0f);
            return;
        }
        Sgemm.sgemm(ta, tb, M, N, K, 1f, A, aOff, Math.max(lda, 1), B, bOff, Math.max(ldb, 1), accumulate ? 1f : 0f, C, cOff, ldc);
    }

    /** C[M×N] = op(A)[M×K] · op(B)[K×N] + bias (one row of N, added to every row of C). */
    static void sgemmBias(boolean ta, boolean tb, int M, int N, int K,
                          float[] A, int aOff, int lda, float[] B, int bOff, int ldb,
                          float[] bias, float[] C, int cOff, int ldc) {
        if (M == 0 || N == 0) return;
        Sgemm.sgemmBias(ta, tb, M, N, K, A, aOff, Math.max(lda, 1), B, bOff, Math.max(ldb, 1), bias, 0, C, cOff, ldc);
    }
}
