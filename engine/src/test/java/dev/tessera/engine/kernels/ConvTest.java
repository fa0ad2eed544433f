package dev.tessera.engine.kernels;

import static dev.tessera.engine.kernels.KernelTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConvTest {
    private static void check(ConvShape s, long seed, boolean withBias) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = random(rnd, 3 + (int) s.inputSize()), w = random(rnd, 2 + (int) s.weightSize());
        float[] bias = withBias ? random(rnd, s.outChannels()) : null;
        float[] dy = random(rnd, 1 + (int) s.outputSize());
        float[][] want = run(s, true, x, w, bias, dy), got = run(s, false, x, w, bias, dy);
        String[] names = {"y", "dx", "dw", "dbias"};
        for (int t = 0; t < 4; t++)
            if (want[t] != null) assertClose(s + " " + names[t], want[t], got[t], 1e-5 * Math.sqrt(s.taps() + s.outVolume()));
    }

    private static float[][] run(ConvShape s, boolean reference, float[] x, float[] w, float[] bias, float[] dy) {
        float[][] out = new float[4][];
        withReference(reference, () -> {
            float[] y = new float[(int) s.outputSize() + 4];
            Conv.forward(s, x, 3, w, 2, bias, 0, y, 4);
            float[] dx = new float[(int) s.inputSize()];
            Conv.backwardInput(s, dy, 1, w, 2, dx, 0);
            float[] dw = new float[(int) s.weightSize()];
            float[] db = bias == null ? null : new float[s.outChannels()];
            Conv.backwardWeight(s, x, 3, dy, 1, dw, 0, db, 0);
            out[0] = y; out[1] = dx; out[2] = dw; out[3] = db;
        });
        return out;
    }

    @Test
    void conv3dAwkwardShapesMatchReference() {
        // causal time padding (2 before, 0 after), stride 2 in space, odd sizes
        check(ConvShape.conv3d(2, 3, 5, 5, 9, 7, 3, 3, 3, 1, 2, 2, 0, 1), 1, true);
        // asymmetric padding on every axis, time stride 2, 1-wide kernel in W
        check(new ConvShape(1, 4, 3, 6, 5, 11, 2, 3, 1, 2, 1, 1, 1, 0, 0, 2, 0, 0), 2, false);
        // pointwise (no vol2col path), size-1 batch and spatial dims
        check(ConvShape.conv3d(1, 7, 9, 3, 1, 17, 1, 1, 1, 1, 1, 0, 0, 0), 3, true);
        // kernel larger than the input without padding on one axis, stride 3
        check(new ConvShape(2, 2, 4, 2, 8, 8, 2, 5, 5, 1, 3, 3, 0, 0, 2, 1, 1, 2), 4, true);
    }

    @Test
    void directPathMatchesReferenceAndVol2col() {
        ConvShape[] shapes = {
                // the VAE's layer: causal time padding, 3x3x3; W = 70 is one 4-vector block and a tail; 5 output
                // channels end in a short channel block
                ConvShape.conv3d(2, 3, 5, 4, 6, 70, 3, 3, 3, 1, 1, 2, 0, 1),
                // one frame with causal padding (two of three time taps on padding, skipped), and time padding on
                // both sides of two frames
                ConvShape.conv3d(2, 4, 6, 1, 5, 21, 3, 3, 3, 1, 1, 2, 0, 1),
                new ConvShape(1, 3, 4, 2, 4, 33, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1),
                // kernel widths 4 (the generic weight-gradient rows), asymmetric padding, one output channel
                new ConvShape(1, 2, 1, 3, 5, 19, 2, 3, 4, 1, 1, 1, 1, 0, 2, 0, 1, 2),
                // 2D 5x5 without padding: the output row is exactly one vector; one input channel
                ConvShape.conv2d(2, 1, 8, 7, 20, 5, 5, 1, 0)};
        long seed = 8;
        for (ConvShape s : shapes) {
            assertTrue(Conv.direct(s), s.toString());
            check(s, seed, true);
            boolean old = Conv.setDirect(false);
            try {
                assertFalse(Conv.direct(s));
                check(s, seed++, true);
            } finally {
                Conv.setDirect(old);
            }
        }
        // strided, pointwise, over-padded and wide (128-channel) kernels keep the vol2col path
        assertFalse(Conv.direct(ConvShape.conv3d(1, 128, 16, 3, 8, 8, 3, 3, 3, 1, 1, 2, 0, 1)));
        assertFalse(Conv.direct(ConvShape.conv3d(1, 2, 2, 3, 8, 8, 3, 3, 3, 1, 2, 2, 0, 1)));
        assertFalse(Conv.direct(ConvShape.conv3d(1, 2, 2, 3, 8, 8, 1, 1, 1, 1, 1, 0, 0, 0)));
        assertFalse(Conv.direct(ConvShape.conv2d(1, 2, 2, 8, 8, 3, 3, 1, 3)));
    }

    @Test
    void conv2dMatchesReference() {
        check(ConvShape.conv2d(3, 5, 6, 13, 10, 3, 3, 1, 1), 5, true);
        check(ConvShape.conv2d(1, 16, 8, 9, 9, 4, 4, 2, 1), 6, false);
    }

    @Test
    void identicalBitsForAnyThreadCount() {
        // stride 1 (the direct path) and stride 2 (vol2col)
        for (int stride = 1; stride <= 2; stride++) identicalBits(ConvShape.conv3d(2, 6, 10, 4, 12, 70, 3, 3, 3, 1, stride, 2, 0, 1));
    }

    private static void identicalBits(ConvShape s) {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = random(rnd, 3 + (int) s.inputSize()), w = random(rnd, 2 + (int) s.weightSize());
        float[] bias = random(rnd, s.outChannels()), dy = random(rnd, 1 + (int) s.outputSize());
        float[][][] r = new float[2][][];
        int[] threads = {1, 3};
        for (int t = 0; t < 2; t++) {
            int tt = t;
            withThreads(threads[t], () -> r[tt] = run(s, false, x, w, bias, dy));
        }
        for (int t = 0; t < 4; t++) assertArrayEquals(r[0][t], r[1][t]);
    }

    @Test
    void rejectsBadShapesAndShortArrays() {
        assertThrows(IllegalArgumentException.class, () -> ConvShape.conv2d(1, 1, 1, 2, 2, 5, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ConvShape.conv2d(1, 1, 1, 4, 4, 3, 3, 0, 0));
        ConvShape s = ConvShape.conv2d(1, 2, 2, 4, 4, 3, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.forward(s, new float[5], 0, new float[36], 0, null, 0, new float[32], 0));
        assertTrue(e.getMessage().contains("conv x"), e.getMessage());
    }
}
