package dev.tessera.engine.kernels;

/**
 * Single-precision matrix multiply, BLAS style, row-major:
 * {@code C[m×n] = alpha · op(A)[m×k] · op(B)[k×n] + beta · C}.
 *
 * <p>Storage (all row-major, each matrix an array + offset + leading dimension = distance between rows):
 * <ul>
 *   <li>{@code transA == false}: A is m×k, element (i,p) at {@code a[aOff + i*lda + p]}, {@code lda >= k};
 *       {@code transA == true}: A is stored k×m, op(A)(i,p) at {@code a[aOff + p*lda + i]}, {@code lda >= m}.</li>
 *   <li>{@code transB == false}: B is k×n, element (p,j) at {@code b[bOff + p*ldb + j]}, {@code ldb >= n};
 *       {@code transB == true}: B is stored n×k, op(B)(p,j) at {@code b[bOff + j*ldb + p]}, {@code ldb >= k}.</li>
 *   <li>C is m×n, element (i,j) at {@code c[cOff + i*ldc + j]}, {@code ldc >= n}.</li>
 * </ul>
 * As in BLAS, {@code beta == 0} ignores the old contents of C (NaN in C does not leak through).
 *
 * <p>The fast path is {@link SgemmVector} (Vector API, register tile 12×32, packed A strips and B panels); the plain triple loop
 * {@link #sgemmReference} is its reference twin and runs instead when {@link Kernels#reference()} is on. The fast path
 * gives bit-identical results for every thread count: each C element sums k in the same blocked order.
 */
public final class Sgemm {
    private Sgemm() {}

    /** {@code C = alpha·op(A)·op(B) + beta·C}; see the class comment for the storage convention. */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        validate(transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, 1);
        if (m == 0 || n == 0) return;
        if (Kernels.reference()) {
            sgemmReference(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            SgemmVector.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /**
     * {@code C = op(A)·op(B) + bias}, the bias row ({@code n} floats at {@code biasOff}) added to every row of C — a
     * linear layer's forward in one pass over C (old C ignored, as beta = 0).
     */
    public static void sgemmBias(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        validate(transA, transB, m, n, k, a, aOff, lda, 0, b, bOff, ldb, 0, c, cOff, ldc, 0, 1);
        if (m == 0 || n == 0) return;
        Kernels.checkRange("sgemm bias", bias.length, biasOff, n);
        if (Kernels.reference()) {
            sgemmBiasReference(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, bias, biasOff, c, cOff, ldc);
        } else {
            SgemmVector.sgemm(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, bias, biasOff, c, cOff, ldc);
        }
    }

    /** The reference twin of {@link #sgemmBias}: the triple loop, then the bias added in float. */
    public static void sgemmBiasReference(boolean transA, boolean transB, int m, int n, int k,
                                          float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                          float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        sgemmReference(transA, transB, m, n, k, 1f, a, aOff, lda, b, bOff, ldb, 0f, c, cOff, ldc);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] += bias[biasOff + j];
    }

    /**
     * Batched strided multiply: for {@code t} in {@code [0, batch)},
     * {@code C_t = alpha·op(A_t)·op(B_t) + beta·C_t} with {@code A_t} at {@code aOff + t*strideA} (likewise B, C).
     * A stride of 0 broadcasts one matrix over the batch (e.g. a shared weight); C's stride must not make two batch
     * entries overlap.
     */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int aOff, int lda, long strideA,
                                    float[] b, int bOff, int ldb, long strideB,
                                    float beta, float[] c, int cOff, int ldc, long strideC) {
        Kernels.check(batch >= 0, "sgemmBatched: batch must be >= 0, got " + batch);
        if (batch == 0) return;
        validate(transA, transB, m, n, k, a, aOff, lda, strideA, b, bOff, ldb, strideB, c, cOff, ldc, strideC, batch);
        Kernels.check(batch == 1 || (long) strideC >= (long) (m - 1) * ldc + n || m == 0 || n == 0,
                "sgemmBatched: strideC " + strideC + " makes batch entries of C overlap");
        if (m == 0 || n == 0) return;
        if (Kernels.reference()) {
            for (int t = 0; t < batch; t++)
                sgemmReference(transA, transB, m, n, k, alpha, a, (int) (aOff + t * strideA), lda,
                        b, (int) (bOff + t * strideB), ldb, beta, c, (int) (cOff + t * strideC), ldc);
        } else {
            SgemmVector.sgemmBatched(batch, transA, transB, m, n, k, alpha, a, aOff, lda, strideA,
                    b, bOff, ldb, strideB, beta, c, cOff, ldc, strideC);
        }
    }

    /** The reference twin: a plain triple loop, k summed in order in float. */
    public static void sgemmReference(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                      float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : alpha * s + beta * c[ci];
            }
        }
    }

    private static void validate(boolean transA, boolean transB, int m, int n, int k,
                                 float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB,
                                 float[] c, int cOff, int ldc, long strideC, int batch) {
        Kernels.check(m >= 0 && n >= 0 && k >= 0, "sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        Kernels.check(lda >= Math.max(1, aCols), "sgemm: lda=" + lda + " < " + aCols);
        Kernels.check(ldb >= Math.max(1, bCols), "sgemm: ldb=" + ldb + " < " + bCols);
        Kernels.check(ldc >= Math.max(1, n), "sgemm: ldc=" + ldc + " < " + n);
        Kernels.check(strideA >= 0 && strideB >= 0 && strideC >= 0, "sgemm: negative batch stride");
        long last = batch - 1L;
        if (aRows > 0 && aCols > 0) Kernels.checkRange("sgemm A", a.length, aOff, last * strideA + (long) (aRows - 1) * lda + aCols);
        if (bRows > 0 && bCols > 0) Kernels.checkRange("sgemm B", b.length, bOff, last * strideB + (long) (bRows - 1) * ldb + bCols);
        if (m > 0 && n > 0) Kernels.checkRange("sgemm C", c.length, cOff, last * strideC + (long) (m - 1) * ldc + n);
    }
}
