package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/** Semantics of convolution, upsampling and rotary embeddings (their gradient checks are in OpsGradTest). */
class ConvRopeTest {
    static Tensor rn(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    @Test
    void causalConvSeesNoFuture() {
        Tensor w = rn(2, 3, 2, 3, 3, 3);
        Tensor x = rn(1, 1, 2, 4, 5, 5);
        Tensor y = F.conv3d(x, w, null, 1, 1, 2, 0, 1);
        assertArrayEquals(new int[] {1, 3, 4, 5, 5}, y.shape());
        float[] x2 = x.toArray();
        for (int i = 3 * 25; i < 4 * 25; i++) { x2[i] += 1f; x2[100 + i] -= 1f; } // change the last frame only
        Tensor y2 = F.conv3d(Tensor.of(x2, 1, 2, 4, 5, 5), w, null, 1, 1, 2, 0, 1);
        float[] a = y.data(), b = y2.data();
        for (int c = 0; c < 3; c++)
            for (int t = 0; t < 3; t++)
                for (int i = 0; i < 25; i++) assertEquals(a[(c * 4 + t) * 25 + i], b[(c * 4 + t) * 25 + i], 0f);
    }

    @Test
    void convTranspose3d() {
        // adjointness: <convT(x), y> = <x, conv(y)> with the same weight
        Tensor x = rn(4, 1, 2, 3, 4, 3), w = rn(5, 2, 3, 3, 3, 3);
        Tensor y = F.convTranspose3d(x, w, null, 2, 2, 1, 1, 1);
        Tensor z = rn(6, y.shape());
        double lhs = y.mul(z).sum().item();
        double rhs = x.mul(F.conv3d(z, w, null, 2, 2, 1, 1, 1)).sum().item();
        assertEquals(lhs, rhs, 1e-3 * Math.abs(lhs) + 1e-3);
        assertArrayEquals(new int[] {1, 3, 5, 7, 5}, y.shape());
    }

    @Test
    void clampAndArgmax() {
        assertArrayEquals(new int[] {2, 0}, F.argmax(Tensor.of(new float[] {0, 1, 3, 5, 2, 1}, 2, 3)));
    }

    @Test
    void upsampleNearest() {
        Tensor x = Tensor.arange(6).reshape(1, 1, 2, 3);
        Tensor y = F.upsampleNearest(x, 2, 2);
        assertArrayEquals(new int[] {1, 1, 4, 6}, y.shape());
        assertArrayEquals(new float[] {0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 3, 3, 4, 4, 5, 5}, y.data());
    }

    /** Big enough to split over threads: forward and backward straight from the definition, and the same bits on 1 and 3 threads. */
    @Test
    void upsampleNearestLargeMatchesDefinition() {
        int B = 2, C = 3, T = 3, H = 20, W = 37;
        int[][] factorSets = {{1, 2, 2}, {2, 2, 2}, {3}, {2, 1, 3}};
        int old = dev.tessera.engine.kernels.Parallel.threads();
        try {
            for (int[] f : factorSets) {
                float[][] ys = new float[2][], dxs = new float[2][];
                for (int run = 0; run < 2; run++) {
                    dev.tessera.engine.kernels.Parallel.setThreads(run == 0 ? 1 : 3);
                    Tensor x = rn(7, B, C, T, H, W).requiresGrad(true);
                    Tensor y = F.upsampleNearest(x, f);
                    Tensor g = rn(8, y.shape());
                    y.backward(g.toArray());
                    ys[run] = y.toArray();
                    dxs[run] = x.grad().toArray();
                    if (run > 0) continue;
                    int[] fs = new int[5], os = y.shape();
                    java.util.Arrays.fill(fs, 1);
                    System.arraycopy(f, 0, fs, 5 - f.length, f.length);
                    float[] xd = x.toArray(), gd = g.toArray(), dx = new float[xd.length];
                    int o = 0;
                    for (int b = 0; b < os[0]; b++) for (int c = 0; c < os[1]; c++) for (int t = 0; t < os[2]; t++)
                        for (int h = 0; h < os[3]; h++) for (int w = 0; w < os[4]; w++, o++) {
                            int src = (((b / fs[0] * C + c / fs[1]) * T + t / fs[2]) * H + h / fs[3]) * W + w / fs[4];
                            assertEquals(xd[src], ys[0][o], 0f);
                            dx[src] += gd[o];
                        }
                    assertArrayEquals(dx, dxs[0], 0f, "backward sums in ascending output order, factors " + java.util.Arrays.toString(f));
                }
                assertArrayEquals(ys[0], ys[1], 0f);
                assertArrayEquals(dxs[0], dxs[1], 0f);
            }
        } finally {
            dev.tessera.engine.kernels.Parallel.setThreads(old);
        }
        Tensor x = rn(9, 2, 3);
        assertSame(x, F.upsampleNearest(x), "no factors: the input itself");
        assertThrows(IllegalArgumentException.class, () -> F.upsampleNearest(x, 1, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> F.upsampleNearest(x, 0));
    }

    @Test
    void ropeRelativePositions() {
        Rope r1 = Rope.of1d(7, 8, 10000);
        Rope r3 = Rope.of3d(2, 3, 2, 12, 100);
        // q·k after rotation depends only on the position difference
        Tensor q = rn(5, 1, 1, 1, 8).expand(1, 1, 7, 8).contiguous(), k = rn(6, 1, 1, 1, 8).expand(1, 1, 7, 8).contiguous();
        float[] rq = F.rope(q, r1).data(), rk = F.rope(k, r1).data();
        double d02 = dot(rq, 0, rk, 2, 8), d35 = dot(rq, 3, rk, 5, 8), d13 = dot(rq, 1, rk, 3, 8);
        assertEquals(d02, d35, 1e-4);
        assertEquals(d02, d13, 1e-4);
        // 3D: moving both tokens by one frame keeps their product; the tables differ per axis
        Tensor q3 = rn(5, 1, 1, 1, 12).expand(1, 1, 12, 12).contiguous(), k3 = rn(6, 1, 1, 1, 12).expand(1, 1, 12, 12).contiguous();
        float[] a = F.rope(q3, r3).data(), b = F.rope(k3, r3).data();
        // token (t,h,w) index = (t*3 + h)*2 + w
        assertEquals(dot(a, 0, b, 3, 12), dot(a, 6, b, 9, 12), 1e-4);  // (0,0,0)-(0,1,1) vs (1,0,0)-(1,1,1)
        assertNotEquals(dot(a, 0, b, 1, 12), dot(a, 0, b, 2, 12), 1e-3); // a w step and an h step rotate differently
        assertThrows(IllegalArgumentException.class, () -> F.rope(rn(1, 1, 1, 6, 8), r1));
    }

    private static double dot(float[] a, int i, float[] b, int j, int dim) {
        double s = 0;
        for (int x = 0; x < dim; x++) s += a[i * dim + x] * b[j * dim + x];
        return s;
    }
}
