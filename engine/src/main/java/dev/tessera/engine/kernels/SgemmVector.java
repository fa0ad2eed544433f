package dev.tessera.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast SGEMM behind {@link Sgemm}: Vector API, BLIS-style blocking. Measured on the development machine (Intel
 * AVX-512, two 512-bit FMA ports, FMA peak ~225 GFLOP/s per core — twice the ~115 of the AMD part the issue was
 * written against). The register tile is 12 rows × 2 vectors (24 accumulators; 6 rows on 16-register machines, {@link #G_MR}): in isolation it runs at
 * ~100% of the FMA peak with its B micro-panel in L1 and A streaming from L2 (the 6 × 4 tile of the first version:
 * ~81%; 8 × 3: ~82%). In the full multiply what decides the rest is where the operands live — see {@link #blocked}.
 * 2048³ on one thread went from 0.71 to 0.83–0.85 of the peak with this layout (bench engine, idle machine).
 *
 * <p>The older 6 × 4 tile ({@link #micro}, reading A in place) stays for the attention kernels, whose operands are
 * small tiles already in cache.
 *
 * <p>Parallelism: the M strips (or, for wide-and-short products, the N panels) are cut into static chunks, one per
 * thread; every C element is summed over k in the same blocked order whatever the thread count, so results are
 * bit-identical across thread counts. Each thread packs its own operands (no barrier, no shared mutable state).
 */
final class SgemmVector {
    private SgemmVector() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** The attention kernels' register tile: MR rows × NR = 4 vectors, A read in place ({@link #micro}). */
    static final int MR = 6;
    static final int NR = 4 * L;

    /**
     * SGEMM register tile: G_MR rows × G_NR = 2 vectors. 12 rows ({@link #micro12x2}, 24 accumulators) where the
     * vectors are 512 bits wide and the machine has 32 vector registers; 6 rows ({@link #micro6x2}, 12 accumulators)
     * on narrower vectors (AVX2, SSE: 16 registers), where the 12-row tile spills its accumulators to the stack. The
     * tile does not change any result: every C element is one FMA chain over k in either tile.
     */
    static final int G_MR = L >= 16 ? 12 : 6;
    static final int G_NR = 2 * L;
    /**
     * k-block: the packed B micro-panel is G_KC × G_NR floats (128 KB, from L2) while A strips stream. 1024 rather than
     * the 256 that kept the micro-panel inside a 48 KB L1: on the AMD Zen 5 host of the thirteenth session, 512 with row
     * chunks of {@link #A_LIMIT} measured +6–12% on 2048³ and the DiT's products, and 1024 another +1–4% (same-JVM
     * alternation, docs/kernels.md) — fewer k-blocks, fewer passes through the C buffer; k ≤ 1024 needs no buffer.
     */
    static final int G_KC = 1024;
    /** A strips per pass over a B micro-panel (240 rows × G_KC: 960 KB of packed A, from L2/L3). */
    static final int G_MC = 20;
    /**
     * Columns per packed B block and per C buffer: G_KC × G_NC of B (512 KB) and rows × G_NC of C stay in L2. Four
     * panels measured 2–8% faster than eight on a host whose caches are busier (bench engine, same-run pairs).
     */
    static final int G_NC = 4 * G_NR;
    private static final jdk.incubator.vector.VectorMask<Float> FIRST_MR = S.indexInRange(0, G_MR);
    /** One vector holds a strip's G_MR values of a k step (AVX-512: 16 lanes); narrower vectors pack A by scalars. */
    private static final boolean STRIP_IN_VECTOR = L >= G_MR;
    /**
     * Cap on one thread's packed A (rows × k floats, 4 MB: 512 rows at k = 2048); taller products go in row chunks,
     * each repacking B. 4 MB rather than 16: with a 1 MB L2 (Zen 5) the smaller chunk's A and C buffer stay closer,
     * +3–5% at 2048³ by itself (thirteenth session; the Intel host of earlier sessions read 1–4 M floats as noise).
     */
    static final int A_LIMIT = 1 << 20;
    /**
     * Cap on one thread's whole packed op(B) (k × n floats, 16 MB: 2048 × 2048). When a product needs more than one
     * row chunk and its B fits, B is packed once, whole, before the first chunk — every source row read end to end —
     * instead of block by block in every chunk: at 2048³ the per-chunk packing read each B row 256 bytes at a time,
     * 8 KB apart, four times over (7.7% of the time, now 2.1%), and on [4096×1536]·[1536×384]ᵀ, six times
     * (fourteenth session, docs/kernels.md). Bigger Bs keep the per-block packing, whose fresh block sits in L2.
     */
    static final int B_LIMIT = 1 << 22;
    /** k steps per pass when packing a non-transposed A strip: the 12 × 64 floats written stay in L1. */
    private static final int PACK_A_STEPS = 64;

    /** One thread's packing buffers, grown on demand and kept. */
    private static final class Buffers {
        float[] a = new float[0], b = new float[0], c = new float[0];
        final float[] tile = new float[G_MR * G_NR];
        float[] a(int n) { if (a.length < n) a = new float[n]; return a; }
        float[] b(int n) { if (b.length < n) b = new float[n]; return b; }
        float[] c(int n) { if (c.length < n) c = new float[n]; return c; }
    }
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, null, 0, c, cOff, ldc);
    }

    /**
     * The same with a bias row: with {@code bias != null} (and beta = 0), C = alpha·op(A)·op(B) + bias[biasOff + j]
     * on every row, added where the tile is stored — one pass over C instead of filling C with the bias first and
     * reading it back (a linear layer's forward: 6–9% of its time, thirteenth session). Bit-identical to that fill +
     * beta = 1, which also added the bias with one rounding.
     */
    static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        if (k == 0 || alpha == 0f) {
            Parallel.forRange(m, (ch, i0, i1) -> {
                if (bias == null) scaleC(c, cOff, ldc, i0, i1, 0, n, beta);
                else for (int i = i0; i < i1; i++) System.arraycopy(bias, biasOff, c, cOff + i * ldc, n);
            });
            return;
        }
        if (n < L || m < G_MR || (long) m * n * k < 8L * NR * NR) {
            Parallel.forRange(m, (ch, i0, i1) ->
                    small(transA, transB, i0, i1, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, bias, biasOff, c, cOff, ldc));
            return;
        }
        int strips = (m + G_MR - 1) / G_MR, panels = (n + G_NR - 1) / G_NR;
        int t = Parallel.inTask() ? 1 : Parallel.threads();
        if (t > 1 && panels >= 2 * t && panels > strips) {
            Parallel.forRange(panels, (ch, p0, p1) -> blocked(transA, transB, 0, m, p0 * G_NR, Math.min(n, p1 * G_NR), k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, bias, biasOff, c, cOff, ldc));
        } else {
            Parallel.forRange(strips, (ch, s0, s1) -> blocked(transA, transB, s0 * G_MR, Math.min(m, s1 * G_MR), 0, n, k,
                    alpha, a, aOff, lda, b, bOff, ldb, beta, bias, biasOff, c, cOff, ldc));
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
     * The blocked product for rows [i0, i1) and columns [j0, j1) of C, in row chunks of at most {@link #A_LIMIT}
     * packed floats. Per chunk, op(A) is packed once for all k (k-blocks of G_KC; per block, strips of G_MR rows stored
     * k-major so the kernel's broadcasts walk one contiguous stream). Then per column block of G_NC: per k-block, B is
     * packed (G_KC × G_NC, L2) and every (strip, panel) pair runs the register tile, the B micro-panel (G_KC × G_NR =
     * 128 KB) staying in L2 while the A strips stream. The k-block partial sums are accumulated in a contiguous
     * C buffer (tile after tile, in L2) rather than in C itself: C's rows are ldc apart, so every k-block's update
     * touched 24 scattered lines, a large stride aliases in L1, and that cost ~7% at 2048³. The buffer goes into C
     * once, as alpha · buffer + beta · C. When there is more than one row chunk and op(B) fits {@link #B_LIMIT}, B
     * is packed whole once, up front, and each (column block, k-block) reads its panels from there. Every C element is
     * summed the same way (k-blocks in order, each from zero) whatever the row/column split or packing, hence
     * bit-identical across thread counts.
     */
    private static void blocked(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                                float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
        Buffers w = BUFFERS.get();
        int maxStrips = Math.max(1, A_LIMIT / (G_MR * k)), allStrips = (i1 - i0 + G_MR - 1) / G_MR;
        int chunks = (allStrips + maxStrips - 1) / maxStrips, chunkStrips = (allStrips + chunks - 1) / chunks;
        int width = (j1 - j0 + G_NR - 1) / G_NR * G_NR;
        boolean whole = chunks > 1 && (long) k * width <= B_LIMIT;
        float[] ap = w.a(chunkStrips * G_MR * k), bp = w.b(whole ? k * width : G_KC * G_NC), tile = w.tile;
        float[] cb = k > G_KC ? w.c(chunkStrips * G_MR * G_NC) : null;
        // whole: k-block pc's panels lie at bp[pc * width + panel * kc * G_NR], panel = (column - j0) / G_NR
        if (whole)
            for (int pc = 0; pc < k; pc += G_KC) packB(transB, b, bOff, ldb, pc, Math.min(G_KC, k - pc), j0, j1 - j0, bp, pc * width);
        for (int ci = i0; ci < i1; ci += chunkStrips * G_MR) {
            int rows = Math.min(chunkStrips * G_MR, i1 - ci), strips = (rows + G_MR - 1) / G_MR;
            for (int pc = 0; pc < k; pc += G_KC) {
                int kc = Math.min(G_KC, k - pc);
                for (int st = 0; st < strips; st++)
                    packA(transA, a, aOff, lda, ci + st * G_MR, Math.min(G_MR, rows - st * G_MR), pc, kc, ap, (pc * strips + st * kc) * G_MR);
            }
            for (int jc = j0; jc < j1; jc += G_NC) {
                int nc = Math.min(G_NC, j1 - jc), np = (nc + G_NR - 1) / G_NR;
                for (int pc = 0; pc < k; pc += G_KC) {
                    int kc = Math.min(G_KC, k - pc);
                    boolean first = pc == 0, last = pc + kc == k;
                    int pb0 = whole ? pc * width + (jc - j0) * kc : 0;
                    if (!whole) packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp, 0);
                    for (int sc = 0; sc < strips; sc += G_MC) {
                        int se = Math.min(strips, sc + G_MC);
                        // Panel-outer keeps the B micro-panel in L1 while the A strips stream. The last k-block goes
                        // strip-outer instead: it writes C, whose lines are usually not in cache, and strip-outer
                        // writes each C row's np·G_NR columns tile after tile, a stream the L2 prefetcher follows
                        // (panel-outer wrote 128 bytes per row per tile, 12 rows ldc apart: +6–11% on [4096×384]·[384×1536]).
                        int outer = last ? se - sc : np, inner = last ? np : se - sc;
                        for (int oi = 0; oi < outer; oi++) {
                            for (int ii = 0; ii < inner; ii++) {
                                int q = last ? ii : oi, st = sc + (last ? oi : ii);
                                int pb = pb0 + q * kc * G_NR, j = jc + q * G_NR;
                                int pa = (pc * strips + st * kc) * G_MR, at = (st * np + q) * G_MR * G_NR;
                                if (first && !last) {
                                    tile(kc, ap, pa, bp, pb, cb, at);
                                    continue;
                                }
                                tile(kc, ap, pa, bp, pb, tile, 0);
                                if (last) {
                                    storeC(tile, first ? null : cb, at, Math.min(G_MR, rows - st * G_MR), Math.min(G_NR, jc + nc - j),
                                            alpha, beta, bias, biasOff + j, c, cOff + (ci + st * G_MR) * ldc + j, ldc);
                                } else {
                                    for (int x = 0; x < G_MR * G_NR; x += L)
                                        FloatVector.fromArray(S, tile, x).add(FloatVector.fromArray(S, cb, at + x)).intoArray(cb, at + x);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * A tile's last k-block: C[rows × cols] = alpha · (tile + buffer) + beta · C, or + bias[bj + x] on every row when
     * there is a bias (no buffer when k fits one block; beta == 0 ignores C, NaN included). Tile and buffer rows are
     * G_NR apart.
     */
    private static void storeC(float[] t, float[] cb, int at, int rows, int cols, float alpha, float beta,
                               float[] bias, int bj, float[] c, int pc, int ldc) {
        FloatVector al = FloatVector.broadcast(S, alpha), be = FloatVector.broadcast(S, beta);
        for (int r = 0; r < rows; r++) {
            int row = pc + r * ldc, src = r * G_NR, x = 0;
            if (cols == G_NR) {
                for (; x < G_NR; x += L) {
                    FloatVector v = FloatVector.fromArray(S, t, src + x);
                    if (cb != null) v = v.add(FloatVector.fromArray(S, cb, at + src + x));
                    v = v.mul(al);
                    if (bias != null) v = v.add(FloatVector.fromArray(S, bias, bj + x));
                    else if (beta != 0f) v = FloatVector.fromArray(S, c, row + x).fma(be, v);
                    v.intoArray(c, row + x);
                }
            }
            for (; x < cols; x++) {
                float v = cb == null ? t[src + x] : t[src + x] + cb[at + src + x];
                c[row + x] = bias != null ? alpha * v + bias[bj + x] : beta == 0f ? alpha * v : alpha * v + beta * c[row + x];
            }
        }
    }

    /**
     * Packs the strip op(A)[i : i+rows, pc : pc+kc] k-major at ap[at + p*G_MR + r], zero rows past {@code rows}. Not
     * transposed, each source row is read contiguously, {@link #PACK_A_STEPS} at a time; transposed, each k step's
     * G_MR values are contiguous.
     */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int i, int rows, int pc, int kc,
                              float[] ap, int at) {
        if (rows < G_MR) java.util.Arrays.fill(ap, at, at + kc * G_MR, 0f);
        if (!transA) {
            int src = aOff + i * lda + pc;
            // row by row in runs of PACK_A_STEPS k steps, so the strided writes stay in L1. The masked gather of
            // the 12 rows' values per k step that this replaced cost 8% of [4096×384]·[384×1536] on the Zen 5 host
            // (now 2.6%); one row over all kc steps spilled the 48 KB strip out of L1 (fourteenth session)
            for (int p0 = 0; p0 < kc; p0 += PACK_A_STEPS) {
                int p1 = Math.min(kc, p0 + PACK_A_STEPS);
                for (int r = 0; r < rows; r++)
                    for (int p = p0, s = src + r * lda; p < p1; p++) ap[at + p * G_MR + r] = a[s + p];
            }
        } else {
            if (rows == G_MR && STRIP_IN_VECTOR) {
                // one masked vector move per k step (an arraycopy of 12 floats cost ~30% of a weight-gradient product)
                for (int p = 0; p < kc; p++)
                    FloatVector.fromArray(S, a, aOff + (pc + p) * lda + i, FIRST_MR).intoArray(ap, at + p * G_MR, FIRST_MR);
            } else {
                for (int p = 0; p < kc; p++) System.arraycopy(a, aOff + (pc + p) * lda + i, ap, at + p * G_MR, rows);
            }
        }
    }

    /**
     * Packs op(B)[pc : pc+kc, jc : jc+nc] into panels of G_NR columns: panel q holds kc rows of G_NR floats
     * (zero-padded past nc), at bp[bo + q*kc*G_NR + p*G_NR + x].
     */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp, int bo) {
        int np = (nc + G_NR - 1) / G_NR, q0 = 0;
        if (!transB) {
            // full panels row by row: each source row's nc floats are read once, in order (panel by panel read the
            // same rows np times, G_NR floats at a time)
            q0 = nc / G_NR;
            for (int p = 0; p < kc; p++) {
                int src = bOff + (pc + p) * ldb + jc;
                for (int q = 0; q < q0; q++) {
                    int dst = bo + q * kc * G_NR + p * G_NR;
                    for (int v = 0; v < G_NR; v += L) FloatVector.fromArray(S, b, src + q * G_NR + v).intoArray(bp, dst + v);
                }
            }
        }
        for (int q = q0; q < np; q++) {
            int j = jc + q * G_NR, cols = Math.min(G_NR, jc + nc - j), base = bo + q * kc * G_NR;
            if (!transB) {
                // the last, partial panel
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + j, dst = base + p * G_NR;
                    System.arraycopy(b, src, bp, dst, cols);
                    java.util.Arrays.fill(bp, dst + cols, dst + G_NR, 0f);
                }
            } else {
                // op(B)(p, j) = b[j*ldb + p]: read each source row (one column of op(B)) contiguously
                for (int x = 0; x < cols; x++) {
                    int src = bOff + (j + x) * ldb + pc;
                    for (int p = 0; p < kc; p++) bp[base + p * G_NR + x] = b[src + p];
                }
                if (cols < G_NR)
                    for (int p = 0; p < kc; p++) java.util.Arrays.fill(bp, base + p * G_NR + cols, base + p * G_NR + G_NR, 0f);
            }
        }
    }

    /** The register tile for this machine's vector width (G_MR is a constant: the JIT keeps one branch). */
    static void tile(int kc, float[] a, int pa, float[] bp, int pb, float[] out, int o) {
        if (G_MR == 12) micro12x2(kc, a, pa, bp, pb, out, o);
        else micro6x2(kc, a, pa, bp, pb, out, o);
    }

    /**
     * The 6 × 2-vector tile for 16-register machines (AVX2): 12 accumulators + 2 B vectors + 1 broadcast = 15 of 16
     * ymm. Same layout and arithmetic as {@link #micro12x2} with G_MR = 6.
     */
    static void micro6x2(int kc, float[] a, int pa, float[] bp, int pb, float[] out, int o) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++, pb += G_NR, pa += G_MR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb), b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[pa + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[pa + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[pa + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[pa + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[pa + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[pa + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        c00.intoArray(out, o + 0 * G_NR); c01.intoArray(out, o + 0 * G_NR + L);
        c10.intoArray(out, o + 1 * G_NR); c11.intoArray(out, o + 1 * G_NR + L);
        c20.intoArray(out, o + 2 * G_NR); c21.intoArray(out, o + 2 * G_NR + L);
        c30.intoArray(out, o + 3 * G_NR); c31.intoArray(out, o + 3 * G_NR + L);
        c40.intoArray(out, o + 4 * G_NR); c41.intoArray(out, o + 4 * G_NR + L);
        c50.intoArray(out, o + 5 * G_NR); c51.intoArray(out, o + 5 * G_NR + L);
    }

    /**
     * out[o : o + G_MR × G_NR] (rows G_NR apart) = A[G_MR × kc] · B[kc × G_NR], both packed: A(r, p) at
     * a[pa + p*G_MR + r], B(p, x) at bp[pb + p*G_NR + x]. 24 accumulators + 2 B vectors + 1 broadcast = 27 of 32 zmm;
     * per k step 2 vector loads and 12 broadcasts feed 24 FMAs. The accumulators go out to a small buffer (or straight
     * into the C buffer on the first k-block): a load-add-store epilogue here pushed the method past C2's inlining
     * node budget, and a Vector API call that is not inlined runs on boxed vectors (2× slower overall).
     */
    static void micro12x2(int kc, float[] a, int pa, float[] bp, int pb, float[] out, int o) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00, c80 = c00, c81 = c00, c90 = c00, c91 = c00, ca0 = c00, ca1 = c00, cb0 = c00, cb1 = c00;
        for (int p = 0; p < kc; p++, pb += G_NR, pa += G_MR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, pb), b1 = FloatVector.fromArray(S, bp, pb + L);
            FloatVector x;
            x = FloatVector.broadcast(S, a[pa + 0]); c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[pa + 1]); c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[pa + 2]); c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[pa + 3]); c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[pa + 4]); c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[pa + 5]); c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, a[pa + 6]); c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, a[pa + 7]); c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(S, a[pa + 8]); c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(S, a[pa + 9]); c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(S, a[pa + 10]); ca0 = x.fma(b0, ca0); ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(S, a[pa + 11]); cb0 = x.fma(b0, cb0); cb1 = x.fma(b1, cb1);
        }
        c00.intoArray(out, o + 0 * G_NR); c01.intoArray(out, o + 0 * G_NR + L);
        c10.intoArray(out, o + 1 * G_NR); c11.intoArray(out, o + 1 * G_NR + L);
        c20.intoArray(out, o + 2 * G_NR); c21.intoArray(out, o + 2 * G_NR + L);
        c30.intoArray(out, o + 3 * G_NR); c31.intoArray(out, o + 3 * G_NR + L);
        c40.intoArray(out, o + 4 * G_NR); c41.intoArray(out, o + 4 * G_NR + L);
        c50.intoArray(out, o + 5 * G_NR); c51.intoArray(out, o + 5 * G_NR + L);
        c60.intoArray(out, o + 6 * G_NR); c61.intoArray(out, o + 6 * G_NR + L);
        c70.intoArray(out, o + 7 * G_NR); c71.intoArray(out, o + 7 * G_NR + L);
        c80.intoArray(out, o + 8 * G_NR); c81.intoArray(out, o + 8 * G_NR + L);
        c90.intoArray(out, o + 9 * G_NR); c91.intoArray(out, o + 9 * G_NR + L);
        ca0.intoArray(out, o + 10 * G_NR); ca1.intoArray(out, o + 10 * G_NR + L);
        cb0.intoArray(out, o + 11 * G_NR); cb1.intoArray(out, o + 11 * G_NR + L);
    }

    /**
     * t[o + r·ld + x] = (A[MR × kc] · B[kc × NR])(r, x); A(r, p) at a[pa + r*rs + p], B(p, x) at bp[pb + p*ldb + x].
     * The attention kernels' block products: into a small tile buffer (ld = NR) that the caller adds into C, or
     * straight into a score block that is written whole.
     */
    static void micro(int kc, float[] a, int pa, int rs, float[] bp, int pb, int ldb, float[] t, int o, int ld) {
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
        // the accumulators go to a small tile (or the score block) and the caller adds it into C: the Vector API calls
        // of a fused load-FMA-store epilogue pushed this method past C2's inlining node budget, and a Vector API call
        // that is not inlined runs as plain Java on boxed vectors (measured 2× slower overall)
        int o1 = o + ld, o2 = o1 + ld, o3 = o2 + ld, o4 = o3 + ld, o5 = o4 + ld;
        c00.intoArray(t, o); c01.intoArray(t, o + L); c02.intoArray(t, o + 2 * L); c03.intoArray(t, o + 3 * L);
        c10.intoArray(t, o1); c11.intoArray(t, o1 + L); c12.intoArray(t, o1 + 2 * L); c13.intoArray(t, o1 + 3 * L);
        c20.intoArray(t, o2); c21.intoArray(t, o2 + L); c22.intoArray(t, o2 + 2 * L); c23.intoArray(t, o2 + 3 * L);
        c30.intoArray(t, o3); c31.intoArray(t, o3 + L); c32.intoArray(t, o3 + 2 * L); c33.intoArray(t, o3 + 3 * L);
        c40.intoArray(t, o4); c41.intoArray(t, o4 + L); c42.intoArray(t, o4 + 2 * L); c43.intoArray(t, o4 + 3 * L);
        c50.intoArray(t, o5); c51.intoArray(t, o5 + L); c52.intoArray(t, o5 + 2 * L); c53.intoArray(t, o5 + 3 * L);
    }

    /**
     * Small or skinny products (n below one vector, m below one tile, or tiny volume), rows [i0, i1): no packing.
     * With B not transposed each C row is built by AXPYs over B's rows; with B transposed, by dot products.
     */
    private static void small(boolean transA, boolean transB, int i0, int i1, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] bias, int biasOff, float[] c, int cOff, int ldc) {
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
            if (bias != null) for (int j = 0; j < n; j++) c[row + j] = alpha * acc[j] + bias[biasOff + j];
            else for (int j = 0; j < n; j++) c[row + j] = beta == 0f ? alpha * acc[j] : alpha * acc[j] + beta * c[row + j];
        }
    }
}
