package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class TensorTest {
    @Test
    void viewsShareStorageAndIndexCorrectly() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        assertEquals(13f, x.get(1, 0, 1));
        Tensor p = x.permute(2, 0, 1); // [4, 2, 3]
        assertSame(x.storage(), p.storage());
        assertEquals(x.get(1, 2, 3), p.get(3, 1, 2));
        assertFalse(p.isContiguous());
        Tensor n = x.narrow(2, 1, 2);
        assertArrayEquals(new int[] {2, 3, 2}, n.shape());
        assertEquals(x.get(1, 1, 2), n.get(1, 1, 1));
        Tensor e = Tensor.vector(1, 2, 3).reshape(3, 1).expand(3, 4);
        assertEquals(0, e.strides()[1]);
        assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3}, e.data());
        Tensor c = p.contiguous();
        assertTrue(c.isContiguous());
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 2; j++)
                for (int k = 0; k < 3; k++) assertEquals(x.get(j, k, i), c.get(i, j, k));
        assertEquals(x.get(1, 2, 0), x.select(1, 2).get(1, 0));
        assertArrayEquals(new int[] {2, 1, 3, 4}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {2, 12}, x.flatten(1, 2).shape());
    }

    @Test
    void badShapesGiveClearErrors() {
        Tensor x = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.add(Tensor.zeros(4)));
        assertThrows(IllegalArgumentException.class, () -> x.matmul(Tensor.zeros(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, -1));
    }

    @Test
    void halfStorageRoundTrips() {
        Tensor x = Tensor.randn(new Rng(3), 5, 7);
        Tensor b = x.to(DType.BF16), h = x.to(DType.F16);
        assertEquals(DType.BF16, b.dtype());
        float[] xd = x.data(), bd = b.data(), hd = h.data();
        for (int i = 0; i < xd.length; i++) {
            assertEquals(xd[i], bd[i], Math.abs(xd[i]) / 128 + 1e-30);
            assertEquals(xd[i], hd[i], Math.abs(xd[i]) / 1024 + 1e-4);
        }
        // bf16 rounding is to nearest even: 1 + 2^-8 sits halfway between 1 and 1 + 2^-7 → rounds to 1
        assertEquals(1f, DType.fromBf16(DType.toBf16(1f + 0x1p-8f)));
        assertEquals(1f + 0x1p-7f, DType.fromBf16(DType.toBf16(1f + 0x1p-8f + 0x1p-12f)));
        assertTrue(Float.isNaN(DType.fromBf16(DType.toBf16(Float.NaN))));
        // a bf16 weight works in linear (converted on read)
        Tensor in = Tensor.randn(new Rng(4), 2, 7);
        assertArrayEquals(F.linear(in, b.to(DType.F32), null).data(), F.linear(in, b, null).data(), 1e-6f);
    }

    @Test
    void backwardAccumulatesAndInferenceModeRecordsNothing() {
        Tensor w = Tensor.vector(1, 2, 3).requiresGrad(true);
        w.mul(w).sum().backward();
        assertArrayEquals(new float[] {2, 4, 6}, w.grad().data());
        w.mul(3f).sum().backward();
        assertArrayEquals(new float[] {5, 7, 9}, w.grad().data());
        w.zeroGrad();
        assertNull(w.grad());
        Tensor y;
        try (var g = Grad.off()) {
            y = w.mul(w).sum();
            assertFalse(Grad.enabled());
        }
        assertTrue(Grad.enabled());
        assertFalse(y.requiresGrad());
        assertThrows(IllegalStateException.class, y::backward);
        assertThrows(IllegalStateException.class, () -> w.mul(2f).backward()); // not a scalar
    }

    @Test
    void secondBackwardThroughAFreedGraphIsAnError() {
        Tensor w = Tensor.vector(1, 2).requiresGrad(true);
        Tensor h = w.exp();
        h.sum().backward();
        var e = assertThrows(IllegalStateException.class, () -> h.mul(2f).sum().backward());
        assertTrue(e.getMessage().contains("already back-propagated"), e.getMessage());
    }

    @Test
    void diamondGraphSumsBothPaths() {
        Tensor x = Tensor.vector(0.5f, -1f).requiresGrad(true);
        Tensor a = x.exp();
        Tensor y = a.mul(a).add(a).sum(); // d/dx = 2e^{2x} + e^x
        y.backward();
        for (int i = 0; i < 2; i++) {
            double v = x.get(i);
            assertEquals(2 * Math.exp(2 * v) + Math.exp(v), x.grad().get(i), 1e-5);
        }
    }

    @Test
    void deepChainDoesNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20000; i++) y = y.mul(1.0001f);
        y.backward();
        assertEquals(Math.pow((double) 1.0001f, 20000), x.grad().item(), 1e-2);
    }

    /** x² with a backward scaled by {@code factor} (1 = correct). */
    private static Tensor squareWithBackward(Tensor x, float factor) {
        float[] d = x.data();
        float[] o = new float[d.length];
        for (int i = 0; i < d.length; i++) o[i] = d[i] * d[i];
        return Tensor.result(o, x.shape(), g -> {
            float[] r = new float[g.length];
            for (int i = 0; i < r.length; i++) r[i] = factor * 2 * d[i] * g[i];
            Tensor.addGrad(x, r);
        }, x);
    }

    @Test
    void gradCheckCatchesAWrongBackward() {
        // the checkers accept the correct backward and reject wrong ones: off by 2× (float check) and by 1% (double check)
        GradCheck.check("right", x -> squareWithBackward(x[0], 1f), d -> Ref64.map(d[0], v -> v * v), Tensor.randn(new Rng(1), 5));
        assertThrows(AssertionFailedError.class, () -> GradCheck.check("wrong", x -> squareWithBackward(x[0], 2f), Tensor.randn(new Rng(1), 5)));
        assertThrows(AssertionFailedError.class, () -> GradCheck.check("slightly wrong", x -> squareWithBackward(x[0], 1.01f),
                d -> Ref64.map(d[0], v -> v * v), Tensor.randn(new Rng(1), 5)));
        // and a forward that disagrees with its double twin
        assertThrows(AssertionFailedError.class, () -> GradCheck.check("wrong forward", x -> squareWithBackward(x[0], 1f),
                d -> Ref64.map(d[0], v -> v * v * 1.001), Tensor.randn(new Rng(1), 5)));
    }

    @Test
    void rngIsCounterBasedAndSeeded() {
        Rng a = new Rng(42), b = new Rng(42);
        float[] x = new float[1000], y = new float[600], z = new float[400];
        a.fillNormal(x, 0, 1);
        b.fillNormal(y, 0, 1);
        b.fillNormal(z, 0, 1);
        for (int i = 0; i < 600; i++) assertEquals(x[i], y[i]);
        for (int i = 0; i < 400; i++) assertEquals(x[600 + i], z[i]);
        assertNotEquals(new Rng(43).nextLong(), new Rng(42).nextLong());
        assertNotEquals(a.fork("init").nextLong(), a.fork("dropout").nextLong());
        double mean = 0, var = 0;
        for (float v : x) mean += v;
        mean /= x.length;
        for (float v : x) var += (v - mean) * (v - mean);
        var /= x.length;
        assertEquals(0, mean, 0.1);
        assertEquals(1, var, 0.15);
    }
}
