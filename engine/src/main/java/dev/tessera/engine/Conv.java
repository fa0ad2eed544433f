package dev.tessera.engine;

import dev.tessera.engine.kernels.ConvShape;

/** 2D/3D convolution over the conv kernels, and nearest-neighbour upsampling. */
final class Conv {
    private Conv() {}

    /**
     * x [B, Cin, T, H, W] ⋆ w [Cout, Cin, kT, kH, kW] (+ b [Cout]) with zero padding per side; causal time padding
     * is padT0 = kT - 1, padT1 = 0.
     */
    static Tensor conv3d(Tensor x, Tensor w, Tensor b, int strideT, int strideH, int strideW,
                         int padT0, int padT1, int padH0, int padH1, int padW0, int padW1) {
        if (x.dim() != 5 || w.dim() != 5)
            throw new IllegalArgumentException("conv3d wants x [B,C,T,H,W] and w [Cout,Cin,kT,kH,kW], got " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape));
        if (w.shape[1] != x.shape[1])
            throw new IllegalArgumentException("conv3d: input has " + x.shape[1] + " channels, weight expects " + w.shape[1]);
        if (b != null && (b.dim() != 1 || b.shape[0] != w.shape[0]))
            throw new IllegalArgumentException("conv3d: bias " + Shapes.str(b.shape) + " for " + w.shape[0] + " output channels");
        ConvShape s = new ConvShape(x.shape[0], x.shape[1], w.shape[0], x.shape[2], x.shape[3], x.shape[4],
                w.shape[2], w.shape[3], w.shape[4], strideT, strideH, strideW, padT0, padT1, padH0, padH1, padW0, padW1);
        float[] xd = x.data(), wd = w.data(), bd = b == null ? null : b.data();
        float[] y = new float[Math.toIntExact(s.outputSize())];
        dev.tessera.engine.kernels.Conv.forward(s, xd, 0, wd, 0, bd, 0, y, 0);
        int[] out = {s.batch(), s.outChannels(), s.outT(), s.outH(), s.outW()};
        if (!Grad.needed(x, w, b)) return Tensor.result(y, out, null);
        return Tensor.result(y, out, g -> {
            if (x.requiresGrad) {
                float[] dx = new float[xd.length];
                dev.tessera.engine.kernels.Conv.backwardInput(s, g, 0, wd, 0, dx, 0);
                Tensor.addGrad(x, dx);
            }
            boolean wantB = b != null && b.requiresGrad;
            if (w.requiresGrad || wantB) {
                float[] dw = new float[wd.length], db = wantB ? new float[s.outChannels()] : null;
                dev.tessera.engine.kernels.Conv.backwardWeight(s, xd, 0, g, 0, dw, 0, db, 0);
                Tensor.addGrad(w, dw);
                if (wantB) Tensor.addGrad(b, db);
            }
        }, x, w, b);
    }

    /**
     * Transposed 3D convolution (the adjoint of {@link #conv3d}): x [B, Cin, T, H, W], w [Cin, Cout, kT, kH, kW]
     * (PyTorch's ConvTranspose layout) → [B, Cout, (T-1)·sT - padT0 - padT1 + kT, ...]. It is computed as the
     * input-gradient of the conv that maps the output back to x, so the forward, both backwards and the reference
     * twins are the conv kernels' own.
     */
    static Tensor convTranspose3d(Tensor x, Tensor w, Tensor b, int strideT, int strideHW, int padT0, int padT1, int padHW) {
        if (x.dim() != 5 || w.dim() != 5)
            throw new IllegalArgumentException("convTranspose3d wants x [B,Cin,T,H,W] and w [Cin,Cout,kT,kH,kW], got " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape));
        if (w.shape[0] != x.shape[1])
            throw new IllegalArgumentException("convTranspose3d: input has " + x.shape[1] + " channels, weight expects " + w.shape[0]);
        int cout = w.shape[1];
        if (b != null && (b.dim() != 1 || b.shape[0] != cout))
            throw new IllegalArgumentException("convTranspose3d: bias " + Shapes.str(b.shape) + " for " + cout + " output channels");
        int kT = w.shape[2], kH = w.shape[3], kW = w.shape[4];
        int oT = (x.shape[2] - 1) * strideT - padT0 - padT1 + kT;
        int oH = (x.shape[3] - 1) * strideHW - 2 * padHW + kH, oW = (x.shape[4] - 1) * strideHW - 2 * padHW + kW;
        if (oT < 1 || oH < 1 || oW < 1) throw new IllegalArgumentException("convTranspose3d: padding leaves no output for input " + Shapes.str(x.shape));
        // the conv from y [B, Cout, oT, oH, oW] to x [B, Cin, T, H, W] with weight [Cin, Cout, k...]
        ConvShape s = new ConvShape(x.shape[0], cout, x.shape[1], oT, oH, oW, kT, kH, kW, strideT, strideHW, strideHW,
                padT0, padT1, padHW, padHW, padHW, padHW);
        float[] xd = x.data(), wd = w.data(), bd = b == null ? null : b.data();
        float[] y = new float[Math.toIntExact(s.inputSize())];
        dev.tessera.engine.kernels.Conv.backwardInput(s, xd, 0, wd, 0, y, 0);
        int vol = oT * oH * oW;
        if (bd != null)
            for (int n = 0; n < x.shape[0]; n++)
                for (int c = 0; c < cout; c++)
                    for (int i = 0, o = (n * cout + c) * vol; i < vol; i++) y[o + i] += bd[c];
        int[] out = {x.shape[0], cout, oT, oH, oW};
        if (!Grad.needed(x, w, b)) return Tensor.result(y, out, null);
        return Tensor.result(y, out, g -> {
            if (x.requiresGrad) { // dx = conv(g, w)
                float[] dx = new float[xd.length];
                dev.tessera.engine.kernels.Conv.forward(s, g, 0, wd, 0, null, 0, dx, 0);
                Tensor.addGrad(x, dx);
            }
            if (w.requiresGrad) { // dw = the conv's weight gradient with g as its input and x as its output gradient
                float[] dw = new float[wd.length];
                dev.tessera.engine.kernels.Conv.backwardWeight(s, g, 0, xd, 0, dw, 0, null, 0);
                Tensor.addGrad(w, dw);
            }
            if (b != null && b.requiresGrad) {
                float[] db = new float[cout];
                for (int n = 0; n < x.shape[0]; n++)
                    for (int c = 0; c < cout; c++)
                        for (int i = 0, o = (n * cout + c) * vol; i < vol; i++) db[c] += g[o + i];
                Tensor.addGrad(b, db);
            }
        }, x, w, b);
    }

    /** x [B, Cin, H, W] ⋆ w [Cout, Cin, kH, kW]: a conv3d with T = kT = 1. */
    static Tensor conv2d(Tensor x, Tensor w, Tensor b, int stride, int pad) {
        if (x.dim() != 4 || w.dim() != 4)
            throw new IllegalArgumentException("conv2d wants x [B,C,H,W] and w [Cout,Cin,kH,kW], got " + Shapes.str(x.shape) + " and " + Shapes.str(w.shape));
        Tensor y = conv3d(x.unsqueeze(2), w.unsqueeze(2), b, 1, stride, stride, 0, 0, pad, pad, pad, pad);
        return y.squeeze(2);
    }

    /** Nearest-neighbour upsampling of the last {@code factors.length} dims by integer factors. */
    static Tensor upsampleNearest(Tensor x, int... factors) {
        int r = x.dim(), k = factors.length;
        if (k > r) throw new IllegalArgumentException("upsample: " + k + " factors for rank " + r);
        int[] out = x.shape.clone();
        for (int i = 0; i < k; i++) {
            if (factors[i] < 1) throw new IllegalArgumentException("upsample factor must be >= 1, got " + factors[i]);
            out[r - k + i] *= factors[i];
        }
        if (k == 0) return x;
        Nearest map = new Nearest(java.util.Arrays.copyOfRange(x.shape, r - k, r), factors.clone());
        int outer = Math.toIntExact(Shapes.numel(x.shape) / Math.max(1, map.inStride[0] * (long) map.dims[0]));
        int inBlock = map.inStride[0] * map.dims[0], outBlock = map.outStride[0] * map.dims[0] * map.f[0];
        float[] xd = x.data();
        float[] y = new float[Math.toIntExact(Shapes.numel(out))];
        // each task owns whole input blocks and their output blocks: no shared writes, the same bits for any thread count
        Pointwise.split(outer, outBlock, (a0, a1) -> {
            for (int a = a0; a < a1; a++) map.expand(0, xd, a * inBlock, y, a * outBlock);
        });
        return Tensor.result(y, out, g -> {
            float[] dx = new float[xd.length];
            Pointwise.split(outer, outBlock, (a0, a1) -> {
                for (int a = a0; a < a1; a++) map.reduce(0, g, a * outBlock, dx, a * inBlock);
            });
            Tensor.addGrad(x, dx);
        }, x);
    }

    /**
     * Nearest-neighbour upsampling of the last {@code dims.length} dims by {@code f}: the innermost dim repeats each
     * value f times; every outer dim writes its first copy and duplicates it with one array copy per extra copy.
     * The backward sums each input's f₀·f₁·… outputs in ascending output order.
     */
    private static final class Nearest {
        final int[] dims, f, inStride, outStride;

        Nearest(int[] dims, int[] f) {
            this.dims = dims;
            this.f = f;
            int k = dims.length;
            inStride = new int[k];
            outStride = new int[k];
            int is = 1, os = 1;
            for (int d = k - 1; d >= 0; d--) {
                inStride[d] = is;
                outStride[d] = os;
                is *= dims[d];
                os *= dims[d] * f[d];
            }
        }

        void expand(int d, float[] x, int xo, float[] y, int yo) {
            int n = dims[d], fd = f[d];
            if (d == dims.length - 1) {
                if (fd == 1) System.arraycopy(x, xo, y, yo, n);
                else if (fd == 2) for (int i = 0; i < n; i++) { float v = x[xo + i]; y[yo + 2 * i] = v; y[yo + 2 * i + 1] = v; }
                else for (int i = 0; i < n; i++) java.util.Arrays.fill(y, yo + i * fd, yo + (i + 1) * fd, x[xo + i]);
                return;
            }
            int os = outStride[d];
            for (int i = 0; i < n; i++) {
                int yb = yo + i * fd * os;
                expand(d + 1, x, xo + i * inStride[d], y, yb);
                for (int c = 1; c < fd; c++) System.arraycopy(y, yb, y, yb + c * os, os);
            }
        }

        void reduce(int d, float[] g, int go, float[] dx, int xo) {
            int n = dims[d], fd = f[d];
            if (d == dims.length - 1) {
                if (fd == 2) for (int i = 0; i < n; i++) dx[xo + i] = dx[xo + i] + g[go + 2 * i] + g[go + 2 * i + 1];
                else for (int i = 0; i < n; i++) {
                    float s = dx[xo + i];
                    for (int j = 0; j < fd; j++) s += g[go + i * fd + j];
                    dx[xo + i] = s;
                }
                return;
            }
            int os = outStride[d];
            for (int i = 0; i < n; i++)
                for (int c = 0; c < fd; c++) reduce(d + 1, g, go + (i * fd + c) * os, dx, xo + i * inStride[d]);
        }
    }

    /**
     * Linear interpolation along one dim by an integer factor, PyTorch's {@code align_corners=False} rule: output
     * position o samples the input at (o + 0.5)/factor - 0.5, clamped to the edges. Trilinear upsampling is this
     * along T, H and W in turn (linear interpolation is separable).
     */
    static Tensor upsampleLinear(Tensor x, int dim, int factor) {
        int d = Shapes.axis(dim, x.dim());
        if (factor < 1) throw new IllegalArgumentException("upsample factor must be >= 1, got " + factor);
        if (factor == 1) return x;
        int outer = Reduce.outer(x.shape, d), n = x.shape[d], inner = Reduce.inner(x.shape, d), m = n * factor;
        int[] i0 = new int[m], i1 = new int[m];
        float[] lam = new float[m];
        for (int o = 0; o < m; o++) {
            double src = Math.max(0, (o + 0.5) / factor - 0.5);
            i0[o] = Math.min((int) Math.floor(src), n - 1);
            i1[o] = Math.min(i0[o] + 1, n - 1);
            lam[o] = (float) (src - i0[o]);
        }
        float[] xd = x.data();
        float[] y = new float[outer * m * inner];
        for (int a = 0; a < outer; a++)
            for (int o = 0; o < m; o++) {
                int dst = (a * m + o) * inner, s0 = (a * n + i0[o]) * inner, s1 = (a * n + i1[o]) * inner;
                float l = lam[o];
                for (int i = 0; i < inner; i++) y[dst + i] = (1 - l) * xd[s0 + i] + l * xd[s1 + i];
            }
        int[] out = x.shape.clone();
        out[d] = m;
        return Tensor.result(y, out, g -> {
            float[] dx = new float[xd.length];
            for (int a = 0; a < outer; a++)
                for (int o = 0; o < m; o++) {
                    int src = (a * m + o) * inner, d0 = (a * n + i0[o]) * inner, d1 = (a * n + i1[o]) * inner;
                    float l = lam[o];
                    for (int i = 0; i < inner; i++) {
                        dx[d0 + i] += (1 - l) * g[src + i];
                        dx[d1 + i] += l * g[src + i];
                    }
                }
            Tensor.addGrad(x, dx);
        }, x);
    }
}
