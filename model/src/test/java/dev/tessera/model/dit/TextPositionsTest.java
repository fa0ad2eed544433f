package dev.tessera.model.dit;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.text.TextContext;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The DiT's text position table: without it the cross-attention and the pooled caption read the text tokens as a
 * set (the same bytes in another order give the same velocity), with it they do not; a zero table is the model
 * without one; configs written before it existed read as "none".
 */
class TextPositionsTest {
    private static final int L = 6, DC = 12;

    /** Both DiTs with the same random weights (by name); the table, where there is one, random too. */
    private static DiffusionTransformer[] pair() {
        DiffusionTransformer plain = new DiffusionTransformer(new DitConfig(16, 1, 2, 4, 1, 2, 4, DC, 10000), new Rng(0));
        DiffusionTransformer withPos = new DiffusionTransformer(new DitConfig(16, 1, 2, 4, 1, 2, 4, DC, 10000, 8), new Rng(0));
        SplittableRandom rnd = new SplittableRandom(1);
        Map<String, Tensor> a = plain.namedParameters(), b = withPos.namedParameters();
        assertEquals(a.size() + 1, b.size());
        assertArrayEquals(new int[] {8, 16}, b.get("y_embedder.pos").shape());
        for (var e : b.entrySet()) {
            float[] v = e.getValue().buffer();
            for (int i = 0; i < e.getValue().numel(); i++) v[i] = (float) (rnd.nextGaussian() * 0.3);
            if (a.containsKey(e.getKey())) System.arraycopy(v, 0, a.get(e.getKey()).buffer(), 0, e.getValue().numel());
        }
        return new DiffusionTransformer[] {plain, withPos};
    }

    private static float[] velocity(DiffusionTransformer m, float[] context) {
        SplittableRandom rnd = new SplittableRandom(2);
        float[] x = new float[4 * 4 * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return m.velocity(Tensor.of(x, 1, 4, 1, 4, 4), Tensor.vector(0.5f),
                new TextContext(Tensor.of(context, 1, L, DC), Tensor.ones(1, L))).data();
    }

    private static float maxDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void tokenOrderReachesTheDitOnlyThroughTheTable() {
        DiffusionTransformer[] m = pair();
        SplittableRandom rnd = new SplittableRandom(3);
        float[] ctx = new float[L * DC], reversed = new float[L * DC];
        for (int i = 0; i < ctx.length; i++) ctx[i] = (float) rnd.nextGaussian();
        for (int t = 0; t < L; t++) System.arraycopy(ctx, t * DC, reversed, (L - 1 - t) * DC, DC);
        float[] v = velocity(m[0], ctx);
        assertTrue(maxDiff(v, new float[v.length]) > 0.1, "a velocity that is not zero");
        assertTrue(maxDiff(v, velocity(m[0], reversed)) < 1e-4, "without positions, reversing the tokens changes nothing");
        assertTrue(maxDiff(velocity(m[1], ctx), velocity(m[1], reversed)) > 1e-2, "with positions it does");
        // a zero table is the model without one, bit for bit
        java.util.Arrays.fill(m[1].yPos.buffer(), 0f);
        assertArrayEquals(v, velocity(m[1], ctx));
    }

    @Test
    void aFreshTableIsZeroAndACaptionLongerThanItIsAnError() {
        DiffusionTransformer d = new DiffusionTransformer(new DitConfig(16, 1, 2, 4, 1, 2, 4, DC, 10000, 4), new Rng(0));
        for (int i = 0; i < d.yPos.numel(); i++) assertEquals(0f, d.yPos.buffer()[i]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> velocity(d, new float[L * DC]));
        assertTrue(e.getMessage().contains("position table holds 4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DitConfig(16, 1, 2, 4, 1, 2, 4, DC, 10000, -1));
    }

    @Test
    void configsKeepTheTableAndOlderOnesHaveNone() {
        ModelConfig tiny = ModelConfig.preset("tiny");
        ModelConfig with = new ModelConfig("tiny", tiny.vae(), tiny.text(), tiny.dit().withTextPositions(tiny.text().maxLength()),
                tiny.capabilities(), tiny.shiftBaseMu(), tiny.shiftMaxMu());
        assertEquals(tiny.text().maxLength(), ModelConfig.fromJson(with.toJson()).dit().textPositions());
        String old = tiny.toJson().replaceAll(",\\s*\"textPositions\"\\s*:\\s*0", "");
        assertFalse(old.contains("textPositions"), old);
        assertEquals(tiny, ModelConfig.fromJson(old));
    }
}
