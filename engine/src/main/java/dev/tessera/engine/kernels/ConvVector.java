package dev.tessera.engine.kernels;

import java.util.Arrays;

/**
 * The fast convolution behind {@link Conv}: vol2col + the fast {@link Sgemm}, per batch entry and per chunk of output
 * positions (the column buffer is capped at {@value #COL_LIMIT} floats, so memory stays bounded for video volumes).
 * <ul>
 *   <li>forward: y[b][:, chunk] = W[Cout × K] · col[K × chunk] + bias, K = Cin·kT·kH·kW;</li>
 *   <li>input gradient: dcol = Wᵀ · dy[b][:, chunk], then col2vol scatter-adds into dx (split by input channel, so
 *       threads never share an element);</li>
 *   <li>weight gradient: dWᵀ += col · dy[b][:, chunk]ᵀ (transposed once at the end), dbias += row sums of dy.</li>
 * </ul>
 * A 1×1×1 kernel with unit stride and no padding skips vol2col (the input already is the column matrix).
 * Every step is either an SGEMM (bit-identical across thread counts) or split by disjoint outputs, so the results
 * are identical for any thread count.
 */
final class ConvVector {
    private ConvVector() {}

    static final int COL_LIMIT = 1 << 22;

    private static boolean pointwise(ConvShape s) {
        return s.kT() == 1 && s.kH() == 1 && s.kW() == 1 && s.strideT() == 1 && s.strideH() == 1 && s.strideW() == 1
                && s.padT0() == 0 && s.padT1() == 0 && s.padH0() == 0 && s.padH1() == 0 && s.padW0() == 0
                && s.padW1() == 0;
    }

