package dev.tessera.engine.nn;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.DType;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Storage;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.io.Safetensors;
import dev.tessera.engine.kernels.Kernels;
import dev.tessera.engine.kernels.Parallel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory-mapped bf16 inference, the reference switch on a whole model, and run-to-run determinism. */
class InferenceTest {
    @TempDir
    Path dir;

    @Test
    void mappedBf16WeightsServeInference() throws Exception {
        NnTest.Net trained = new NnTest.Net(16, 2, new Rng(1));
        Path p = dir.resolve("net.safetensors");
        Safetensors.save(p, trained.stateDict(), Map.of("config", "{\"dim\":16}"), DType.BF16);
        Tensor x = Tensor.randn(new Rng(2), 2, 7, 16);
        float[] want;
        try (var g = Grad.off()) {
            want = trained.forward(x).data();
        }
        NnTest.Net served = new NnTest.Net(16, 2, new Rng(99));
        try (var c = Safetensors.map(p); var g = Grad.off()) {
            served.shareStateDict(c.tensors(), true);
            Tensor w = served.namedParameters().get("blocks.0.attn.qkv.weight");
            assertInstanceOf(Storage.Segment.class, w.storage());
            assertEquals(DType.BF16, w.dtype());
            float[] got = served.forward(x).data();
            for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 0.05 + 0.02 * Math.abs(want[i]));
        }
    }

    @Test
    void weightsCanBeStoredAsBf16AndBack() {
        NnTest.Net net = new NnTest.Net(8, 1, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 1, 5, 8);
        float[] want = net.forward(x).data();
        net.storeWeightsAs(DType.BF16);
        assertEquals(DType.BF16, net.namedParameters().get("head.weight").dtype());
        float[] got = net.forward(x).data();
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 0.03 + 0.02 * Math.abs(want[i]));
        net.storeWeightsAs(DType.F32);
        net.forward(x).sum().backward(); // trainable again
        assertNotNull(net.namedParameters().get("head.weight").grad());
    }

    private static float[][] trainStep(int threads) {
        int old = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            NnTest.Net net = new NnTest.Net(24, 2, new Rng(5));
            Tensor x = Tensor.randn(new Rng(6), 2, 37, 24);
            Tensor loss = net.forward(x).square().mean();
            loss.backward();
            Tensor g = net.namedParameters().get("blocks.1.attn.qkv.weight").grad();
            return new float[][] {{loss.item()}, g.data()};
        } finally {
            Parallel.setThreads(old);
        }
    }

    @Test
    void identicalBitsForAGivenThreadCount() {
        for (int threads : new int[] {1, 2, 3}) {
            float[][] a = trainStep(threads), b = trainStep(threads);
            assertArrayEquals(a[0], b[0], 0f);
            assertArrayEquals(a[1], b[1], 0f);
        }
    }

    @Test
    void referenceSwitchRunsTheWholeModelOnTheTwins() {
        float[][] fast = trainStep(2);
        boolean old = Kernels.setReference(true);
        try {
            float[][] ref = trainStep(2);
            assertEquals(fast[0][0], ref[0][0], 1e-4 * Math.abs(fast[0][0]) + 1e-6);
            for (int i = 0; i < fast[1].length; i++) assertEquals(ref[1][i], fast[1][i], 1e-4 + 1e-3 * Math.abs(ref[1][i]));
        } finally {
            Kernels.setReference(old);
        }
    }
}
