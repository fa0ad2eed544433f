package dev.tessera.model.vae;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;

/**
 * Plain 3D convolution (no time padding, symmetric zero padding {@code padS} in space) built from engine
 * primitives: im2col by strided views stacked along a tap axis, then one matmul. Written because the engine had no
 * autograd conv3d op when the VAE was written; memory is k³ × the input, so it suits tests and small clips only.
 * Output time length is {@code (T − k)/strideT + 1}.
 */
final class Conv3d {
    private Conv3d() {}

    static Tensor apply(Tensor x, Tensor w, Tensor b, int strideT, int strideS, int padS) {
        int[] ws = w.shape();
        int cout = ws[0], cin = ws[1], kt = ws[2], kh = ws[3], kw = ws[4];
        int bsz = x.size(0), t = x.size(2), h = x.size(3), wd = x.size(4);
        int oT = (t - kt) / strideT + 1, oH = (h + 2 * padS - kh) / strideS + 1, oW = (wd + 2 * padS - kw) / strideS + 1;
        if (kt == 1 && kh == 1 && kw == 1 && strideT == 1 && strideS == 1 && padS == 0) {
            // pointwise: [B,C,T,H,W] -> [B,T·H·W,C] · Wᵀ
            Tensor cols = x.reshape(bsz, cin, t * h * wd).permute(0, 2, 1);
            Tensor y = F.linear(cols, w.reshape(cout, cin), b); // [B, N, Cout]
            return y.permute(0, 2, 1).reshape(bsz, cout, t, h, wd);
        }
        Tensor xp = x;
        if (padS > 0) {
            // one extra zero row/column at the end keeps every strided window inside the narrowed range
            xp = F.pad(F.pad(xp, 3, padS, padS + strideS, 0f), 4, padS, padS + strideS, 0f);
        }
        if (strideT > 1) xp = F.pad(xp, 2, 0, strideT, 0f);
        Tensor[] taps = new Tensor[kt * kh * kw];
        int n = 0;
        for (int a = 0; a < kt; a++)
            for (int c = 0; c < kh; c++)
                for (int d = 0; d < kw; d++)
                    taps[n++] = strided(strided(strided(xp, 2, a, oT, strideT), 3, c, oH, strideS), 4, d, oW, strideS);
        Tensor cols = F.stack(2, taps)                                      // [B, Cin, k³, oT, oH, oW]
                .reshape(bsz, cin * kt * kh * kw, oT * oH * oW)
                .permute(0, 2, 1);                                          // [B, N, Cin·k³]
        Tensor y = F.linear(cols, w.reshape(cout, cin * kt * kh * kw), b);  // [B, N, Cout]
        return y.permute(0, 2, 1).reshape(bsz, cout, oT, oH, oW);
    }

    /** Elements start, start+s, ..., start+(len−1)·s along dim. */
    private static Tensor strided(Tensor x, int dim, int start, int len, int s) {
        if (s == 1) return x.narrow(dim, start, len);
        Tensor v = x.narrow(dim, start, len * s);
        int[] shape = v.shape();
        int[] split = new int[shape.length + 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i == dim) {
                split[j++] = len;
                split[j++] = s;
            } else split[j++] = shape[i];
        }
        return v.reshape(split).select(dim + 1, 0);
    }
}
