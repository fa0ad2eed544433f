package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/**
 * Inference-only 3D convolution as vol2col + the engine's fast SGEMM ({@link F#linear}), one output frame at a time
 * so the column buffer stays at oH·oW × Cin·k³ floats. Written because the engine's conv3d still ran its plain-loop
 * reference (measured: an S-preset VAE decode of a 4 s 128×128 clip took minutes); used only with the tape off, and
 * checked against {@link F#conv3d} in VaeFastPathTest. Delete once the engine's conv is fast.
 *
 * <p>Input x [B, Cin, T, H, W] already padded in time; space is zero-padded by {@code padS}; weight
 * [Cout, Cin, kT, kH, kW] → [B, Cout, (T−kT)/sT + 1, (H + 2p − kH)/sS + 1, (W + 2p − kW)/sS + 1].
 */
final class Vol2ColConv {
    private Vol2ColConv() {}

    static Tensor forward(Tensor x, Tensor w, Tensor b, int strideT, int strideS, int padS) {
        int[] xs = x.shape(), ws = w.shape();
        int bsz = xs[0], cin = xs[1], t = xs[2], h = xs[3], wd = xs[4];
        int cout = ws[0], kt = ws[2], kh = ws[3], kw = ws[4];
        int oT = (t - kt) / strideT + 1, oH = (h + 2 * padS - kh) / strideS + 1, oW = (wd + 2 * padS - kw) / strideS + 1;
        int k = cin * kt * kh * kw, n = oH * oW;
        float[] xd = x.data();
        Tensor w2 = w.reshape(cout, k);
        float[] bd = b == null ? null : b.data();
        float[] out = new float[bsz * cout * oT * n];
        float[] cols = new float[k * n]; // [Cin·k³, oH·oW]: row (ci, a, c, d) is a shifted, strided copy of one plane
        int plane = h * wd, vol = t * plane;
        for (int bi = 0; bi < bsz; bi++)
            for (int ot = 0; ot < oT; ot++) {
                int r = 0;
                for (int ci = 0; ci < cin; ci++)
                    for (int a = 0; a < kt; a++) {
                        int fb = bi * cin * vol + ci * vol + (ot * strideT + a) * plane;
                        for (int c = 0; c < kh; c++)
                            for (int d = 0; d < kw; d++, r++) {
                                int ro = r * n;
                                for (int oy = 0; oy < oH; oy++) {
                                    int iy = oy * strideS + c - padS, o = ro + oy * oW;
                                    if (iy < 0 || iy >= h) {
                                        java.util.Arrays.fill(cols, o, o + oW, 0f);
                                        continue;
                                    }
                                    int src = fb + iy * wd;
                                    if (strideS == 1) {
                                        // ix = ox + d − p: valid for ox in [lo, hi)
                                        int lo = Math.max(0, padS - d), hi = Math.min(oW, wd + padS - d);
                                        if (lo > 0) java.util.Arrays.fill(cols, o, o + lo, 0f);
                                        if (hi > lo) System.arraycopy(xd, src + lo + d - padS, cols, o + lo, hi - lo);
                                        if (hi < oW) java.util.Arrays.fill(cols, o + Math.max(hi, lo), o + oW, 0f);
                                    } else {
                                        for (int ox = 0; ox < oW; ox++) {
                                            int ix = ox * strideS + d - padS;
                                            cols[o + ox] = ix >= 0 && ix < wd ? xd[src + ix] : 0f;
                                        }
                                    }
                                }
                            }
                    }
                float[] y = w2.matmul(Tensor.of(cols, k, n)).data(); // [Cout, oH·oW]
                for (int co = 0; co < cout; co++) {
                    int dst = ((bi * cout + co) * oT + ot) * n;
                    System.arraycopy(y, co * n, out, dst, n);
                    if (bd != null) {
                        float bias = bd[co];
                        for (int p = 0; p < n; p++) out[dst + p] += bias;
                    }
                }
            }
        return Tensor.of(out, bsz, cout, oT, oH, oW);
    }
}
