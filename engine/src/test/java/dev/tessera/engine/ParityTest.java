package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.kernels.Kernels;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each op's fast path against its plain-loop reference twin ({@link Kernels#setReference}) on awkward shapes —
 * tails that are not a multiple of 16, size-1 dims, non-contiguous views — forward and all input gradients; and the
 * elementwise/broadcast machinery against index-by-index formulas.
 */
class ParityTest {
    @AfterEach
    void restore() { Kernels.setReference(false); }

    static Tensor rn(long seed, int... shape) { return Tensor.randn(new Rng(seed), shape); }

    /** Runs f on fresh copies of the inputs with fast and reference kernels; compares outputs and gradients. */
    static void parity(String name, double tol, Function<Tensor[], Tensor> f, Tensor... inputs) {
        float[][] res = null;
        for (boolean ref : new boolean[] {false, true}) {
            Kernels.setReference(ref);
            Tensor[] in = new Tensor[inputs.length];
            for (int i = 0; i < in.length; i++) in[i] = Tensor.of(inputs[i].toArray(), inputs[i].shape()).requiresGrad(true);
            Tensor out = f.apply(in);
            out.mul(rn(77, out.shape())).sum().backward();
            float[][] r = new float[in.length + 1][];
            r[0] = out.data();
            for (int i = 0; i < in.length; i++) r[i + 1] = in[i].grad() == null ? new float[0] : in[i].grad().data();
            if (res == null) {
                res = r;
            } else {
                for (int i = 0; i < r.length; i++) {
                    double e = GradCheck.maxRelErr(res[i], r[i]);
                    assertTrue(e <= tol, name + (i == 0 ? " output" : " grad of input " + (i - 1)) + ": fast vs reference differ by " + e);
                }
            }
        }
        Kernels.setReference(false);
    }

    @Test
    void matmulShapesAndViews() {
        parity("matmul 37x19·19x53", 1e-5, x -> x[0].matmul(x[1]), rn(1, 37, 19), rn(2, 19, 53));
        parity("matmul batched bcast", 1e-5, x -> x[0].matmul(x[1]), rn(1, 3, 1, 17, 33), rn(2, 5, 33, 18));
        parity("matmul Aᵀ·Bᵀ views", 1e-5, x -> x[0].t().matmul(x[1].t()), rn(1, 65, 31), rn(2, 17, 65));
        parity("matmul narrowed", 1e-5, x -> x[0].narrow(1, 3, 20).matmul(x[1].narrow(0, 1, 20)), rn(1, 9, 29), rn(2, 23, 1));
        parity("linear", 1e-5, x -> F.linear(x[0], x[1], x[2]), rn(1, 2, 21, 47), rn(2, 35, 47), rn(3, 35));
        parity("linear of permuted input", 1e-5, x -> F.linear(x[0].permute(1, 0, 2), x[1], null), rn(1, 5, 3, 17), rn(2, 1, 17));
    }

    /** Layer and RMS norm rows (vectorised since the eleventh session) against the plain loops, tails and n = 1 included. */
    @Test
    void normRows() {
        for (int n : new int[] {1, 15, 16, 97, 384}) {
            parity("layerNorm affine n=" + n, 2e-5, x -> F.layerNorm(x[0], x[1], x[2], 1e-5f), rn(1, 3, 7, n), rn(2, n), rn(3, n));
            parity("layerNorm plain n=" + n, 2e-5, x -> F.layerNorm(x[0], null, null, 1e-6f), rn(4, 5, n).mul(3f).add(2f));
            parity("rmsNorm n=" + n, 2e-5, x -> F.rmsNorm(x[0], x[1], 1e-6f), rn(5, 2, 9, n), rn(6, n));
            parity("layerNorm of a permuted view n=" + n, 2e-5, x -> F.layerNorm(x[0].permute(1, 0, 2), x[1], null, 1e-5f), rn(7, 4, 3, n), rn(8, n));
        }
    }

