package dev.tessera.engine.kernels;

/** Fast SGEMM (work in progress: delegates to the reference loop until the Vector API kernel lands). */
final class SgemmVector {
    private SgemmVector() {}

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        Sgemm.sgemmReference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB,
                             float beta, float[] c, int cOff, int ldc, long strideC) {
        for (int t = 0; t < batch; t++)
            sgemm(transA, transB, m, n, k, alpha, a, (int) (aOff + t * strideA), lda,
                    b, (int) (bOff + t * strideB), ldb, beta, c, (int) (cOff + t * strideC), ldc);
    }
}
