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
        float[] out = new float[bsz * cout * oT * n];
        float[] cols = new float[n * k];
        int plane = h * wd, vol = t * plane;
        for (int bi = 0; bi < bsz; bi++)
            for (int ot = 0; ot < oT; ot++) {
                // cols[p, (ci, a, c, d)] = x[bi, ci, ot·sT + a, oy·sS + c − p, ox·sS + d − p]
                for (int oy = 0; oy < oH; oy++)
                    for (int ox = 0; ox < oW; ox++) {
                        int row = (oy * oW + ox) * k, col = 0;
                        for (int ci = 0; ci < cin; ci++) {
                            int base = bi * cin * vol + ci * vol;
                            for (int a = 0; a < kt; a++) {
                                int fb = base + (ot * strideT + a) * plane;
                                for (int c = 0; c < kh; c++) {
                                    int iy = oy * strideS + c - padS;
                                    boolean rowIn = iy >= 0 && iy < h;
                                    for (int d = 0; d < kw; d++, col++) {
                                        int ix = ox * strideS + d - padS;
                                        cols[row + col] = rowIn && ix >= 0 && ix < wd ? xd[fb + iy * wd + ix] : 0f;
                                    }
                                }
                            }
                        }
                    }
                float[] y = F.linear(Tensor.of(cols, n, k), w2, b).data(); // [n, Cout]
                for (int p = 0; p < n; p++)
                    for (int co = 0; co < cout; co++)
                        out[((bi * cout + co) * oT + ot) * n + p] = y[p * cout + co];
            }
        return Tensor.of(out, bsz, cout, oT, oH, oW);
    }
}
