package dev.tessera.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast attention behind {@link Attention}: flash-style tiling with an online softmax, so nothing of size Nq × Nk
 * is ever held. Every block product (Q·Kᵀ, P·V and the five of the backward) runs on the SGEMM register tile
 * ({@link SgemmVector#micro}, 6 rows × 4 vectors) over operands packed with unit stride; exponentials are
 * {@link VectorMath#exp} (bit-exact in and out of the JIT).
 *
 * <p>Forward: per (batch, head, block of {@value #BLK} queries), over blocks of {@value #KB} keys, O accumulates P·V
 * with the running max/sum rescaling; it writes O and lse = max + log(sum) per row. Backward (FlashAttention-2 order):
 * per (batch, head), for each block of {@value #BLK} keys, loop over blocks of {@value #KB} queries, recompute Pᵀ = exp(scale·K·Qᵀ − lse), and accumulate dV += Pᵀ·dO, dK += dSᵀ·Q,
 * dQ += dS·K with dS = P∘(dP − rowsum(dO∘O))·scale. dK and dV belong to one key block, so they need no reduction;
 * dQ is reduced over key blocks in order. When there are fewer (batch, head) pairs than threads, the key blocks of a
 * pair are split into contiguous ranges with private dQ partials that are summed in range order: the backward is
 * then deterministic for a given thread count but not bit-identical across thread counts (the forward is).
 *
 * <p>Head dims that are not a multiple of 64 are zero-padded to one (Dh = 32 runs at half efficiency; the models
 * here use 64).
 */
final class AttentionVector {
    private AttentionVector() {}

    private static final VectorSpecies<Float> S = SgemmVector.S;
    private static final int L = SgemmVector.L;
    private static final int MR = SgemmVector.MR;
    /** Queries and keys per block: one register-tile panel wide. */
    static final int BLK = SgemmVector.NR;
    /** Block rows padded up to a whole number of register-tile strips. */
    private static final int MP = (BLK + MR - 1) / MR * MR;

    /** Per-thread scratch, grown on demand. */
    private static final class Work {
        float[] tile = new float[MR * BLK];
        float[] a = new float[0], b = new float[0], c = new float[0], d = new float[0], e = new float[0];
        float[] f = new float[0], g = new float[0], h = new float[0];
        float[] qAll = new float[0], qT = new float[0], dOAll = new float[0], dOT = new float[0];
        float[] delta = new float[0], lseFix = new float[0], dQ = new float[0];
        float[] m = new float[BLK], l = new float[BLK * L], lanes = new float[L];
        /**
         * Kᵀ of one (b, h), packed per key block [nkp/BLK][dp][BLK], and V row-major [nkp][dp], valid for the call
         * that owns {@code ktCall}; kbias: the mask bias of one forward key block.
         */
        float[] kt = new float[0], vt = new float[0], kbias = new float[KB];
        Object ktCall;
        int ktB = -1, ktH = -1;

        static float[] grow(float[] x, int n) {
            return x.length >= n ? x : new float[Math.max(n, x.length + x.length / 2)];
        }
    }

    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    static int padDim(int d) {
        return (d + BLK - 1) / BLK * BLK;
    }

    // ------------------------------------------------------------------------------------------------------------
    // forward

    static void forward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                        float[] v, HeadLayout vl, boolean[] keyMask, float[] o, HeadLayout ol, float[] lse, int lseOff) {
        int bh = s.batch() * s.heads(), nqb = (s.queries() + BLK - 1) / BLK;
        if (bh == 0 || nqb == 0) return;
        Object call = new Object();
        Parallel.forRange(bh * nqb, (ch, u0, u1) -> {
            Work w = WORK.get();
            for (int u = u0; u < u1; u++)
                forwardBlock(s, u / nqb / s.heads(), u / nqb % s.heads(), u % nqb, q, ql, k, kl, v, vl, keyMask,
                        o, ol, lse, lseOff, w, call);
            w.ktCall = null;
        });
    }

    /**
     * Keys per forward block and queries per backward block: four register-tile panels wide, so that P·V (forward),
     * Pᵀ·dO and dSᵀ·Q (backward) run with k = 256 and the tile's load-add-store epilogue is paid once per 256 rather
     * than per 64 (forward 1.12–1.22× faster, backward 1.02–1.05×, eleventh session); the score blocks it needs
     * ([66 × 256] floats, 66 KB) still sit in L2.
     */
    static final int KB = 4 * BLK;

    private static void forwardBlock(AttentionShape s, int b, int h, int qb, float[] q, HeadLayout ql, float[] k,
                                     HeadLayout kl, float[] v, HeadLayout vl, boolean[] keyMask,
                                     float[] o, HeadLayout ol, float[] lse, int lseOff, Work w, Object call) {
        int D = s.headDim(), dp = padDim(D), panels = dp / BLK, nkAll = s.keys(), nkp = padDim(nkAll);
        int qi0 = qb * BLK, nq = Math.min(BLK, s.queries() - qi0);
        float scale = s.scale();
        float[] qp = w.a = Work.grow(w.a, MP * dp);
        // Kᵀ and V of this (b, h) are packed once per thread and call: a thread's static chunk holds consecutive
        // query blocks of the same head, and repacking Kᵀ per query block cost ~25% of the forward
        if (w.ktCall != call || w.ktB != b || w.ktH != h) {
            float[] t = w.kt = Work.grow(w.kt, dp * nkp);
            float[] vt = w.vt = Work.grow(w.vt, dp * nkp);
            Arrays.fill(t, 0, dp * nkp, 0f);
            Arrays.fill(vt, 0, dp * nkp, 0f);
            for (int j = 0; j < nkAll; j++) {
                int src = (int) kl.at(b, h, j);
                int base = (j / BLK) * dp * BLK + j % BLK;
                for (int d = 0; d < D; d++) t[base + d * BLK] = k[src + d];
                System.arraycopy(v, (int) vl.at(b, h, j), vt, j * dp, D);
            }
            w.ktCall = call; w.ktB = b; w.ktH = h;
        }
        float[] kt = w.kt, vt = w.vt;
        float[] sc = w.c = Work.grow(w.c, MP * KB), acc = w.d = Work.grow(w.d, MP * dp);
        float[] m = w.m, l = w.l, bias = w.kbias;
        Arrays.fill(qp, 0, MP * dp, 0f);
        for (int r = 0; r < nq; r++) {
            int src = (int) ql.at(b, h, qi0 + r);
            for (int d = 0; d < D; d++) qp[r * dp + d] = q[src + d] * scale;
        }
        Arrays.fill(acc, 0, MP * dp, 0f);
        Arrays.fill(m, Float.NEGATIVE_INFINITY);
        Arrays.fill(l, 0f); // [BLK × L] lane partial sums per row
        int kEnd = s.causal() ? Math.min(nkAll, qi0 + nq) : nkAll;
        for (int kj0 = 0; kj0 < kEnd; kj0 += KB) {
            int nk = Math.min(KB, kEnd - kj0), kpan = (nk + BLK - 1) / BLK, width = kpan * BLK;
            for (int pn = 0; pn < kpan; pn++)
                for (int st = 0; st < MP; st += MR)
                    SgemmVector.micro(dp, qp, st * dp, dp, kt, (kj0 + pn * BLK) * dp, BLK, sc, st * KB + pn * BLK, KB);
            boolean noBias = nk == width && keyMask == null;
            if (!noBias)
                for (int j = 0; j < width; j++)
                    bias[j] = j < nk && (keyMask == null || keyMask[b * nkAll + kj0 + j]) ? 0f : Float.NEGATIVE_INFINITY;
            for (int r = 0; r < MP; r++) {
                if (r >= nq) { Arrays.fill(sc, r * KB, r * KB + width, 0f); continue; }
                int i = qi0 + r;
                int hideFrom = s.causal() && kj0 + width - 1 > i ? Math.max(0, i - kj0 + 1) : width;
                softmaxRow(sc, r, width, noBias ? null : bias, hideFrom, m, l, acc, dp);
            }
            // O += P·V over the nk valid keys
            gemm(MP, panels, nk, sc, 0, KB, vt, kj0 * dp, dp, acc, 0, dp, true, w.tile);
        }
        for (int r = 0; r < nq; r++) {
            int dst = (int) ol.at(b, h, qi0 + r);
            float sum = VectorMath.sum(FloatVector.fromArray(S, l, r * L), w.lanes);
            float inv = sum == 0f ? 0f : 1f / sum;
            for (int d = 0; d < D; d++) o[dst + d] = acc[r * dp + d] * inv;
            if (lse != null)
                lse[lseOff + (b * s.heads() + h) * s.queries() + qi0 + r] =
                        sum == 0f ? Float.NEGATIVE_INFINITY : m[r] + (float) Math.log(sum);
        }
    }

    /**
     * Online-softmax step for row r of the score block (row stride {@link #KB}, {@code width} columns): masks (bias,
     * when given, and keys from {@code hideFrom} on), updates the running max m[r] and the lane sums in l, rescales the
     * output accumulator row, and leaves P = exp(s - max) in place. Kept small on purpose: Vector API calls in a
     * method past C2's inlining budget are not intrinsified and run on boxed vectors (exponentials measured 4× slower
     * inside the big block method than here).
     */
    private static void softmaxRow(float[] sc, int r, int width, float[] bias, int hideFrom, float[] m, float[] l,
                                   float[] acc, int dp) {
        int row = r * KB;
        FloatVector mx = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        if (hideFrom < width || bias != null) {
            for (int x = 0; x < width; x += L) {
                FloatVector t = FloatVector.fromArray(S, sc, row + x);
                if (bias != null) t = t.add(FloatVector.fromArray(S, bias, x));
                t.intoArray(sc, row + x);
            }
            for (int j = hideFrom; j < width; j++) sc[row + j] = Float.NEGATIVE_INFINITY;
        }
        for (int x = 0; x < width; x += L) mx = mx.max(FloatVector.fromArray(S, sc, row + x));
        float mNew = Math.max(m[r], mx.reduceLanes(VectorOperators.MAX));
        if (mNew == Float.NEGATIVE_INFINITY) {
            Arrays.fill(sc, row, row + width, 0f);
            return;
        }
        // the row sum is kept as one vector of lane partial sums (l[r*L .. r*L+L)), reduced once at the end; the
        // rescale runs only when the max moved up (a row that saw nothing yet has zero sums and output to rescale)
        FloatVector lv = FloatVector.fromArray(S, l, r * L);
        if (mNew > m[r] && m[r] != Float.NEGATIVE_INFINITY) {
            float corr = VectorMath.exp(m[r] - mNew);
            FloatVector cv = FloatVector.broadcast(S, corr);
            lv = lv.mul(cv);
            for (int x = 0; x < dp; x += L) FloatVector.fromArray(S, acc, r * dp + x).mul(cv).intoArray(acc, r * dp + x);
        }
        FloatVector mv = FloatVector.broadcast(S, mNew);
        for (int x = 0; x < width; x += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(S, sc, row + x).sub(mv));
            p.intoArray(sc, row + x);
            lv = lv.add(p);
        }
        lv.intoArray(l, r * L);
        m[r] = mNew;
    }

    // ------------------------------------------------------------------------------------------------------------
    // backward

    static void backward(AttentionShape s, float[] q, HeadLayout ql, float[] k, HeadLayout kl,
                         float[] v, HeadLayout vl, boolean[] keyMask,
                         float[] o, HeadLayout ol, float[] lse, int lseOff, float[] dO, HeadLayout dol,
                         float[] dq, HeadLayout dql, float[] dk, HeadLayout dkl, float[] dv, HeadLayout dvl) {
        int bh = s.batch() * s.heads(), D = s.headDim();
        if (bh == 0) return;
        int nkb = (s.keys() + BLK - 1) / BLK;
        if (s.queries() == 0 || nkb == 0) {
            // nothing to attend to or from: all gradients are zero
            for (int b = 0; b < s.batch(); b++)
                for (int h = 0; h < s.heads(); h++) {
                    for (int i = 0; i < s.queries(); i++) { int x = (int) dql.at(b, h, i); Arrays.fill(dq, x, x + D, 0f); }
                    for (int j = 0; j < s.keys(); j++) {
                        int x = (int) dkl.at(b, h, j), y = (int) dvl.at(b, h, j);
                        Arrays.fill(dk, x, x + D, 0f); Arrays.fill(dv, y, y + D, 0f);
                    }
                }
            return;
        }
        int threads = Parallel.inTask() ? 1 : Parallel.threads();
        int splits = bh >= threads ? 1 : Math.min(nkb, (threads + bh - 1) / bh);
        int dp = padDim(D), nqp = padDim(s.queries()), dqSize = tileRows(dp) * nqp;
        float[][] partial = splits == 1 ? null : new float[bh * splits][];
        Parallel.forRange(bh * splits, (ch, u0, u1) -> {
            Work w = WORK.get();
            for (int u = u0; u < u1; u++) {
                int pair = u / splits, part = u % splits, b = pair / s.heads(), h = pair % s.heads();
                int kb0 = Parallel.chunkStart(part, splits, nkb), kb1 = Parallel.chunkStart(part + 1, splits, nkb);
                float[] dQacc = splits == 1 ? (w.dQ = Work.grow(w.dQ, dqSize)) : new float[dqSize];
                backwardKeys(s, b, h, kb0, kb1, q, ql, k, kl, v, vl, keyMask, o, ol, lse, lseOff, dO, dol,
                        dk, dkl, dv, dvl, dQacc, w);
                if (splits == 1) writeRows(dQacc, dp, D, s.queries(), dq, dql, b, h);
                else partial[u] = dQacc;
            }
        });
        if (splits > 1) {
            Parallel.forRange(bh, (ch, p0, p1) -> {
                for (int pair = p0; pair < p1; pair++) {
                    float[] sum = partial[pair * splits];
                    for (int part = 1; part < splits; part++) {
                        float[] x = partial[pair * splits + part];
                        for (int i = 0; i < sum.length; i++) sum[i] += x[i];
                    }
                    writeRows(sum, dp, D, s.queries(), dq, dql, pair / s.heads(), pair % s.heads());
                }
            });
        }
    }

    /** Writes the transposed accumulator dQᵀ [tileRows(dp) × nqp] out as dQ rows. */
    private static void writeRows(float[] src, int dp, int D, int rows, float[] dst, HeadLayout dl, int b, int h) {
        int nqp = padDim(rows);
        for (int i = 0; i < rows; i++) {
            int at = (int) dl.at(b, h, i);
            for (int d = 0; d < D; d++) dst[at + d] = src[d * nqp + i];
        }
    }

    /** n rounded up to whole register-tile strips. */
    private static int tileRows(int n) {
        return (n + MR - 1) / MR * MR;
    }

    /** Key blocks [kb0, kb1) of one (b, h): writes their dK and dV, and accumulates dQᵀ into dQacc [tileRows(dp) × nqp]. */
    private static void backwardKeys(AttentionShape s, int b, int h, int kb0, int kb1, float[] q, HeadLayout ql,
                                     float[] k, HeadLayout kl, float[] v, HeadLayout vl, boolean[] keyMask,
                                     float[] o, HeadLayout ol, float[] lse, int lseOff, float[] dO, HeadLayout dol,
                                     float[] dk, HeadLayout dkl, float[] dv, HeadLayout dvl, float[] dQacc, Work w) {
        int D = s.headDim(), dp = padDim(D), panels = dp / BLK, nq = s.queries(), nqp = padDim(nq), nkAll = s.keys();
        float scale = s.scale();
        // per (b, h): Q and dO packed row-major [nqp × dp] and transposed per query block [nqp/BLK][dp][BLK] (each
        // block a contiguous B panel: a [dp × nqp] layout put its rows 4 KB apart), rowsum(dO∘O), and lse with
        // +inf for rows that saw no key (so exp(s - lse) = 0 there)
        float[] qAll = w.qAll = Work.grow(w.qAll, nqp * dp), qT = w.qT = Work.grow(w.qT, dp * nqp);
        float[] dOAll = w.dOAll = Work.grow(w.dOAll, nqp * dp), dOT = w.dOT = Work.grow(w.dOT, dp * nqp);
        float[] delta = w.delta = Work.grow(w.delta, nqp), lseFix = w.lseFix = Work.grow(w.lseFix, nqp);
        Arrays.fill(qAll, 0, nqp * dp, 0f); Arrays.fill(qT, 0, dp * nqp, 0f);
        Arrays.fill(dOAll, 0, nqp * dp, 0f); Arrays.fill(dOT, 0, dp * nqp, 0f);
        Arrays.fill(delta, 0, nqp, 0f); Arrays.fill(lseFix, 0, nqp, Float.POSITIVE_INFINITY);
        // rows copied whole and transposed per 64-row block from the copies (a fused per-element loop with a serial
        // dO∘O sum cost ~20 cycles per element: 2.2% of a DiT block, most of it in the 32-key cross-attention)
        for (int i = 0; i < nq; i++) {
            int gs = (int) dol.at(b, h, i);
            System.arraycopy(q, (int) ql.at(b, h, i), qAll, i * dp, D);
            System.arraycopy(dO, gs, dOAll, i * dp, D);
            delta[i] = dot(dO, gs, o, (int) ol.at(b, h, i), D, w.lanes);
            float x = lse[lseOff + (b * s.heads() + h) * nq + i];
            lseFix[i] = x == Float.NEGATIVE_INFINITY ? Float.POSITIVE_INFINITY : x;
        }
        for (int i0 = 0; i0 < nq; i0 += BLK) {
            int rows = Math.min(BLK, nq - i0), base = i0 * dp;
            for (int d = 0; d < D; d++) {
                int to = base + d * BLK;
                for (int r = 0; r < rows; r++) {
                    qT[to + r] = qAll[base + r * dp + d];
                    dOT[to + r] = dOAll[base + r * dp + d];
                }
            }
        }
        int dpp = tileRows(dp);
        Arrays.fill(dQacc, 0, dpp * nqp, 0f);
        float[] kp = w.a = Work.grow(w.a, MP * dp), vp = w.b = Work.grow(w.b, MP * dp);
        float[] dKacc = w.c = Work.grow(w.c, MP * dp), dVacc = w.d = Work.grow(w.d, MP * dp);
        float[] pT = w.e = Work.grow(w.e, MP * KB), dpT = w.f = Work.grow(w.f, MP * KB);
        float[] dsT = w.g = Work.grow(w.g, MP * KB), kT = w.h = Work.grow(w.h, dpp * BLK);
        for (int kb = kb0; kb < kb1; kb++) {
            int kj0 = kb * BLK, nk = Math.min(BLK, nkAll - kj0);
            Arrays.fill(kp, 0, MP * dp, 0f); Arrays.fill(vp, 0, MP * dp, 0f);
            Arrays.fill(kT, 0, dpp * BLK, 0f);
            for (int j = 0; j < nk; j++) {
                int ks = (int) kl.at(b, h, kj0 + j);
                System.arraycopy(k, ks, kp, j * dp, D);
                System.arraycopy(v, (int) vl.at(b, h, kj0 + j), vp, j * dp, D);
                for (int d = 0; d < D; d++) kT[d * BLK + j] = k[ks + d];
            }
            Arrays.fill(dKacc, 0, MP * dp, 0f); Arrays.fill(dVacc, 0, MP * dp, 0f);
            for (int qi0 = s.causal() ? kj0 : 0; qi0 < nq; qi0 += KB) {
                int nqb = Math.min(KB, nq - qi0), qpan = (nqb + BLK - 1) / BLK, width = qpan * BLK;
                // Sᵀ = K·Qᵀ and dPᵀ = V·dOᵀ, [MP keys × width queries]
                for (int pn = 0; pn < qpan; pn++)
                    for (int st = 0; st < MP; st += MR) {
                        SgemmVector.micro(dp, kp, st * dp, dp, qT, (qi0 + pn * BLK) * dp, BLK, pT, st * KB + pn * BLK, KB);
                        SgemmVector.micro(dp, vp, st * dp, dp, dOT, (qi0 + pn * BLK) * dp, BLK, dpT, st * KB + pn * BLK, KB);
                    }
                for (int j = 0; j < MP; j++) {
                    boolean valid = j < nk && (keyMask == null || keyMask[b * nkAll + kj0 + j]);
                    int hide = s.causal() ? Math.max(0, Math.min(width, kj0 + j - qi0)) : 0;
                    gradRow(pT, dpT, dsT, j, width, valid, hide, lseFix, delta, qi0, scale);
                }
                gemm(MP, panels, width, pT, 0, KB, dOAll, qi0 * dp, dp, dVacc, 0, dp, true, w.tile);
                gemm(MP, panels, width, dsT, 0, KB, qAll, qi0 * dp, dp, dKacc, 0, dp, true, w.tile);
                for (int pn = 0; pn < qpan; pn++)
                    gemm(dpp, 1, BLK, kT, 0, BLK, dsT, pn * BLK, KB, dQacc, qi0 + pn * BLK, nqp, true, w.tile);
            }
            for (int j = 0; j < nk; j++) {
                System.arraycopy(dKacc, j * dp, dk, (int) dkl.at(b, h, kj0 + j), D);
                System.arraycopy(dVacc, j * dp, dv, (int) dvl.at(b, h, kj0 + j), D);
            }
        }
    }

    /** Σ a[ao + d]·b[bo + d] over d < n: 16-lane partial sums, then the lanes and the tail in a fixed order. */
    private static float dot(float[] a, int ao, float[] b, int bo, int n, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        int d = 0;
        for (; d <= n - L; d += L) acc = FloatVector.fromArray(S, a, ao + d).fma(FloatVector.fromArray(S, b, bo + d), acc);
        float sum = VectorMath.sum(acc, lanes);
        for (; d < n; d++) sum += a[ao + d] * b[bo + d];
        return sum;
    }

    /**
     * Row j of the backward block: Pᵀ = exp(scale·Sᵀ − lse) (zero for an invalid key and the first {@code hide}
     * queries), then dSᵀ = Pᵀ∘(dPᵀ − delta)·scale. Small for the same inlining reason as {@link #softmaxRow}.
     */
    private static void gradRow(float[] pT, float[] dpT, float[] dsT, int j, int width, boolean valid, int hide,
                                float[] lseFix, float[] delta, int qi0, float scale) {
        int row = j * KB;
        if (!valid) {
            Arrays.fill(pT, row, row + width, 0f);
            Arrays.fill(dsT, row, row + width, 0f);
            return;
        }
        FloatVector sv = FloatVector.broadcast(S, scale);
        for (int x = 0; x < width; x += L) {
            FloatVector p = VectorMath.exp(FloatVector.fromArray(S, pT, row + x).mul(sv)
                    .sub(FloatVector.fromArray(S, lseFix, qi0 + x)));
            p.intoArray(pT, row + x);
        }
        if (hide > 0) Arrays.fill(pT, row, row + hide, 0f);
        for (int x = 0; x < width; x += L) {
            FloatVector p = FloatVector.fromArray(S, pT, row + x);
            FloatVector g = FloatVector.fromArray(S, dpT, row + x).sub(FloatVector.fromArray(S, delta, qi0 + x));
            p.mul(g).mul(sv).intoArray(dsT, row + x);
        }
    }

    /**
     * c[0:m6, 0:BLK·panels] (+)= a[m6 × kc] · b[kc × BLK·panels] on the SGEMM register tile; m6 is a multiple of the
     * tile height; a has row stride lda and unit stride along k, b row stride ldb, c row stride ldc.
     */
    static void gemm(int m6, int panels, int kc, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate, float[] tile) {
        for (int st = 0; st < m6; st += MR)
            for (int qp = 0; qp < panels; qp++) {
                if (kc == 0) Arrays.fill(tile, 0f);
                else SgemmVector.micro(kc, a, aOff + st * lda, lda, b, bOff + qp * BLK, ldb, tile, 0, BLK);
                for (int r = 0; r < MR; r++) {
                    int row = cOff + (st + r) * ldc + qp * BLK;
                    for (int x = 0; x < BLK; x += L) {
                        FloatVector t = FloatVector.fromArray(S, tile, r * BLK + x);
                        if (accumulate) t = t.add(FloatVector.fromArray(S, c, row + x));
                        t.intoArray(c, row + x);
                    }
                }
            }
    }
}