    /** adaLN and the gated residual (fused since the twelfth session), per-sample rows read from narrowed views. */
    @Test
    void adaptiveRows() {
        for (int n : new int[] {1, 15, 16, 97, 384}) {
            int d = n;
            parity("adaLayerNorm n=" + n, 2e-5, x -> F.adaLayerNorm(x[0], x[1], x[2], 1e-6f), rn(1, 3, 7, n), rn(2, 3, 1, n), rn(3, 3, 1, n));
            parity("adaLayerNorm, views n=" + n, 2e-5, x -> F.adaLayerNorm(x[0].permute(1, 0, 2),
                    x[1].narrow(1, d, d).unsqueeze(1), x[1].narrow(1, 2 * d, d), 1e-6f), rn(4, 5, 2, n), rn(5, 2, 3 * n));
            parity("gatedAdd n=" + n, 2e-5, x -> F.gatedAdd(x[0], x[1], x[2]), rn(6, 2, 9, n), rn(7, 2, 1, n), rn(8, 2, 9, n));
            parity("gatedAdd, views n=" + n, 2e-5, x -> F.gatedAdd(x[0].permute(1, 0, 2), x[1].narrow(1, d, d).unsqueeze(1),
                    x[2]), rn(9, 4, 3, n), rn(10, 3, 2 * n), rn(11, 3, 4, n));
        }
        // the same tensor as residual and as gated branch: both gradients land on it
        parity("gatedAdd x with itself", 2e-5, x -> F.gatedAdd(x[0], x[1], x[0]), rn(12, 2, 5, 19), rn(13, 2, 19));
    }

    @Test
    void adaptiveRowsRejectBadShapes() {
        Tensor x = rn(1, 2, 5, 8);
        assertThrows(IllegalArgumentException.class, () -> F.adaLayerNorm(x, rn(2, 2, 8), rn(3, 1, 8), 1e-6f));
        assertThrows(IllegalArgumentException.class, () -> F.adaLayerNorm(rn(4, 8), rn(2, 8), rn(3, 8), 1e-6f));
        assertThrows(IllegalArgumentException.class, () -> F.gatedAdd(x, rn(2, 2, 1, 7), x));
        assertThrows(IllegalArgumentException.class, () -> F.gatedAdd(x, rn(2, 2, 8), rn(3, 2, 4, 8)));
        // the fused ops equal their unfused definitions
        Tensor sh = rn(4, 2, 1, 8), sc = rn(5, 2, 1, 8), y = rn(6, 2, 5, 8);
        assertTrue(GradCheck.maxRelErr(F.adaLayerNorm(x, sh, sc, 1e-6f).data(),
                F.layerNorm(x, null, null, 1e-6f).mul(sc.add(1f)).add(sh).data()) < 1e-6);
        assertTrue(GradCheck.maxRelErr(F.gatedAdd(x, sc, y).data(), x.add(sc.mul(y)).data()) < 1e-6);
    }

