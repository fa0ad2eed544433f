package dev.tessera.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same input, same bits whether the code is interpreted or JIT-compiled: a checksum of activations, attention and a
 * small training step computed in a child JVM with {@code -Xint} must equal the one computed here after warm-up.
 * (The Vector API's own EXP lanes fail this: compiled they call SVML, interpreted Math.exp.)
 */
class JitIndependenceTest {
    /** Bits of everything the probe computes, folded into one long. */
    static long checksum() {
        Rng rng = new Rng(1);
        Tensor x = Tensor.randn(rng, 4, 1001).mul(5f).requiresGrad(true);
        Tensor y = F.silu(x).add(F.gelu(x)).add(x.sigmoid()).add(x.mul(0.3f).exp());
        Tensor q = Tensor.randn(rng, 1, 2, 19, 8), k = Tensor.randn(rng, 1, 2, 23, 8), v = Tensor.randn(rng, 1, 2, 23, 8);
        q.requiresGrad(true);
        Tensor a = F.attention(q, k, v, null);
        Tensor z = F.layerNorm(x, null, null, 1e-5f).softmax(-1).add(F.logSoftmax(x, 0)).add(x.tanh()).add(x.abs().add(1f).log())
                .add(x.abs().pow(0.7f)).add(F.rmsNorm(x, null, 1e-6f));
        Tensor ce = F.crossEntropy(x.narrow(1, 0, 10), new int[] {1, 2, 3, 4}, -1);
        Tensor loss = y.square().mean().add(a.square().mean()).add(z.square().mean()).add(ce);
        loss.backward();
        long h = 17;
        for (float[] d : List.of(y.data(), a.data(), z.data(), x.grad().data(), q.grad().data(), loss.data()))
            for (float f : d) h = h * 31 + Float.floatToRawIntBits(f);
        return h;
    }

    public static void main(String[] args) { System.out.println(checksum()); }

    @Test
    void interpretedAndCompiledAgreeBitForBit() throws Exception {
        long warm = 0;
        for (int i = 0; i < 1500; i++) warm = checksum(); // enough for C2 to compile (and intrinsify) the hot loops
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process p = new ProcessBuilder(java, "-Xint", "--add-modules", "jdk.incubator.vector", "-Dtessera.threads=1",
                "-cp", System.getProperty("java.class.path"), JitIndependenceTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        String last = out.substring(out.lastIndexOf('\n') + 1).trim();
        assertEquals(Long.toString(warm), last, "checksum under -Xint differs from the JIT-compiled one");
    }
}
