package dev.tessera.model.dit;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.text.TextContext;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The DiT's time scale: latent frame k sits at time position k·timeScale in RoPE and in the sin-cos table, so a DiT
 * moved from a ×4 VAE to a ×2 one (scale 0.5) sees frame 2k where its source saw frame k; configs written before it
 * existed read as 1.
 */
class TimeScaleTest {
    private static final int DC = 12;

    @Test
    void frameTwoKAtHalfScaleIsFrameKAtFullScale() {
        int dim = 48;
        float[] half = PosEmbed3d.table(dim, 5, 2, 3, 0.5).toArray(), full = PosEmbed3d.table(dim, 3, 2, 3).toArray();
        int perFrame = 2 * 3 * dim;
        for (int k = 0; k < 3; k++)
            assertArrayEquals(Arrays.copyOfRange(full, k * perFrame, (k + 1) * perFrame),
                    Arrays.copyOfRange(half, 2 * k * perFrame, (2 * k + 1) * perFrame), "frame " + k);
        // odd frames sit between: not equal to any whole-scale frame
        assertFalse(Arrays.equals(Arrays.copyOfRange(half, perFrame, 2 * perFrame), Arrays.copyOfRange(full, 0, perFrame)));
    }

    private static float[] velocity(double timeScale, int frames) {
        DiffusionTransformer d = new DiffusionTransformer(new DitConfig(24, 1, 2, 4, 1, 2, 4, DC, 10000, 0, timeScale), new Rng(0));
        SplittableRandom rnd = new SplittableRandom(1);
        // adaLN-Zero starts every block as the identity: give all weights values so attention shapes the output
        for (Tensor p : d.namedParameters().values()) {
            float[] v = p.buffer();
            for (int i = 0; i < p.numel(); i++) v[i] = (float) (rnd.nextGaussian() * 0.3);
        }
        float[] x = new float[4 * frames * 4 * 4], ctx = new float[3 * DC];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < ctx.length; i++) ctx[i] = (float) rnd.nextGaussian();
        return d.velocity(Tensor.of(x, 1, 4, frames, 4, 4), Tensor.vector(0.5f),
                new TextContext(Tensor.of(ctx, 1, 3, DC), Tensor.ones(1, 3))).data();
    }

    @Test
    void oneFrameIsTheSameAtEveryScaleAndSeveralAreNot() {
        assertArrayEquals(velocity(1.0, 1), velocity(0.5, 1), "frame 0 sits at 0 at every scale");
        float[] a = velocity(1.0, 3), b = velocity(0.5, 3);
        float max = 0;
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        assertTrue(max > 1e-3, "time positions reach the velocity: " + max);
    }

    @Test
    void configsKeepTheScaleOlderOnesReadOneAndBadOnesAreRefused() {
        ModelConfig p = ModelConfig.preset("tiny");
        assertEquals(1.0, p.dit().timeScale());
        ModelConfig half = new ModelConfig("tiny", p.vae(), p.text(), p.dit().withTimeScale(0.5), p.capabilities(), 0.5, 1.15);
        assertEquals(0.5, ModelConfig.fromJson(half.toJson()).dit().timeScale());
        String old = p.toJson().replaceAll(",\\s*\"timeScale\"\\s*:\\s*[0-9.]+", "");
        assertFalse(old.contains("timeScale"));
        assertEquals(1.0, ModelConfig.fromJson(old).dit().timeScale(), "a model saved before the setting has frame k at k");
        for (double bad : new double[] {0, -1, Double.NaN, 65}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.dit().withTimeScale(bad));
            assertTrue(e.getMessage().contains("timeScale"), e.getMessage());
        }
    }
}