    @Test
    void matmulAgainstDoubleLoops() {
        Tensor a = rn(1, 2, 13, 21), b = rn(2, 21, 19);
        float[] c = a.matmul(b).data();
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 13; i++)
                for (int j = 0; j < 19; j++) {
                    double s = 0;
                    for (int k = 0; k < 21; k++) s += (double) a.get(n, i, k) * b.get(k, j);
                    assertEquals(s, c[(n * 13 + i) * 19 + j], 1e-4);
                }
    }

    @Test
    void attention() {
        parity("attention 33 q × 47 k, d 24", 2e-5, x -> F.attention(x[0], x[1], x[2], null), rn(1, 2, 3, 33, 24), rn(2, 2, 3, 47, 24), rn(3, 2, 3, 47, 24));
        Tensor mask = Tensor.rand(new Rng(9), 0, 1, 2, 47).sub(0.3f).relu();
        parity("attention masked", 2e-5, x -> F.attention(x[0], x[1], x[2], mask), rn(1, 2, 1, 17, 8), rn(2, 2, 1, 47, 8), rn(3, 2, 1, 47, 8));
        parity("attention causal", 2e-5, x -> F.attention(x[0], x[1], x[2], null, 0.3f, true), rn(1, 1, 2, 37, 16), rn(2, 1, 2, 37, 16), rn(3, 1, 2, 37, 16));
        parity("attention from qkv views", 2e-5, x -> {
            Tensor h = x[0].reshape(2, 19, 3, 2, 12).permute(2, 0, 3, 1, 4);
            return F.attention(h.select(0, 0), h.select(0, 1), h.select(0, 2), null);
        }, rn(1, 2, 19, 72));
        Rope rope = Rope.of1d(29, 10, 1000);
        parity("attentionQkv + rope", 2e-5, x -> F.attentionQkv(x[0], 3, rope, null, false), rn(4, 2, 29, 90));
        // against a naive softmax(QKᵀ/√d)V with the N×N matrix
        Tensor q = rn(1, 1, 2, 9, 5), k = rn(2, 1, 2, 11, 5), v = rn(3, 1, 2, 11, 5);
        Tensor naive = q.matmul(k.t()).mul((float) (1 / Math.sqrt(5))).softmax(-1).matmul(v);
        assertTrue(GradCheck.maxRelErr(F.attention(q, k, v, null).data(), naive.data()) < 1e-5);
    }

    @Test
    void conv() {
        parity("conv3d causal 3x3x3", 2e-5, x -> F.conv3d(x[0], x[1], x[2], 1, 1, 2, 0, 1), rn(1, 2, 3, 5, 7, 9), rn(2, 5, 3, 3, 3, 3), rn(3, 5));
        parity("conv3d stride 2", 2e-5, x -> F.conv3d(x[0], x[1], x[2], 2, 2, 1, 1, 1), rn(1, 1, 4, 5, 9, 6), rn(2, 3, 4, 3, 3, 3), rn(3, 3));
        parity("conv2d 1x1 on permuted", 2e-5, x -> F.conv2d(x[0].permute(0, 1, 3, 2), x[1], null, 1, 0), rn(1, 2, 17, 5, 3), rn(2, 19, 17, 1, 1));
        parity("conv2d", 2e-5, x -> F.conv2d(x[0], x[1], x[2], 2, 1), rn(1, 1, 3, 11, 13), rn(2, 4, 3, 3, 3), rn(3, 4));
        parity("convTranspose3d", 2e-5, x -> F.convTranspose3d(x[0], x[1], x[2], 2, 2, 1, 0, 1), rn(1, 2, 3, 3, 5, 4), rn(2, 3, 5, 3, 3, 3), rn(3, 5));
    }

    @Test
    void activations() {
        for (int n : new int[] {37, 70001}) { // a vector tail, and one large enough to be split over the pool
            parity("silu " + n, 2e-6, x -> F.silu(x[0]), rn(1, n).mul(4f));
            parity("gelu " + n, 2e-6, x -> F.gelu(x[0]), rn(2, n).mul(4f));
            parity("exp " + n, 2e-6, x -> x[0].exp(), rn(3, n));
            parity("tanh " + n, 2e-6, x -> x[0].tanh(), rn(4, n).mul(3f));
            parity("sigmoid " + n, 2e-6, x -> x[0].sigmoid(), rn(5, n).mul(4f));
        }
    }

    /** GroupNorm per frame on the layout as it is (vectorised rows) against the twin that moves frames next to the batch. */
    @Test
    void frameGroupNorm() {
        for (int s : new int[] {1, 15, 16, 40}) {
            parity("frameGroupNorm affine S=" + s, 2e-5, x -> F.frameGroupNorm(x[0], 2, x[1], x[2], 1e-6f), rn(1, 2, 4, 3, s).mul(3f).add(1f), rn(2, 4), rn(3, 4));
            parity("frameGroupNorm plain S=" + s, 2e-5, x -> F.frameGroupNorm(x[0], 3, null, null, 1e-6f), rn(4, 1, 6, 2, s, 1));
        }
        parity("frameGroupNorm of a permuted view", 2e-5, x -> F.frameGroupNorm(x[0].permute(0, 2, 1, 3), 1, x[1], null, 1e-6f), rn(5, 2, 3, 4, 17), rn(6, 4));
        // big enough for the pool: every output and gradient bit the same on 1 and 3 threads
        Tensor x0 = rn(7, 2, 16, 5, 24, 40), w0 = rn(8, 16), b0 = rn(9, 16), g0 = rn(10, 2, 16, 5, 24, 40);
        float[][] first = null;
        int old = dev.tessera.engine.kernels.Parallel.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                dev.tessera.engine.kernels.Parallel.setThreads(threads);
                Tensor x = x0.copy().requiresGrad(true), w = w0.copy().requiresGrad(true), b = b0.copy().requiresGrad(true);
                Tensor y = F.frameGroupNorm(x, 8, w, b, 1e-6f);
                y.backward(g0.toArray());
                float[][] r = {y.data(), x.grad().data(), w.grad().data(), b.grad().data()};
                if (first == null) first = r;
                else for (int i = 0; i < r.length; i++) assertArrayEquals(first[i], r[i], 0f, threads + " threads, part " + i);
            }
        } finally {
            dev.tessera.engine.kernels.Parallel.setThreads(old);
        }
        assertThrows(IllegalArgumentException.class, () -> F.frameGroupNorm(rn(1, 2, 6), 1, null, null, 1e-6f));
        assertThrows(IllegalArgumentException.class, () -> F.frameGroupNorm(rn(1, 2, 6, 2, 3), 4, null, null, 1e-6f));
        assertThrows(IllegalArgumentException.class, () -> F.frameGroupNorm(rn(1, 2, 6, 2, 3), 2, rn(2, 5), null, 1e-6f));
    }

    /** Ops large enough to be split over the pool give the same values with 1 and 3 threads. */
    @Test
    void pooledOpsAgreeAcrossThreadCounts() {
        Function<Tensor[], Tensor> f = x -> {
            Tensor h = F.layerNorm(x[0], x[1], x[2], 1e-5f);          // [4, 300, 97]
            h = h.mul(x[3]).add(x[1]).sub(h.mul(0.5f));                  // broadcast [300, 1] and [97]
            Tensor y = F.rmsNorm(F.gelu(h), x[1], 1e-6f).add(F.groupNorm(h.reshape(4, 300, 97, 1), 3, null, null, 1e-5f).reshape(4, 300, 97));
            return y.softmax(-1).add(F.logSoftmax(y, 1)).add(y.sum(1, true));
        };
        Tensor[] in = {rn(1, 4, 300, 97), rn(2, 97), rn(3, 97), rn(4, 300, 1)};
        float[][] one = null;
        int old = dev.tessera.engine.kernels.Parallel.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                dev.tessera.engine.kernels.Parallel.setThreads(threads);
                Tensor[] c = new Tensor[in.length];
                for (int i = 0; i < c.length; i++) c[i] = in[i].copy().requiresGrad(true);
                Tensor out = f.apply(c);
                out.mul(rn(9, out.shape())).sum().backward();
                float[][] r = {out.data(), c[0].grad().data(), c[1].grad().data(), c[2].grad().data(), c[3].grad().data()};
                if (one == null) one = r;
                else for (int i = 0; i < r.length; i++) assertTrue(GradCheck.maxRelErr(r[i], one[i]) < 1e-4, "part " + i + " differs: " + GradCheck.maxRelErr(r[i], one[i]));
            }
        } finally {
            dev.tessera.engine.kernels.Parallel.setThreads(old);
        }
    }

    /** Elementwise and broadcast ops, their gradient sums and the linear bias gradient: bit for bit across thread counts. */
    @Test
    void threadCountIndependentOps() {
        Tensor x0 = rn(1, 1200, 97), w0 = rn(2, 64, 97), b0 = rn(3, 64), m0 = rn(4, 97);
        float[][] first = null;
        int old = dev.tessera.engine.kernels.Parallel.threads();
        try {
            for (int threads : new int[] {1, 2, 3}) {
                dev.tessera.engine.kernels.Parallel.setThreads(threads);
                Tensor x = x0.copy().requiresGrad(true), b = b0.copy().requiresGrad(true), m = m0.copy().requiresGrad(true);
                Tensor y = F.gelu(F.silu(x).mul(x.sigmoid()).add(x.exp().mul(0.1f))).mul(m).div(m.abs().add(1f)); // broadcast [97]
                F.linear(y, w0, b).square().sum().backward();
                float[][] r = {y.data(), b.grad().data(), m.grad().data(), x.grad().data()};
                if (first == null) first = r;
                else for (int i = 0; i < r.length; i++) assertArrayEquals(first[i], r[i], 0f, threads + " threads, part " + i);
            }
        } finally {
            dev.tessera.engine.kernels.Parallel.setThreads(old);
        }
    }

    @Test
    void broadcastAndViewsAgainstIndexFormulas() {
        Tensor a = rn(1, 4, 3, 5).permute(1, 0, 2);   // [3, 4, 5] non-contiguous
        Tensor b = rn(2, 4, 1).expand(4, 5);           // [4, 5] stride-0
        Tensor c = rn(3, 3, 1, 1);
        Tensor y = a.mul(b).add(c).div(b.add(3f));
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 5; k++) {
                    float want = (a.get(i, j, k) * b.get(j, k) + c.get(i, 0, 0)) / (b.get(j, k) + 3f);
                    assertEquals(want, y.get(i, j, k), 1e-6);
                }
        Tensor s = a.sum(1, false);
        for (int i = 0; i < 3; i++)
            for (int k = 0; k < 5; k++) {
                double want = 0;
                for (int j = 0; j < 4; j++) want += a.get(i, j, k);
                assertEquals(want, s.get(i, k), 1e-5);
            }
        Tensor ln = F.layerNorm(a, null, null, 0f);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++) {
                double m = 0, v = 0;
                for (int k = 0; k < 5; k++) m += a.get(i, j, k) / 5.0;
                for (int k = 0; k < 5; k++) v += Math.pow(a.get(i, j, k) - m, 2) / 5.0;
                for (int k = 0; k < 5; k++) assertEquals((a.get(i, j, k) - m) / Math.sqrt(v), ln.get(i, j, k), 1e-4);
            }
    }
}
