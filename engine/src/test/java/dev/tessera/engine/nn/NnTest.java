package dev.tessera.engine.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.F;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.io.Safetensors;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.engine.optim.Ema;
import dev.tessera.engine.optim.GradClip;
import dev.tessera.engine.optim.LrSchedule;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NnTest {
    @TempDir
    Path dir;

    static final class Block extends Module {
        final LayerNorm norm;
        final MultiHeadAttention attn;
        final MLP mlp;

        Block(int d, Rng rng) {
            norm = add("norm", new LayerNorm(d));
            attn = add("attn", new MultiHeadAttention(d, 2, 0, true, rng));
            mlp = add("mlp", new MLP(d, 2 * d, rng));
        }

        Tensor forward(Tensor x) { // [B, N, D]
            x = x.add(attn.forward(norm.forward(x), null));
            return x.add(mlp.forward(x));
        }
    }

    static final class Net extends Module {
        final ModuleList<Block> blocks = add("blocks", new ModuleList<>());
        final Linear head;

        Net(int d, int depth, Rng rng) {
            for (int i = 0; i < depth; i++) blocks.append(new Block(d, rng));
            head = add("head", new Linear(d, 1, true, rng));
        }

        Tensor forward(Tensor x) {
            for (Block b : blocks) x = b.forward(x);
            return head.forward(x);
        }
    }

    @Test
    void parameterNamesAreStableDottedPaths() {
        Net net = new Net(8, 2, new Rng(0));
        List<String> names = List.copyOf(net.namedParameters().keySet());
        assertEquals("blocks.0.norm.weight", names.get(0));
        assertTrue(names.contains("blocks.1.attn.qkv.weight"));
        assertTrue(names.contains("blocks.1.mlp.fc2.bias"));
        assertEquals("head.bias", names.get(names.size() - 1));
        assertEquals(new Net(8, 2, new Rng(0)).namedParameters().keySet(), net.namedParameters().keySet());
        assertArrayEquals(new int[] {24, 8}, net.namedParameters().get("blocks.0.attn.qkv.weight").shape());
    }

    @Test
    void crossAttentionWithMaskIgnoresPaddedTokens() {
        Rng rng = new Rng(1);
        MultiHeadAttention ca = new MultiHeadAttention(8, 2, 6, true, rng);
        Tensor x = Tensor.randn(rng, 2, 5, 8), ctx = Tensor.randn(rng, 2, 4, 6);
        Tensor mask = Tensor.of(new float[] {1, 1, 0, 0, 1, 1, 1, 1}, 2, 4);
        Tensor y = ca.forward(x, ctx, mask);
        assertArrayEquals(new int[] {2, 5, 8}, y.shape());
        // changing a masked-out context token must not change the output
        float[] c2 = ctx.toArray();
        for (int j = 0; j < 6; j++) c2[3 * 6 + j] += 5f;
        assertArrayEquals(y.data(), ca.forward(x, Tensor.of(c2, 2, 4, 6), mask).data(), 1e-6f);
    }

    @Test
    void adamWFitsAndResumesBitExactly() throws Exception {
        Rng rng = new Rng(2);
        Tensor x = Tensor.randn(rng, 4, 6, 8);
        Tensor target = Tensor.randn(rng, 4, 6, 1).mul(0.5f);
        Net a = new Net(8, 2, new Rng(3));
        AdamW opt = new AdamW(a.namedParameters(), 3e-3, 0.01f);
        LrSchedule sched = LrSchedule.warmupCosine(3e-3, 5, 60, 1e-4);
        float first = 0, last = 0;
        for (int step = 0; step < 60; step++) {
            if (step == 30) { // checkpoint weights + optimizer, continue in a fresh model
                Safetensors.save(dir.resolve("w.safetensors"), a.stateDict(), Map.of());
                Safetensors.save(dir.resolve("opt.safetensors"), opt.state(), opt.stateMetadata());
            }
            opt.setLr(sched.at(step));
            opt.zeroGrad();
            Tensor loss = F.mse(a.forward(x), target);
            loss.backward();
            GradClip.clipGradNorm(a.parameters(), 1.0);
            opt.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        assertTrue(last < 0.5 * first, "loss should fall: " + first + " -> " + last);

        Net b = new Net(8, 2, new Rng(99));
        try (var w = Safetensors.read(dir.resolve("w.safetensors")); var o = Safetensors.read(dir.resolve("opt.safetensors"))) {
            b.loadStateDict(w.tensors(), true);
            AdamW opt2 = new AdamW(b.namedParameters(), 0, 0.01f);
            opt2.loadState(o.tensors(), o.metadata());
            for (int step = 30; step < 60; step++) {
                opt2.setLr(sched.at(step));
                opt2.zeroGrad();
                F.mse(b.forward(x), target).backward();
                GradClip.clipGradNorm(b.parameters(), 1.0);
                opt2.step();
            }
        }
        for (var e : a.namedParameters().entrySet())
            assertArrayEquals(e.getValue().data(), b.namedParameters().get(e.getKey()).data(), e.getKey());
    }

    @Test
    void loadStateDictNamesProblems() {
        Net a = new Net(8, 1, new Rng(0));
        var e = assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(Map.of("head.bias", Tensor.zeros(1)), true));
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> a.loadStateDict(Map.of("head.bias", Tensor.zeros(2)), false));
        assertTrue(e2.getMessage().contains("head.bias"), e2.getMessage());
    }

    @Test
    void clipEmaAndSchedules() {
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        p.setGrad(Tensor.vector(3, 4));
        assertEquals(5.0, GradClip.clipGradNorm(List.of(p), 1.0), 1e-6);
        assertEquals(1.0, Math.hypot(p.grad().get(0), p.grad().get(1)), 1e-5);

        Tensor w = Tensor.vector(1, 1);
        Ema ema = new Ema(Map.of("w", w), 0.9f);
        w.buffer()[0] = 11;
        ema.update();
        assertEquals(2f, ema.weights().get("w").get(0), 1e-6);

        LrSchedule s = LrSchedule.warmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.at(0), 1e-9);
        assertEquals(1.0, s.at(9), 1e-9);
        assertEquals(0.55, s.at(60), 1e-9);
        assertEquals(0.1, s.at(500), 1e-9);
        assertEquals(0.3, LrSchedule.constant(0.3).at(77));
    }

    /**
     * The optimizer loops are vectorised and split over the pool: each must equal the plain scalar loop bit for bit,
     * on 1 and 2 threads, for sizes that are not multiples of the vector width or the chunk (tails on every path).
     */
    @Test
    void adamwAndEmaAreBitIdenticalToPlainLoopsOnAnyThreadCount() {
        int[] sizes = {1, 17, 65_537, 100_003};
        int old = dev.tessera.engine.kernels.Parallel.threads();
        try {
            for (int threads : new int[] {1, 2}) {
                dev.tessera.engine.kernels.Parallel.setThreads(threads);
                Rng rng = new Rng(7);
                for (int n : sizes) {
                    Tensor p = Tensor.randn(rng, n, 1).requiresGrad(true); // rank 2: weight decay applies
                    float[] w = p.toArray(), m = new float[n], v = new float[n];
                    AdamW opt = new AdamW(Map.of("p", p), 3e-3, 0.01f);
                    for (int step = 1; step <= 3; step++) {
                        Tensor g = Tensor.randn(rng, n, 1);
                        p.setGrad(g);
                        opt.step();
                        // the plain loop AdamW ran before it was vectorised
                        double bc1 = 1 - Math.pow(0.9f, step), bc2 = 1 - Math.pow(0.999f, step);
                        float stepSize = (float) (3e-3 / bc1), inv = (float) (1 / Math.sqrt(bc2)), decay = (float) (1 - 3e-3 * 0.01f);
                        float[] gd = g.data();
                        for (int i = 0; i < n; i++) {
                            m[i] = 0.9f * m[i] + (1 - 0.9f) * gd[i];
                            v[i] = 0.999f * v[i] + (1 - 0.999f) * gd[i] * gd[i];
                            w[i] = w[i] * decay - stepSize * m[i] / ((float) Math.sqrt(v[i]) * inv + 1e-8f);
                        }
                        assertArrayEquals(w, p.toArray(), "AdamW, n=" + n + ", threads=" + threads + ", step " + step);
                    }
                    float[] s = Tensor.randn(rng, n).toArray(), x = Tensor.randn(rng, n).toArray(), want = s.clone();
                    for (int i = 0; i < n; i++) want[i] = 0.99f * want[i] + (1 - 0.99f) * x[i];
                    Ema.blend(s, x, 0.99f);
                    assertArrayEquals(want, s, "EMA, n=" + n + ", threads=" + threads);
                }
            }
            // the clipping norm: the same double on any thread count, and the plain sum's value
            double[] norms = new double[2];
            for (int threads : new int[] {1, 2}) {
                dev.tessera.engine.kernels.Parallel.setThreads(threads);
                Rng rng = new Rng(9);
                List<Tensor> ps = new java.util.ArrayList<>();
                double plain = 0;
                for (int n : sizes) {
                    Tensor p = Tensor.zeros(n).requiresGrad(true);
                    p.setGrad(Tensor.randn(rng, n));
                    for (float g : p.grad().data()) plain += (double) g * g;
                    ps.add(p);
                }
                norms[threads - 1] = GradClip.clipGradNorm(ps, 1e9);
                assertEquals(Math.sqrt(plain), norms[threads - 1], 1e-12 * Math.sqrt(plain));
            }
            assertEquals(norms[0], norms[1], 0.0, "clip norm differs between 1 and 2 threads");
        } finally {
            dev.tessera.engine.kernels.Parallel.setThreads(old);
        }
    }

    @Test
    void dropoutOnlyInTraining() {
        Dropout d = new Dropout(0.5f);
        Tensor x = Tensor.ones(1000);
        Tensor y = d.forward(x, new Rng(1));
        int zeros = 0;
        for (float v : y.data()) {
            assertTrue(v == 0f || v == 2f);
            if (v == 0f) zeros++;
        }
        assertTrue(zeros > 400 && zeros < 600, "zeros " + zeros);
        assertArrayEquals(y.data(), d.forward(x, new Rng(1)).data());
        d.train(false);
        assertSame(x, d.forward(x, new Rng(1)));
    }
}
