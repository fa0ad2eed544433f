package dev.tessera.engine.kernels;

/**
 * Sizes of a 3D convolution (a 2D one is the case {@code inT == kT == 1}): input x [B, Cin, T, H, W], weight
 * w [Cout, Cin, kT, kH, kW], output y [B, Cout, oT, oH, oW], all contiguous (NCDHW). Padding is zero padding and may
 * differ per side, e.g. causal time padding {@code padT0 = kT - 1, padT1 = 0}.
 * {@code oT = (T + padT0 + padT1 - kT) / strideT + 1}, likewise oH, oW.
 * No dilation and no groups (not needed by the VAE; a limit, not an oversight).
 */
public record ConvShape(int batch, int inChannels, int outChannels, int inT, int inH, int inW,
                        int kT, int kH, int kW, int strideT, int strideH, int strideW,
                        int padT0, int padT1, int padH0, int padH1, int padW0, int padW1) {
    public ConvShape {
        if (batch < 0 || inChannels < 1 || outChannels < 1 || inT < 1 || inH < 1 || inW < 1)
            throw new IllegalArgumentException("conv: bad sizes batch=" + batch + " Cin=" + inChannels
                    + " Cout=" + outChannels + " input " + inT + "x" + inH + "x" + inW);
        if (kT < 1 || kH < 1 || kW < 1 || strideT < 1 || strideH < 1 || strideW < 1)
            throw new IllegalArgumentException("conv: kernel and stride must be >= 1, got kernel " + kT + "x" + kH
                    + "x" + kW + " stride " + strideT + "x" + strideH + "x" + strideW);
        if (padT0 < 0 || padT1 < 0 || padH0 < 0 || padH1 < 0 || padW0 < 0 || padW1 < 0)
            throw new IllegalArgumentException("conv: negative padding");
        if (inT + padT0 + padT1 < kT || inH + padH0 + padH1 < kH || inW + padW0 + padW1 < kW)
            throw new IllegalArgumentException("conv: kernel " + kT + "x" + kH + "x" + kW
                    + " larger than the padded input " + (inT + padT0 + padT1) + "x" + (inH + padH0 + padH1) + "x"
                    + (inW + padW0 + padW1));
    }

    /** 2D convolution [B, Cin, H, W] * [Cout, Cin, kH, kW], symmetric padding. */
    public static ConvShape conv2d(int batch, int cin, int cout, int h, int w, int kh, int kw, int stride, int pad) {
        return new ConvShape(batch, cin, cout, 1, h, w, 1, kh, kw, 1, stride, stride, 0, 0, pad, pad, pad, pad);
    }

    /**
     * 3D convolution with symmetric spatial padding and time padding {@code padT0} before, {@code padT1} after
     * (causal: {@code kt-1, 0}).
     */
    public static ConvShape conv3d(int batch, int cin, int cout, int t, int h, int w, int kt, int kh, int kw,
                                   int strideT, int strideHW, int padT0, int padT1, int padHW) {
        return new ConvShape(batch, cin, cout, t, h, w, kt, kh, kw, strideT, strideHW, strideHW,
                padT0, padT1, padHW, padHW, padHW, padHW);
    }

    public int outT() { return (inT + padT0 + padT1 - kT) / strideT + 1; }
    public int outH() { return (inH + padH0 + padH1 - kH) / strideH + 1; }
    public int outW() { return (inW + padW0 + padW1 - kW) / strideW + 1; }

    /** Elements of one input image/volume per channel, T·H·W. */
    public int inVolume() { return inT * inH * inW; }
    /** Output positions per channel, oT·oH·oW. */
    public int outVolume() { return outT() * outH() * outW(); }
    /** Taps per output channel, Cin·kT·kH·kW (the reduction length). */
    public int taps() { return inChannels * kT * kH * kW; }

    public long inputSize() { return (long) batch * inChannels * inVolume(); }
    public long outputSize() { return (long) batch * outChannels * outVolume(); }
    public long weightSize() { return (long) outChannels * taps(); }

    /** Multiply-adds × 2 of the forward pass. */
    public double forwardFlops() { return 2.0 * batch * outChannels * (double) outVolume() * taps(); }
}
