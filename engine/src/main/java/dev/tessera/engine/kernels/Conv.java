package dev.tessera.engine.kernels;

/**
 * 2D/3D convolution forward and backward (see {@link ConvShape} for layouts and padding). Arrays are contiguous
 * NCDHW with an offset: x [B, Cin, T, H, W], w [Cout, Cin, kT, kH, kW], bias [Cout] or null, y [B, Cout, oT, oH, oW].
 *
 * <p>Two fast paths: unit-stride kernels run the direct convolution ({@link ConvDirect}: a zero-padded copy of the
 * input, then register-blocked correlations, no column matrix); the rest (strided and pointwise kernels) unfold the
 * input into columns ({@link ConvVector}: vol2col in bounded chunks of output positions) and multiply with the fast
 * {@link Sgemm}. The reference twins are the direct seven-deep loops.
 * All three entry points <em>overwrite</em> their outputs (y, dx, dw and dbias).
 */
public final class Conv {
    private Conv() {}

    /** y = conv(x, w) + bias. */
    public static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                               float[] y, int yOff) {
        Kernels.checkRange("conv x", x.length, xOff, s.inputSize());
        Kernels.checkRange("conv w", w.length, wOff, s.weightSize());
        if (bias != null) Kernels.checkRange("conv bias", bias.length, biasOff, s.outChannels());
        Kernels.checkRange("conv y", y.length, yOff, s.outputSize());
        if (Kernels.reference()) forwardReference(s, x, xOff, w, wOff, bias, biasOff, y, yOff);
        else if (direct(s)) ConvDirect.forward(s, x, xOff, w, wOff, bias, biasOff, y, yOff);
        else ConvVector.forward(s, x, xOff, w, wOff, bias, biasOff, y, yOff);
    }

    /** dx = conv_transpose(dy, w): the gradient of the forward with respect to its input. */
    public static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        Kernels.checkRange("conv dy", dy.length, dyOff, s.outputSize());
        Kernels.checkRange("conv w", w.length, wOff, s.weightSize());
        Kernels.checkRange("conv dx", dx.length, dxOff, s.inputSize());
        if (Kernels.reference()) backwardInputReference(s, dy, dyOff, w, wOff, dx, dxOff);
        else if (direct(s)) ConvDirect.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
        else ConvVector.backwardInput(s, dy, dyOff, w, wOff, dx, dxOff);
    }

    /** dw = Σ_batch dy ⋆ x, and dbias = Σ dy over batch and positions when {@code dbias != null}. */
    public static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                                      float[] dw, int dwOff, float[] dbias, int dbiasOff) {
        Kernels.checkRange("conv x", x.length, xOff, s.inputSize());
        Kernels.checkRange("conv dy", dy.length, dyOff, s.outputSize());
        Kernels.checkRange("conv dw", dw.length, dwOff, s.weightSize());
        if (dbias != null) Kernels.checkRange("conv dbias", dbias.length, dbiasOff, s.outChannels());
        if (Kernels.reference()) backwardWeightReference(s, x, xOff, dy, dyOff, dw, dwOff, dbias, dbiasOff);
        else if (direct(s)) ConvDirect.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, dbias, dbiasOff);
        else ConvVector.backwardWeight(s, x, xOff, dy, dyOff, dw, dwOff, dbias, dbiasOff);
    }

    private static volatile boolean directOn = true;

    /**
     * Turns the direct path ({@link ConvDirect}) on or off for the whole process and returns the previous value; off,
     * every non-reference convolution takes the vol2col + SGEMM path. For benchmarks and tests that compare the two
     * fast paths on the same shape; both are checked against the reference twins.
     */
    public static boolean setDirect(boolean on) {
        boolean old = directOn;
        directOn = on;
        return old;
    }

    /** Whether the direct path runs for this shape (see {@link ConvDirect#applies}). */
    public static boolean direct(ConvShape s) {
        return directOn && ConvDirect.applies(s);
    }

    /** Reference twin of {@link #forward}: direct loops, taps summed in (ci, kt, kh, kw) order. */
    public static void forwardReference(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias,
                                        int biasOff, float[] y, int yOff) {
        int oT = s.outT(), oH = s.outH(), oW = s.outW(), T = s.inT(), H = s.inH(), W = s.inW();
        for (int b = 0; b < s.batch(); b++)
            for (int co = 0; co < s.outChannels(); co++)
                for (int ot = 0; ot < oT; ot++)
                    for (int oh = 0; oh < oH; oh++)
                        for (int ow = 0; ow < oW; ow++) {
                            float acc = 0f;
                            for (int ci = 0; ci < s.inChannels(); ci++)
                                for (int kt = 0; kt < s.kT(); kt++) {
                                    int t = ot * s.strideT() - s.padT0() + kt;
                                    if (t < 0 || t >= T) continue;
                                    for (int kh = 0; kh < s.kH(); kh++) {
                                        int hh = oh * s.strideH() - s.padH0() + kh;
                                        if (hh < 0 || hh >= H) continue;
                                        for (int kw = 0; kw < s.kW(); kw++) {
                                            int ww = ow * s.strideW() - s.padW0() + kw;
                                            if (ww < 0 || ww >= W) continue;
                                            acc += x[xOff + (((b * s.inChannels() + ci) * T + t) * H + hh) * W + ww]
                                                    * w[wOff + (((co * s.inChannels() + ci) * s.kT() + kt) * s.kH() + kh) * s.kW() + kw];
                                        }
                                    }
                                }
                            if (bias != null) acc += bias[biasOff + co];
                            y[yOff + (((b * s.outChannels() + co) * oT + ot) * oH + oh) * oW + ow] = acc;
                        }
    }

    /** Reference twin of {@link #backwardInput}: scatters every dy element through the kernel. */
    public static void backwardInputReference(ConvShape s, float[] dy, int dyOff, float[] w, int wOff,
                                              float[] dx, int dxOff) {
        int oT = s.outT(), oH = s.outH(), oW = s.outW(), T = s.inT(), H = s.inH(), W = s.inW();
        java.util.Arrays.fill(dx, dxOff, (int) (dxOff + s.inputSize()), 0f);
        for (int b = 0; b < s.batch(); b++)
            for (int co = 0; co < s.outChannels(); co++)
                for (int ot = 0; ot < oT; ot++)
                    for (int oh = 0; oh < oH; oh++)
                        for (int ow = 0; ow < oW; ow++) {
                            float g = dy[dyOff + (((b * s.outChannels() + co) * oT + ot) * oH + oh) * oW + ow];
                            for (int ci = 0; ci < s.inChannels(); ci++)
                                for (int kt = 0; kt < s.kT(); kt++) {
                                    int t = ot * s.strideT() - s.padT0() + kt;
                                    if (t < 0 || t >= T) continue;
                                    for (int kh = 0; kh < s.kH(); kh++) {
                                        int hh = oh * s.strideH() - s.padH0() + kh;
                                        if (hh < 0 || hh >= H) continue;
                                        for (int kw = 0; kw < s.kW(); kw++) {
                                            int ww = ow * s.strideW() - s.padW0() + kw;
                                            if (ww < 0 || ww >= W) continue;
                                            dx[dxOff + (((b * s.inChannels() + ci) * T + t) * H + hh) * W + ww] +=
                                                    g * w[wOff + (((co * s.inChannels() + ci) * s.kT() + kt) * s.kH() + kh) * s.kW() + kw];
                                        }
                                    }
                                }
                        }
    }

    /** Reference twin of {@link #backwardWeight}. */
    public static void backwardWeightReference(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                                               float[] dw, int dwOff, float[] dbias, int dbiasOff) {
        int oT = s.outT(), oH = s.outH(), oW = s.outW(), T = s.inT(), H = s.inH(), W = s.inW();
        java.util.Arrays.fill(dw, dwOff, (int) (dwOff + s.weightSize()), 0f);
        if (dbias != null) java.util.Arrays.fill(dbias, dbiasOff, dbiasOff + s.outChannels(), 0f);
        for (int b = 0; b < s.batch(); b++)
            for (int co = 0; co < s.outChannels(); co++)
                for (int ot = 0; ot < oT; ot++)
                    for (int oh = 0; oh < oH; oh++)
                        for (int ow = 0; ow < oW; ow++) {
                            float g = dy[dyOff + (((b * s.outChannels() + co) * oT + ot) * oH + oh) * oW + ow];
                            if (dbias != null) dbias[dbiasOff + co] += g;
                            for (int ci = 0; ci < s.inChannels(); ci++)
                                for (int kt = 0; kt < s.kT(); kt++) {
                                    int t = ot * s.strideT() - s.padT0() + kt;
                                    if (t < 0 || t >= T) continue;
                                    for (int kh = 0; kh < s.kH(); kh++) {
                                        int hh = oh * s.strideH() - s.padH0() + kh;
                                        if (hh < 0 || hh >= H) continue;
                                        for (int kw = 0; kw < s.kW(); kw++) {
                                            int ww = ow * s.strideW() - s.padW0() + kw;
                                            if (ww < 0 || ww >= W) continue;
                                            dw[dwOff + (((co * s.inChannels() + ci) * s.kT() + kt) * s.kH() + kh) * s.kW() + kw] +=
                                                    g * x[xOff + (((b * s.inChannels() + ci) * T + t) * H + hh) * W + ww];
                                        }
                                    }
                                }
                        }
    }
}
