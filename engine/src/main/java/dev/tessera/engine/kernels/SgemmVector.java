package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast SGEMM behind {@link Sgemm}: Vector API, BLIS-style blocking. Measured on the development machine (Intel
 * AVX-512, two 512-bit FMA ports, FMA peak ~225 GFLOP/s per core — twice the ~115 of the AMD part the issue was
 * written against): the register tile of {@value #MR} rows × 4 vectors (24 accumulators, 29 of 32 zmm registers) ran
 * its inner loop at ~94% of peak in isolation, 5 × 4 at ~87%; pre-broadcast A vectors (load instead of broadcast) were
 * 2× slower. What matters as much is where the operands live: the packed B micro-panel (KC × NR = 32 KB) must sit in
 * L1 (k-blocks of 192+ dropped the kernel to ~70%), the C block (MC × NC) in L2 for the whole k loop, and A is read
 * in place with unit stride along k (packed only when transposed or for the row tail).
 *
 * <p>In the full multiply this reaches ~0.55–0.65 of the FMA peak on one thread (packing, the C update per k-block
 * and L2 traffic take the rest); closing that gap is open work.
 *
 * <p>Parallelism: the M strips (or, for wide-and-short products, the N panels) are cut into static chunks, one per
 * thread; every C element is summed over k in the same blocked order whatever the thread count, so results are
 * bit-identical across thread counts. Each thread packs its own B block (no barrier, no shared mutable state).
 */
final class SgemmVector {
    private SgemmVector() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Register tile: MR rows × NR = 4 vectors (24 accumulators + 4 B vectors + 1 broadcast = 29 of 32 zmm). */
    static final int MR = 6;
    static final int NR = 4 * L;
    /** k-block: one packed B micro-panel (KC × NR floats = 32 KB) stays in L1 while A strips stream from L2. */
    static final int KC = 128;
    /** Rows per packed A block (a multiple of MR): MC × KC floats stay in L2. */
    static final int MC = 40 * MR;
    /** Columns per packed B block (a multiple of NR): KC × NC floats stay in L2. */
    static final int NC = 16 * NR;

    /** Cap on one thread's packed B block (k × column block), 16 MB. */
    static final int B_LIMIT = 1 << 22;
    private static final ThreadLocal<float[][]> PACK = ThreadLocal.withInitial(() -> new float[][] {new float[KC * NC]});
    private static final ThreadLocal<float[]> APACK = ThreadLocal.withInitial(() -> new float[KC * MC]);
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[MR * NR]);

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (k == 0 || alpha == 0f) {
            Parallel.forRange(m, (ch, i0, i1) -> scaleC(c, cOff, ldc, i0, i1, 0, n, beta));
            return;
        }
        if (n < L || m < MR || (long) m * n * k < 8L * NR * NR) {
            Parallel.forRange(m, (ch, i0, i1) ->
                    small(transA, transB, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
            return;
        }
        int strips = (m + MR - 1) / MR, panels = (n + NR - 1) / NR;
        int t = Parallel.inTask() ? 1 : Parallel.threads();
        if (t > 1 && panels >= 2 * t && panels > strips) {
            Parallel.forRange(panels, (ch, p0, p1) -> blocked(transA, transB, 0, m, p0 * NR, Math.min(n, p1 * NR), k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        } else {
            Parallel.forRange(strips, (ch, s0, s1) -> blocked(transA, transB, s0 * MR, Math.min(m, s1 * MR), 0, n, k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
        }
    }

    static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, long strideA, float[] b, int bOff, int ldb, long strideB,
                             float beta, float[] c, int cOff, int ldc, long strideC) {
        if (batch >= Parallel.threads() || Parallel.inTask()) {
            Parallel.forRange(batch, (ch, t0, t1) -> {
                for (int t = t0; t < t1; t++)
                    sgemm(transA, transB, m, n, k, alpha, a, (int) (aOff + t * strideA), lda,
                            b, (int) (bOff + t * strideB), ldb, beta, c, (int) (cOff + t * strideC), ldc);
            });
        } else {
            for (int t = 0; t < batch; t++)
                sgemm(transA, transB, m, n, k, alpha, a, (int) (aOff + t * strideA), lda,
                        b, (int) (bOff + t * strideB), ldb, beta, c, (int) (cOff + t * strideC), ldc);
        }
    }

    /** C[i0:i1, j0:j1] *= beta (beta == 0 writes zeros, so NaN/garbage in C is ignored as BLAS does). */
    private static void scaleC(float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1, float beta) {
        if (beta == 1f) return;
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, row + j0, row + j1, 0f);
            else for (int j = j0; j < j1; j++) c[row + j] *= beta;
        }
    }

    /**
     * The blocked product for rows [i0, i1) and columns [j0, j1) of C. A C block (MC × NC) stays in L2 for the
     * whole k loop (C is read and written once per k-block, so streaming all of C per k-block from memory cost ~25%);
     * within it each packed B micro-panel (KC × NR, L1) meets every packed A strip (MR × KC, streamed from L2), so
     * the kernel's B loads hit L1. B is re-packed per MC rows and A per NC columns: both are O(1/MC + 1/NC) of the
     * multiply.
     */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        scaleC(c, cOff, ldc, i0, i1, j0, j1, beta);
        // all k-blocks of a B column block are packed once and reused by every row block (repacking per row block
        // cost ~10% of a transformer linear layer, whose B = Wᵀ needs a transposing pack); wide-k products get
        // narrower column blocks so the packed block stays under B_LIMIT floats
        int ncMax = Math.max(NR, Math.min(NC, B_LIMIT / Math.max(1, k) / NR * NR));
        float[][] holder = PACK.get();
        if (holder[0].length < k * ncMax) holder[0] = new float[k * ncMax];
        float[] bp = holder[0];
        float[] ap = APACK.get();
        float[] tile = TILE.get();
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc), np = (nc + NR - 1) / NR;
            for (int pc = 0; pc < k; pc += KC)
                packB(transB, b, bOff, ldb, pc, Math.min(KC, k - pc), jc, nc, bp, pc * np * NR);
            for (int ic = i0; ic < i1; ic += MC) {
                int mc = Math.min(MC, i1 - ic), ns = (mc + MR - 1) / MR;
                boolean packedA = transA || mc % MR != 0;
                for (int pc = 0; pc < k; pc += KC) {
                    int kc = Math.min(KC, k - pc);
                    if (packedA)
                        for (int st = 0; st < ns; st++)
                            packA(transA, a, aOff, lda, ic + st * MR, Math.min(MR, mc - st * MR), pc, kc, ap, st * kc * MR);
                    for (int q = 0; q < np; q++) {
                        int j = jc + q * NR, cols = Math.min(NR, jc + nc - j), pb = pc * np * NR + q * kc * NR;
                        for (int st = 0; st < ns; st++) {
                            int i = ic + st * MR, rows = Math.min(MR, mc - st * MR);
                            if (packedA) micro(kc, ap, st * kc * MR, kc, bp, pb, NR, tile);
                            else micro(kc, a, aOff + i * lda + pc, lda, bp, pb, NR, tile);
                            addTile(tile, rows, cols, alpha, c, cOff + i * ldc + j, ldc);
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs the strip op(A)[i:i+rows, pc:pc+kc] row by row at ap[at + r*kc + p], zero rows past {@code rows}. Only
     * needed when A is transposed or the block has a row tail; otherwise the kernel reads A in place. Either way the
     * kernel sees rows with unit stride along k, so C2 removes its bounds checks (with a variable stride along k it
     * cannot, and the compare-and-branch per row and k step competed with the FMAs for port 0).
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i, int rows, int pc, int kc,
                              float[] ap, int at) {
        if (rows < MR) java.util.Arrays.fill(ap, at, at + kc * MR, 0f);
        if (!transA) {
            for (int r = 0; r < rows; r++) System.arraycopy(a, aOff + (i + r) * lda + pc, ap, at + r * kc, kc);
        } else {
            for (int p = 0; p < kc; p++) {
                int src = aOff + (pc + p) * lda + i;
                for (int r = 0; r < rows; r++) ap[at + r * kc + p] = a[src + r];
            }
        }
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into panels of NR columns: panel q holds kc rows of NR floats (zero-padded past
     * nc), at bp[at + q*kc*NR + p*NR + x].
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp,
                              int at) {
        int np = (nc + NR - 1) / NR;
        for (int q = 0; q < np; q++) {
            int j = jc + q * NR, cols = Math.min(NR, jc + nc - j), base = at + q * kc * NR;
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + j, dst = base + p * NR;
                    if (cols == NR) {
                        for (int v = 0; v < NR; v += L) FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
                    } else {
                        System.arraycopy(b, src, bp, dst, cols);
                        java.util.Arrays.fill(bp, dst + cols, dst + NR, 0f);
                    }
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: read each source row (one column of op(B)) contiguously
                for (int x = 0; x < cols; x++) {
                    int src = bOff + (j + x) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[base + p * NR + x] = b[src + p];
                }
                if (cols < NR)
                    for (int p = 0; p < kc; p++) java.util.Arrays.fill(bp, base + p * NR + cols, base + p * NR + NR, 0f);
            }
        }
    }

    /**
     * tile[MR × NR] = A[MR × kc] · B[kc × NR]; A(r, p) at a[pa + r*rs + p], B(p, x) at bp[pb + p*ldb + x]. Shared with
     * the attention kernels.
     */
    static void micro(int kc, float[] a, int pa, int rs, float[] bp, int pb, int ldb, float[] t) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        FloatVector c40 = c00, c41 = c00, c42 = c00, c43 = c00;
        FloatVector c50 = c00, c51 = c00, c52 = c00, c53 = c00;
        int a0 = pa, a1 = pa + rs, a2 = pa + 2 * rs, a3 = pa + 3 * rs, a4 = pa + 4 * rs, a5 = pa + 5 * rs;
        for (int p = 0; p < kc; p++, pb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb);
            FloatVector b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, pb + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, bp, pb + 3 * L);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01); c02 = x.fma(b2, c02); c03 = x.fma(b3, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11); c12 = x.fma(b2, c12); c13 = x.fma(b3, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21); c22 = x.fma(b2, c22); c23 = x.fma(b3, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31); c32 = x.fma(b2, c32); c33 = x.fma(b3, c33);
            x = FloatVector.broadcast(S, a[a4 + p]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41); c42 = x.fma(b2, c42); c43 = x.fma(b3, c43);
            x = FloatVector.broadcast(S, a[a5 + p]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51); c52 = x.fma(b2, c52); c53 = x.fma(b3, c53);
        }
        // the accumulators go to a small tile and the caller adds it into C: the Vector API calls of a fused
        // load-FMA-store epilogue pushed this method past C2's inlining node budget, and a Vector API call that is not
        // inlined runs as plain Java on boxed vectors (measured 2× slower overall)
        c00.intoArray(t, 0); c01.intoArray(t, L); c02.intoArray(t, 2 * L); c03.intoArray(t, 3 * L);
        c10.intoArray(t, NR); c11.intoArray(t, NR + L); c12.intoArray(t, NR + 2 * L); c13.intoArray(t, NR + 3 * L);
        c20.intoArray(t, 2 * NR); c21.intoArray(t, 2 * NR + L); c22.intoArray(t, 2 * NR + 2 * L); c23.intoArray(t, 2 * NR + 3 * L);
        c30.intoArray(t, 3 * NR); c31.intoArray(t, 3 * NR + L); c32.intoArray(t, 3 * NR + 2 * L); c33.intoArray(t, 3 * NR + 3 * L);
        c40.intoArray(t, 4 * NR); c41.intoArray(t, 4 * NR + L); c42.intoArray(t, 4 * NR + 2 * L); c43.intoArray(t, 4 * NR + 3 * L);
        c50.intoArray(t, 5 * NR); c51.intoArray(t, 5 * NR + L); c52.intoArray(t, 5 * NR + 2 * L); c53.intoArray(t, 5 * NR + 3 * L);
    }

    /** C[rows × cols] += alpha · tile (tile rows NR apart). */
    private static void addTile(float[] t, int rows, int cols, float alpha, float[] c, int pc, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha);
        for (int r = 0; r < rows; r++) {
            int row = pc + r * ldc, x = 0;
            if (cols == NR) {
                for (; x < NR; x += L)
                    FloatVector.fromArray(S, t, r * NR + x).fma(al, FloatVector.fromArray(S, c, row + x)).intoArray(c, row + x);
            }
            for (; x < cols; x++) c[row + x] = Math.fma(t[r * NR + x], alpha, c[row + x]);
        }
    }

    /**
     * Small or skinny products (n below one vector, m below one tile, or tiny volume), rows [i0, i1): no packing.
     * With B not transposed each C row is built by AXPYs over B's rows; with B transposed, by dot products.
     */
    private static void small(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        float[] acc = new float[n], lanes = new float[L];
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(acc, 0f);
            if (!transB) {
                int vn = S.loopBound(n);
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (av == 0f) continue;
                    int row = bOff + p * ldb;
                    FloatVector x = FloatVector.broadcast(S, av);
                    int j = 0;
                    for (; j < vn; j += L)
                        x.fma(FloatVector.fromArray(S, b, row + j), FloatVector.fromArray(S, acc, j)).intoArray(acc, j);
                    for (; j < n; j++) acc[j] += av * b[row + j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int row = bOff + j * ldb;
                    float s = 0f;
                    if (!transA) {
                        int ar = aOff + i * lda, vk = S.loopBound(k), p = 0;
                        FloatVector sv = FloatVector.zero(S);
                        for (; p < vk; p += L)
                            sv = FloatVector.fromArray(S, a, ar + p).fma(FloatVector.fromArray(S, b, row + p), sv);
                        s = VectorMath.sum(sv, lanes);
                        for (; p < k; p++) s += a[ar + p] * b[row + p];
                    } else {
                        for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[row + p];
                    }
                    acc[j] = s;
                }
            }
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[row + j];
        }
    }
}
