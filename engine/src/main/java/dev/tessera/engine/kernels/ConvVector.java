package dev.tessera.engine.kernels;

/** Fast convolution (work in progress: delegates to the reference until vol2col + fast SGEMM lands). */
final class ConvVector {
    private ConvVector() {}

    static void forward(ConvShape s, float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff,
                        float[] y, int yOff) {
        Conv.forwardReference(s, x, xOff, w, wOff, bias, biasOff, y, yOff);
    }

    static void backwardInput(ConvShape s, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        Conv.backwardInputReference(s, dy, dyOff, w, wOff, dx, dxOff);
    }

    static void backwardWeight(ConvShape s, float[] x, int xOff, float[] dy, int dyOff,
                               float[] dw, int dwOff, float[] dbias, int dbiasOff) {
        Conv.backwardWeightReference(s, x, xOff, dy, dyOff, dw, dwOff, dbias, dbiasOff);
    }
}
