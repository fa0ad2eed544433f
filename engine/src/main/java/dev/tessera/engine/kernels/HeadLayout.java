package dev.tessera.engine.kernels;

/**
 * Where one attention operand lives in its array: element (b, h, n, d) is at
 * {@code offset + b*strideB + h*strideH + n*strideN + d} (the head dimension is always unit-stride).
 *
 * <p>{@link #bhnd} is the contiguous {@code [B, H, N, Dh]} layout; {@link #bnhd} is {@code [B, N, H, Dh]}, which is what
 * a linear layer's output {@code [B, N, H·Dh]} already is, so attention can read q/k/v straight out of a fused
 * {@code qkv} projection {@code [B, N, 3, H, Dh]} with {@link #packed} and no permute copy.
 */
public record HeadLayout(long offset, long strideB, long strideH, long strideN) {
    /** Contiguous {@code [B, H, N, Dh]}. */
    public static HeadLayout bhnd(int heads, int n, int headDim) {
        return new HeadLayout(0, (long) heads * n * headDim, (long) n * headDim, headDim);
    }

    /** Contiguous {@code [B, N, H, Dh]}. */
    public static HeadLayout bnhd(int n, int heads, int headDim) {
        return new HeadLayout(0, (long) n * heads * headDim, headDim, (long) heads * headDim);
    }

    /**
     * Part {@code which} of a fused projection {@code [B, N, parts, H, Dh]} (e.g. parts=3 for qkv: 0=q, 1=k, 2=v).
     */
    public static HeadLayout packed(int n, int parts, int which, int heads, int headDim) {
        long row = (long) parts * heads * headDim;
        return new HeadLayout((long) which * heads * headDim, n * row, headDim, row);
    }

    /** The same layout shifted by {@code delta} elements (e.g. to a sub-array). */
    public HeadLayout plus(long delta) {
        return new HeadLayout(offset + delta, strideB, strideH, strideN);
    }

    long at(int b, int h, int n) {
        return offset + b * strideB + h * strideH + n * strideN;
    }

    void checkFits(String name, int length, int batch, int heads, int n, int headDim) {
        Kernels.check(strideB >= 0 && strideH >= 0 && strideN >= 0 && offset >= 0, name + ": negative stride/offset");
        if (batch == 0 || heads == 0 || n == 0 || headDim == 0) return;
        long last = at(batch - 1, heads - 1, n - 1) + headDim;
        Kernels.checkRange(name, length, 0, last);
    }
}