    /** Output positions per column chunk: a whole number of SGEMM panels (64) where the cap allows, so no chunk ends in a padded panel. */
    private static int chunk(ConvShape s) {
        int cap = COL_LIMIT / s.taps();
        if (cap >= s.outVolume()) return s.outVolume();
        int panels = cap / SgemmVector.NR * SgemmVector.NR;
        return Math.max(1, panels > 0 ? panels : cap);
    }

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                        float[] y, int yOff) {
        int K = s.taps(), P = s.outVolume(), co = s.outChannels(), pc = chunk(s);
        boolean direct = pointwise(s);
        float[] col = direct ? null : new float[K * pc];
        for (int b = 0; b < s.batch(); b++) {
            int yb = yOff + b * co * P, xb = xOff + b * s.inChannels() * s.inVolume();
            for (int c = 0; c < co; c++) Arrays.fill(y, yb + c * P, yb + (c + 1) * P, bias == null ? 0f : bias[biasOff + c]);
            for (int p0 = 0; p0 < P; p0 += pc) {
                int n = Math.min(pc, P - p0);
                if (direct) {
                    Sgemm.sgemm(false, false, co, n, K, 1f, w, wOff, K, x, xb + p0, P, 1f, y, yb + p0, P);
                } else {
                    vol2col(s, x, xb, p0, n, col);
                    Sgemm.sgemm(false, false, co, n, K, 1f, w, wOff, K, col, 0, n, 1f, y, yb + p0, P);
                }
            }
        }
    }

    static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int K = s.taps(), P = s.outVolume(), co = s.outChannels(), pc = chunk(s);
        boolean direct = pointwise(s);
        float[] col = direct ? null : new float[K * pc];
        Arrays.fill(dx, dxOff, (int) (dxOff + s.inputSize()), 0f);
        for (int b = 0; b < s.batch(); b++) {
            int yb = dyOff + b * co * P, xb = dxOff + b * s.inChannels() * s.inVolume();
            for (int p0 = 0; p0 < P; p0 += pc) {
                int n = Math.min(pc, P - p0);
                if (direct) {
                    Sgemm.sgemm(true, false, K, n, co, 1f, w, wOff, K, dy, yb + p0, P, 0f, dx, xb + p0, P);
                } else {
                    Sgemm.sgemm(true, false, K, n, co, 1f, w, wOff, K, dy, yb + p0, P, 0f, col, 0, n);
                    col2vol(s, col, p0, n, dx, xb);
                }
            }
        }
    }

    static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                               float[] dw, int dwOff, float[] dbias, int dbiasOff) {
        int K = s.taps(), P = s.outVolume(), co = s.outChannels(), pc = chunk(s);
        boolean direct = pointwise(s);
        float[] col = direct ? null : new float[K * pc];
        // dWᵀ [K × Cout] += col [K × n] · dyᵀ [n × Cout]: computing the transpose keeps the big column matrix as the
        // in-place A operand; dW = dy·colᵀ would transpose-pack all of col for B (measured ~15% of the conv backward)
        float[] dwT = new float[K * co];
        for (int b = 0; b < s.batch(); b++) {
            int yb = dyOff + b * co * P, xb = xOff + b * s.inChannels() * s.inVolume();
            for (int p0 = 0; p0 < P; p0 += pc) {
                int n = Math.min(pc, P - p0);
                if (direct) {
                    Sgemm.sgemm(false, true, K, co, n, 1f, x, xb + p0, P, dy, yb + p0, P, 1f, dwT, 0, co);
                } else {
                    vol2col(s, x, xb, p0, n, col);
                    Sgemm.sgemm(false, true, K, co, n, 1f, col, 0, n, dy, yb + p0, P, 1f, dwT, 0, co);
                }
            }
        }
        for (int c = 0; c < co; c++)
            for (int r = 0; r < K; r++) dw[dwOff + c * K + r] = dwT[r * co + c];
        if (dbias != null) biasGradient(s, dy, dyOff, dbias, dbiasOff);
    }

    /** dbias = Σ dy over batch and positions, summed per (batch entry, channel) in order — both fast paths use it. */
    static void biasGradient(ConvShape s, float[] dy, int dyOff, float[] dbias, int dbiasOff) {
        int co = s.outChannels(), P = s.outVolume();
        Arrays.fill(dbias, dbiasOff, dbiasOff + co, 0f);
        for (int b = 0; b < s.batch(); b++)
            for (int c = 0; c < co; c++) {
                float acc = 0f;
                int yb = dyOff + (b * co + c) * P;
                for (int p = 0; p < P; p++) acc += dy[yb + p];
                dbias[dbiasOff + c] += acc;
            }
    }

    /**
     * col[r, 0:n] for output positions [p0, p0+n), r = ((ci·kT + kt)·kH + kh)·kW + kw: the input element each tap
     * reads, or 0 in the padding. Rows are filled in parallel (each row is written by one thread).
     */
    static void vol2col(ConvShape s, float[] x, int xb, int p0, int n, float[] col) {
        int kvol = s.kT() * s.kH() * s.kW();
        Parallel.forRange(s.taps(), (chunk, r0, r1) -> {
            for (int rr = r0; rr < r1; rr++) {
                int r = rr, ci = r / kvol, kk = r % kvol, kt = kk / (s.kH() * s.kW()), kh = kk / s.kW() % s.kH(), kw = kk % s.kW();
                walk(s, p0, n, kt, kh, kw, (pos, src, len, stride) -> {
                    int dst = r * n + pos;
                    if (src < 0) Arrays.fill(col, dst, dst + len, 0f);
                    else if (stride == 1) System.arraycopy(x, xb + ci * s.inVolume() + src, col, dst, len);
                    else for (int e = 0; e < len; e++) col[dst + e] = x[xb + ci * s.inVolume() + src + e * stride];
                });
            }
        });
    }

    /** dx[ci] += the column entries of every tap of channel ci; parallel over input channels (disjoint outputs). */
    static void col2vol(ConvShape s, float[] col, int p0, int n, float[] dx, int xb) {
        int kvol = s.kT() * s.kH() * s.kW();
        Parallel.forRange(s.inChannels(), (chunk, c0, c1) -> {
            for (int ci = c0; ci < c1; ci++)
                for (int kk = 0; kk < kvol; kk++) {
                    int r = ci * kvol + kk, kt = kk / (s.kH() * s.kW()), kh = kk / s.kW() % s.kH(), kw = kk % s.kW();
                    int base = xb + ci * s.inVolume();
                    walk(s, p0, n, kt, kh, kw, (pos, src, len, stride) -> {
                        if (src < 0) return;
                        int from = r * n + pos;
                        for (int e = 0; e < len; e++) dx[base + src + e * stride] += col[from + e];
                    });
                }
        });
    }

    /** A run of consecutive output positions along W that read input positions src, src+stride, ... (src < 0: padding). */
    @FunctionalInterface
    private interface Run {
        void accept(int pos, int src, int len, int stride);
    }

    /**
     * Walks output positions [p0, p0+n) for tap (kt, kh, kw), reporting runs along W: each run is either entirely
     * in the padding (src = -1) or reads the input row at stride strideW.
     */
    private static void walk(ConvShape s, int p0, int n, int kt, int kh, int kw, Run run) {
        int oH = s.outH(), oW = s.outW(), H = s.inH(), W = s.inW(), T = s.inT();
        int p = p0, end = p0 + n;
        while (p < end) {
            int ow = p % oW, oh = p / oW % oH, ot = p / (oW * oH);
            int len = Math.min(oW - ow, end - p), pos = p - p0;
            int t = ot * s.strideT() - s.padT0() + kt, hh = oh * s.strideH() - s.padH0() + kh;
            if (t < 0 || t >= T || hh < 0 || hh >= H) {
                run.accept(pos, -1, len, 1);
            } else {
                // output columns ow..ow+len-1 read input w = ow'·sW - padW0 + kw; split into left pad, body, right pad
                int sW = s.strideW(), off = kw - s.padW0();
                int firstIn = Math.max(ow, ceilDiv(-off, sW));            // first ow' with w >= 0
                int lastIn = Math.min(ow + len - 1, Math.floorDiv(W - 1 - off, sW)); // last ow' with w < W
                if (lastIn < firstIn) {
                    run.accept(pos, -1, len, 1);
                } else {
                    if (firstIn > ow) run.accept(pos, -1, firstIn - ow, 1);
                    run.accept(pos + firstIn - ow, (t * H + hh) * W + firstIn * sW + off, lastIn - firstIn + 1, sW);
                    if (lastIn < ow + len - 1) run.accept(pos + lastIn + 1 - ow, -1, ow + len - 1 - lastIn, 1);
                }
            }
            p += len;
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
