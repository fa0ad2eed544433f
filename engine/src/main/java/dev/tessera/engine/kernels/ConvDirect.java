package dev.tessera.engine.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The direct convolution behind {@link Conv} for unit-stride kernels (the VAE's 3×3×3 layers): no column matrix.
 * The input is copied once into a zero-padded volume, and every output row is a valid correlation read straight
 * from it:
 * <ul>
 *   <li>forward: y[co][ot][oh][ow] = bias[co] + Σ_{ci,kt,kh,kw} w[co][ci][kt][kh][kw] · xp[ci][ot+kt][oh+kh][ow+kw];
 *       register block {@value #CB} output channels × {@value #NV} vectors along W (16 accumulators), so each input
 *       vector loaded feeds {@value #CB} FMAs and each broadcast weight {@value #NV};</li>
 *   <li>input gradient: the same correlation of the padded dy with the flipped, transposed kernel (unit stride makes
 *       conv_transpose a convolution), so it shares the forward's kernel and never scatters;</li>
 *   <li>weight gradient: per ({@value #CB} output channels, input channel) task, vector partial sums of
 *       dy[co][row] · xp[ci][row + (kt, kh)][· + kw] over all rows, then one fixed-order lane sum per weight.</li>
 * </ul>
 * Why: with 16 channels at full resolution the vol2col path spent more time copying columns (and scattering them
 * back) than multiplying, and its products were too skinny for the SGEMM tile (docs/kernels.md). Every output
 * element is written by one task in a fixed summation order, so results are identical for any thread count.
 *
 * <p>The vector kernels have no shape-dependent branch: row tails are whole vectors (the correlation's extra lanes
 * read past the row into padding or slack and are never copied out; the weight gradient reads zero-padded rows), and
 * a short last channel block repeats its last channel. A branch that the first shapes never take becomes an
 * uncommon trap in C2's code; the first later shape that takes it sent these methods back to the interpreter, where
 * the Vector API allocates every vector (measured: a VAE step 5× slower than with vol2col until that was removed).
 */
final class ConvDirect {
    private ConvDirect() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output channels per register block. */
    static final int CB = 4;
    /** Vectors along W per register block in the correlation. */
    static final int NV = 4;
    /** Rows per block in the weight gradient (its partial sums are reloaded once per block and tap row). */
    private static final int ROWS = 8;

    /** Widest layer (input and output channels) that takes the direct path. */
    static final int MAX_CHANNELS = 64;

    /**
     * Whether the direct path handles this shape: unit stride, a kernel with more than one tap, padding of at most
     * kernel − 1 on every side (so the input gradient is a plain correlation of the padded dy), and at most
     * {@value #MAX_CHANNELS} channels in and out. Measured forward + both backwards on one thread, same JVM, paired
     * with vol2col (3×3×3, causal, 5 frames): 2.5× at 16 channels 128², 2.1× at 32 channels 64², 1.33× at 64
     * channels 32², 1.0–1.1× at 64 channels 16², but 0.87× at 128 channels 32² and 0.72× at 128 channels 16² — wide
     * layers make products the SGEMM tile runs near peak, while the direct kernel's broadcasts cost a load per 4 FMAs.
     */
    static boolean applies(ConvShape s) {
        if (s.inChannels() > MAX_CHANNELS || s.outChannels() > MAX_CHANNELS) return false;
        if (s.strideT() != 1 || s.strideH() != 1 || s.strideW() != 1) return false;
        if (s.kT() * s.kH() * s.kW() == 1) return false;
        return s.padT0() < s.kT() && s.padT1() < s.kT() && s.padH0() < s.kH() && s.padH1() < s.kH()
                && s.padW0() < s.kW() && s.padW1() < s.kW();
    }

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                        float[] y, int yOff) {
        int Tp = s.inT() + s.padT0() + s.padT1(), Hp = s.inH() + s.padH0() + s.padH1(), Wp = s.inW() + s.padW0() + s.padW1();
        float[] xp = new float[s.inChannels() * Tp * Hp * Wp + SLACK];
        int co = s.outChannels(), P = s.outVolume();
        for (int b = 0; b < s.batch(); b++) {
            pad(x, xOff + b * s.inChannels() * s.inVolume(), s.inChannels(), s.inT(), s.inH(), s.inW(),
                    s.padT0(), s.padH0(), s.padW0(), Tp, Hp, Wp, xp, 0);
            correlate(xp, s.inChannels(), Tp, Hp, Wp, s.padT0(), s.inT(), w, wOff, s.kT(), s.kH(), s.kW(), co, bias, biasOff,
                    y, yOff + b * co * P, s.outT(), s.outH(), s.outW());
        }
    }

    static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        int kT = s.kT(), kH = s.kH(), kW = s.kW(), ci = s.inChannels(), co = s.outChannels(), kvol = kT * kH * kW;
        // wf[ci][co][kt][kh][kw] = w[co][ci][kT-1-kt][kH-1-kh][kW-1-kw]
        float[] wf = new float[(int) s.weightSize()];
        for (int o = 0; o < co; o++)
            for (int i = 0; i < ci; i++) {
                int src = wOff + (o * ci + i) * kvol, dst = (i * co + o) * kvol;
                for (int k = 0; k < kvol; k++) wf[dst + k] = w[src + kvol - 1 - k];
            }
        int qT0 = kT - 1 - s.padT0(), qH0 = kH - 1 - s.padH0(), qW0 = kW - 1 - s.padW0();
        int oT = s.outT(), oH = s.outH(), oW = s.outW();
        int Tp = oT + qT0 + kT - 1 - s.padT1(), Hp = oH + qH0 + kH - 1 - s.padH1(), Wp = oW + qW0 + kW - 1 - s.padW1();
        float[] dyp = new float[co * Tp * Hp * Wp + SLACK];
        for (int b = 0; b < s.batch(); b++) {
            pad(dy, dyOff + b * co * s.outVolume(), co, oT, oH, oW, qT0, qH0, qW0, Tp, Hp, Wp, dyp, 0);
            correlate(dyp, co, Tp, Hp, Wp, qT0, oT, wf, 0, kT, kH, kW, ci, null, 0,
                    dx, dxOff + b * ci * s.inVolume(), s.inT(), s.inH(), s.inW());
        }
    }

    static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                               float[] dw, int dwOff, float[] dbias, int dbiasOff) {
        int ci = s.inChannels(), co = s.outChannels(), P = s.outVolume(), B = s.batch();
        int kT = s.kT(), kH = s.kH(), kW = s.kW(), kvol = kT * kH * kW, blocks = (co + CB - 1) / CB;
        int oT = s.outT(), oH = s.outH(), oW = s.outW(), rows = oT * oH;
        // rows of whole vectors: dy rows zero-padded to oWr, x rows to oWr + kW - 1 (zeros past the padded input)
        int oWr = (oW + L - 1) / L * L, Wq = oWr + kW - 1;
        int Tp = s.inT() + s.padT0() + s.padT1(), Hp = s.inH() + s.padH0() + s.padH1(), vol = Tp * Hp * Wq;
        float[] xq = new float[B * ci * vol];
        for (int b = 0; b < B; b++)
            pad(x, xOff + b * ci * s.inVolume(), ci, s.inT(), s.inH(), s.inW(), s.padT0(), s.padH0(), s.padW0(),
                    Tp, Hp, Wq, xq, b * ci * vol);
        int dvol = rows * oWr;
        float[] dyq = new float[B * co * dvol];
        pad(dy, dyOff, B * co, 1, rows, oW, 0, 0, 0, 1, rows, oWr, dyq, 0);
        Parallel.forRange(blocks * ci, (chunk, i0, i1) -> {
            float[] part = new float[kT * kH * CB * kW * L];
            for (int i = i0; i < i1; i++) {
                int co0 = i / ci * CB, c = i % ci, nc = Math.min(CB, co - co0);
                Arrays.fill(part, 0f);
                for (int b = 0; b < B; b++) {
                    int xb = (b * ci + c) * vol, yb = b * co * dvol;
                    // the block's channels; a short last block repeats its last channel (computed, never stored)
                    int d0 = yb + co0 * dvol, d1 = yb + (co0 + Math.min(1, nc - 1)) * dvol,
                            d2 = yb + (co0 + Math.min(2, nc - 1)) * dvol, d3 = yb + (co0 + Math.min(3, nc - 1)) * dvol;
                    for (int r0 = 0; r0 < rows; r0 += ROWS) {
                        int r1 = Math.min(rows, r0 + ROWS);
                        for (int kt = 0; kt < kT; kt++) {
                            // rows whose input frame ot + kt is time padding add nothing: skip them
                            int lo = Math.max(r0, Math.max(0, s.padT0() - kt) * oH),
                                    hi = Math.min(r1, Math.min(oT, s.padT0() + s.inT() - kt) * oH);
                            if (lo >= hi) continue;
                            for (int kh = 0; kh < kH; kh++) {
                                int pb = (kt * kH + kh) * CB * kW * L;
                                if (kW == 3) weightRows3(xq, xb, dyq, d0, d1, d2, d3, lo, hi, oH, oWr, Hp, Wq, kt, kh, part, pb);
                                else weightRows(xq, xb, dyq, d0, d1, d2, d3, lo, hi, oH, oWr, Hp, Wq, kt, kh, kW, part, pb);
                            }
                        }
                    }
                }
                for (int kt = 0; kt < kT; kt++)
                    for (int kh = 0; kh < kH; kh++)
                        for (int j = 0; j < nc; j++)
                            for (int kw = 0; kw < kW; kw++) {
                                int pb = (((kt * kH + kh) * CB + j) * kW + kw) * L;
                                float acc = 0f;
                                for (int l = 0; l < L; l++) acc += part[pb + l];
                                dw[dwOff + ((co0 + j) * ci + c) * kvol + (kt * kH + kh) * kW + kw] = acc;
                            }
            }
        });
        if (dbias != null) ConvVector.biasGradient(s, dy, dyOff, dbias, dbiasOff);
    }

    /** Floats after a padded volume: a row tail's whole vectors read at most this far past its end. */
    private static final int SLACK = NV * L;

    /**
     * Copies C channels of x [C, T, H, W] (from xb) into xp [C, Tp, Hp, Wq] (from xpOff) at (pt, ph, pw), zero
     * elsewhere; Wq may exceed the padded width (whole-vector rows).
     */
    private static void pad(float[] x, int xb, int C, int T, int H, int W, int pt, int ph, int pw,
                            int Tp, int Hp, int Wq, float[] xp, int xpOff) {
        int vol = Tp * Hp * Wq;
        Parallel.forRange(C, (chunk, c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int base = xpOff + c * vol;
                Arrays.fill(xp, base, base + vol, 0f);
                for (int t = 0; t < T; t++)
                    for (int h = 0; h < H; h++)
                        System.arraycopy(x, xb + ((c * T + t) * H + h) * W, xp, base + ((t + pt) * Hp + h + ph) * Wq + pw, W);
            }
        });
    }

    /**
     * y[co][ot][oh][ow] = bias[co] + Σ wk[co][ci][kt][kh][kw] · xp[ci][ot+kt][oh+kh][ow+kw], a valid correlation of
     * xp [cin, Tp, Hp, Wp] (followed by {@link #SLACK} floats) with wk [cout, cin, kT, kH, kW] (from wOff) into
     * y [cout, oT, oH, oW] (from yb). Parallel over (block of {@value #CB} output channels, output row); each sum
     * starts from the bias and adds the taps in (ci, kt, kh, kw) order. Frames [t0, t0 + tIn) of xp hold data, the
     * rest is time padding: taps that read it only add zeros, so each output frame sums just its taps on data
     * (a 1-frame clip with causal padding: one time tap of three — the reference twin skips them too).
     */
    private static void correlate(float[] xp, int cin, int Tp, int Hp, int Wp, int t0, int tIn, float[] w, int wOff,
                                  int kT, int kH, int kW, int cout, float[] bias, int biasOff, float[] y, int yb,
                                  int oT, int oH, int oW) {
        int blocks = (cout + CB - 1) / CB, rows = oT * oH, oVol = rows * oW, kvol = kT * kH * kW, seg = NV * L;
        // per output frame: where each of its taps on data reads, relative to the output position's corner, and the
        // tap's index in the kernel ((ci·kT + kt)·kH + kh)·kW + kw
        int[][] taps = new int[oT][], wk = new int[oT][];
        for (int ot = 0; ot < oT; ot++) {
            int lo = Math.max(0, t0 - ot), hi = Math.min(kT, t0 + tIn - ot), n = cin * Math.max(0, hi - lo) * kH * kW;
            if (ot > 0 && lo == Math.max(0, t0 - ot + 1) && hi == Math.min(kT, t0 + tIn - ot + 1)) {
                taps[ot] = taps[ot - 1];
                wk[ot] = wk[ot - 1];
                continue;
            }
            int[] tp = new int[n], wi = new int[n];
            for (int c = 0, k = 0; c < cin; c++)
                for (int kt = lo; kt < hi; kt++)
                    for (int kh = 0; kh < kH; kh++)
                        for (int kw = 0; kw < kW; kw++, k++) {
                            tp[k] = ((c * Tp + kt) * Hp + kh) * Wp + kw;
                            wi[k] = ((c * kT + kt) * kH + kh) * kW + kw;
                        }
            taps[ot] = tp;
            wk[ot] = wi;
        }
        Parallel.forRange(blocks * rows, (chunk, i0, i1) -> {
            float[] out = new float[CB * seg];
            for (int i = i0; i < i1; i++) {
                int co0 = i / rows * CB, row = i % rows, ot = row / oH, oh = row % oH, nc = Math.min(CB, cout - co0);
                // a short last block repeats its last channel: computed, never stored
                int c1 = co0 + Math.min(1, nc - 1), c2 = co0 + Math.min(2, nc - 1), c3 = co0 + Math.min(3, nc - 1);
                int w0 = wOff + co0 * cin * kvol, w1 = wOff + c1 * cin * kvol, w2 = wOff + c2 * cin * kvol, w3 = wOff + c3 * cin * kvol;
                float b0 = bias == null ? 0f : bias[biasOff + co0], b1 = bias == null ? 0f : bias[biasOff + c1],
                        b2 = bias == null ? 0f : bias[biasOff + c2], b3 = bias == null ? 0f : bias[biasOff + c3];
                int xr = (ot * Hp + oh) * Wp, yr = yb + co0 * oVol + row * oW;
                int[] tp = taps[ot], wi = wk[ot];
                for (int ow = 0; ow < oW; ow += seg) {
                    // a row's tail takes the narrowest block that covers it; lanes past oW read on into the next
                    // row or the slack and are not copied out
                    int n = Math.min(seg, oW - ow);
                    if (n > 2 * L) block4x4(xp, xr + ow, tp, wi, w, w0, w1, w2, w3, b0, b1, b2, b3, out);
                    else if (n > L) block4x2(xp, xr + ow, tp, wi, w, w0, w1, w2, w3, b0, b1, b2, b3, out);
                    else block4x1(xp, xr + ow, tp, wi, w, w0, w1, w2, w3, b0, b1, b2, b3, out);
                    for (int j = 0; j < nc; j++) System.arraycopy(out, j * seg, y, yr + j * oVol + ow, n);
                }
            }
        });
    }

    /** NV·L outputs for CB channels (16 accumulators) into out [CB][NV·L]. */
    private static void block4x4(float[] xp, int x0, int[] taps, int[] wk, float[] w, int w0, int w1, int w2, int w3,
                                 float b0, float b1, float b2, float b3, float[] out) {
        FloatVector a00 = FloatVector.broadcast(S, b0), a01 = a00, a02 = a00, a03 = a00;
        FloatVector a10 = FloatVector.broadcast(S, b1), a11 = a10, a12 = a10, a13 = a10;
        FloatVector a20 = FloatVector.broadcast(S, b2), a21 = a20, a22 = a20, a23 = a20;
        FloatVector a30 = FloatVector.broadcast(S, b3), a31 = a30, a32 = a30, a33 = a30;
        for (int k = 0; k < taps.length; k++) {
            int xr = x0 + taps[k], q = wk[k];
            FloatVector x0v = FloatVector.fromArray(S, xp, xr), x1v = FloatVector.fromArray(S, xp, xr + L),
                    x2v = FloatVector.fromArray(S, xp, xr + 2 * L), x3v = FloatVector.fromArray(S, xp, xr + 3 * L);
            FloatVector v = FloatVector.broadcast(S, w[w0 + q]);
            a00 = x0v.fma(v, a00); a01 = x1v.fma(v, a01); a02 = x2v.fma(v, a02); a03 = x3v.fma(v, a03);
            v = FloatVector.broadcast(S, w[w1 + q]);
            a10 = x0v.fma(v, a10); a11 = x1v.fma(v, a11); a12 = x2v.fma(v, a12); a13 = x3v.fma(v, a13);
            v = FloatVector.broadcast(S, w[w2 + q]);
            a20 = x0v.fma(v, a20); a21 = x1v.fma(v, a21); a22 = x2v.fma(v, a22); a23 = x3v.fma(v, a23);
            v = FloatVector.broadcast(S, w[w3 + q]);
            a30 = x0v.fma(v, a30); a31 = x1v.fma(v, a31); a32 = x2v.fma(v, a32); a33 = x3v.fma(v, a33);
        }
        int seg = NV * L;
        a00.intoArray(out, 0); a01.intoArray(out, L); a02.intoArray(out, 2 * L); a03.intoArray(out, 3 * L);
        a10.intoArray(out, seg); a11.intoArray(out, seg + L); a12.intoArray(out, seg + 2 * L); a13.intoArray(out, seg + 3 * L);
        a20.intoArray(out, 2 * seg); a21.intoArray(out, 2 * seg + L); a22.intoArray(out, 2 * seg + 2 * L); a23.intoArray(out, 2 * seg + 3 * L);
        a30.intoArray(out, 3 * seg); a31.intoArray(out, 3 * seg + L); a32.intoArray(out, 3 * seg + 2 * L); a33.intoArray(out, 3 * seg + 3 * L);
    }

    /** 2·L outputs for CB channels into the first 2·L of each channel's row of out. */
    private static void block4x2(float[] xp, int x0, int[] taps, int[] wk, float[] w, int w0, int w1, int w2, int w3,
                                 float b0, float b1, float b2, float b3, float[] out) {
        FloatVector a00 = FloatVector.broadcast(S, b0), a01 = a00, a10 = FloatVector.broadcast(S, b1), a11 = a10,
                a20 = FloatVector.broadcast(S, b2), a21 = a20, a30 = FloatVector.broadcast(S, b3), a31 = a30;
        for (int k = 0; k < taps.length; k++) {
            int xr = x0 + taps[k], q = wk[k];
            FloatVector x0v = FloatVector.fromArray(S, xp, xr), x1v = FloatVector.fromArray(S, xp, xr + L);
            FloatVector v = FloatVector.broadcast(S, w[w0 + q]);
            a00 = x0v.fma(v, a00); a01 = x1v.fma(v, a01);
            v = FloatVector.broadcast(S, w[w1 + q]);
            a10 = x0v.fma(v, a10); a11 = x1v.fma(v, a11);
            v = FloatVector.broadcast(S, w[w2 + q]);
            a20 = x0v.fma(v, a20); a21 = x1v.fma(v, a21);
            v = FloatVector.broadcast(S, w[w3 + q]);
            a30 = x0v.fma(v, a30); a31 = x1v.fma(v, a31);
        }
        int seg = NV * L;
        a00.intoArray(out, 0); a01.intoArray(out, L);
        a10.intoArray(out, seg); a11.intoArray(out, seg + L);
        a20.intoArray(out, 2 * seg); a21.intoArray(out, 2 * seg + L);
        a30.intoArray(out, 3 * seg); a31.intoArray(out, 3 * seg + L);
    }

    /**
     * L outputs for CB channels into the first L of each channel's row of out. (No array of the four accumulators:
     * vectors stored into an array escape, and C2 then boxes them in the loop — measured 10× slower.)
     */
    private static void block4x1(float[] xp, int x0, int[] taps, int[] wk, float[] w, int w0, int w1, int w2, int w3,
                                 float b0, float b1, float b2, float b3, float[] out) {
        FloatVector a0 = FloatVector.broadcast(S, b0), a1 = FloatVector.broadcast(S, b1),
                a2 = FloatVector.broadcast(S, b2), a3 = FloatVector.broadcast(S, b3);
        for (int k = 0; k < taps.length; k++) {
            int q = wk[k];
            FloatVector xv = FloatVector.fromArray(S, xp, x0 + taps[k]);
            a0 = xv.fma(FloatVector.broadcast(S, w[w0 + q]), a0);
            a1 = xv.fma(FloatVector.broadcast(S, w[w1 + q]), a1);
            a2 = xv.fma(FloatVector.broadcast(S, w[w2 + q]), a2);
            a3 = xv.fma(FloatVector.broadcast(S, w[w3 + q]), a3);
        }
        int seg = NV * L;
        a0.intoArray(out, 0); a1.intoArray(out, seg); a2.intoArray(out, 2 * seg); a3.intoArray(out, 3 * seg);
    }

    /**
     * Weight-gradient partial sums for one tap row (kt, kh) of a 3-wide kernel, rows [r0, r1): part[j][kw] +=
     * dy[co0+j][row] · xq[ci][row+(kt,kh)][· + kw] over whole-vector rows of oWr (dy zero past oW), 12 vector
     * accumulators loaded from and stored back to part.
     */
    private static void weightRows3(float[] xq, int xb, float[] dyq, int d0, int d1, int d2, int d3, int r0, int r1,
                                    int oH, int oWr, int Hp, int Wq, int kt, int kh, float[] part, int pb) {
        FloatVector p00 = FloatVector.fromArray(S, part, pb), p01 = FloatVector.fromArray(S, part, pb + L),
                p02 = FloatVector.fromArray(S, part, pb + 2 * L), p10 = FloatVector.fromArray(S, part, pb + 3 * L),
                p11 = FloatVector.fromArray(S, part, pb + 4 * L), p12 = FloatVector.fromArray(S, part, pb + 5 * L),
                p20 = FloatVector.fromArray(S, part, pb + 6 * L), p21 = FloatVector.fromArray(S, part, pb + 7 * L),
                p22 = FloatVector.fromArray(S, part, pb + 8 * L), p30 = FloatVector.fromArray(S, part, pb + 9 * L),
                p31 = FloatVector.fromArray(S, part, pb + 10 * L), p32 = FloatVector.fromArray(S, part, pb + 11 * L);
        for (int row = r0; row < r1; row++) {
            int ot = row / oH, oh = row % oH, dr = row * oWr;
            int xr = xb + ((ot + kt) * Hp + oh + kh) * Wq;
            for (int ow = 0; ow < oWr; ow += L) {
                FloatVector x0 = FloatVector.fromArray(S, xq, xr + ow), x1 = FloatVector.fromArray(S, xq, xr + ow + 1),
                        x2 = FloatVector.fromArray(S, xq, xr + ow + 2);
                FloatVector g = FloatVector.fromArray(S, dyq, d0 + dr + ow);
                p00 = g.fma(x0, p00); p01 = g.fma(x1, p01); p02 = g.fma(x2, p02);
                g = FloatVector.fromArray(S, dyq, d1 + dr + ow);
                p10 = g.fma(x0, p10); p11 = g.fma(x1, p11); p12 = g.fma(x2, p12);
                g = FloatVector.fromArray(S, dyq, d2 + dr + ow);
                p20 = g.fma(x0, p20); p21 = g.fma(x1, p21); p22 = g.fma(x2, p22);
                g = FloatVector.fromArray(S, dyq, d3 + dr + ow);
                p30 = g.fma(x0, p30); p31 = g.fma(x1, p31); p32 = g.fma(x2, p32);
            }
        }
        p00.intoArray(part, pb); p01.intoArray(part, pb + L); p02.intoArray(part, pb + 2 * L);
        p10.intoArray(part, pb + 3 * L); p11.intoArray(part, pb + 4 * L); p12.intoArray(part, pb + 5 * L);
        p20.intoArray(part, pb + 6 * L); p21.intoArray(part, pb + 7 * L); p22.intoArray(part, pb + 8 * L);
        p30.intoArray(part, pb + 9 * L); p31.intoArray(part, pb + 10 * L); p32.intoArray(part, pb + 11 * L);
    }

    /** As {@link #weightRows3} for any kernel width: one kw at a time, CB accumulators. */
    private static void weightRows(float[] xq, int xb, float[] dyq, int d0, int d1, int d2, int d3, int r0, int r1,
                                   int oH, int oWr, int Hp, int Wq, int kt, int kh, int kW, float[] part, int pb) {
        for (int kw = 0; kw < kW; kw++) {
            int q0 = pb + kw * L, q1 = q0 + kW * L, q2 = q1 + kW * L, q3 = q2 + kW * L;
            FloatVector p0 = FloatVector.fromArray(S, part, q0), p1 = FloatVector.fromArray(S, part, q1),
                    p2 = FloatVector.fromArray(S, part, q2), p3 = FloatVector.fromArray(S, part, q3);
            for (int row = r0; row < r1; row++) {
                int ot = row / oH, oh = row % oH, dr = row * oWr;
                int xr = xb + ((ot + kt) * Hp + oh + kh) * Wq + kw;
                for (int ow = 0; ow < oWr; ow += L) {
                    FloatVector xv = FloatVector.fromArray(S, xq, xr + ow);
                    p0 = FloatVector.fromArray(S, dyq, d0 + dr + ow).fma(xv, p0);
                    p1 = FloatVector.fromArray(S, dyq, d1 + dr + ow).fma(xv, p1);
                    p2 = FloatVector.fromArray(S, dyq, d2 + dr + ow).fma(xv, p2);
                    p3 = FloatVector.fromArray(S, dyq, d3 + dr + ow).fma(xv, p3);
                }
            }
            p0.intoArray(part, q0); p1.intoArray(part, q1); p2.intoArray(part, q2); p3.intoArray(part, q3);
        }
    }
}
