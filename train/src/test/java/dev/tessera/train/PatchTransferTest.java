package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.F;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.dit.DiffusionTransformer;
import dev.tessera.model.text.TextContext;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code train dit --init-transfer --patch-t 2}: a patch-1 DiT of a ×4 VAE moved to patches of two frames on a ×2
 * VAE. Its latent-facing layers are spread over the patch's frames, so on a latent whose frames come in equal pairs
 * it predicts exactly what its source predicts on the latent with one frame per pair; its time positions per token
 * stay (each token still spans four video frames).
 */
class PatchTransferTest {
    private static final int C = 4, DC = 12;

    @Test
    void anInflatedDitOnPairedFramesIsItsSource() {
        DiffusionTransformer src = new DiffusionTransformer(new DitConfig(24, 2, 2, 4, 1, 2, C, DC, 10000), new Rng(0));
        SplittableRandom rnd = new SplittableRandom(5);
        for (Tensor p : src.namedParameters().values()) { // adaLN-Zero starts as the identity: give every weight a value
            float[] v = p.buffer();
            for (int i = 0; i < p.numel(); i++) v[i] = (float) (rnd.nextGaussian() * 0.3);
        }
        DiffusionTransformer moved = new DiffusionTransformer(src.config.withPatchT(2), new Rng(9));
        Map<String, Tensor> state = new HashMap<>(src.stateDict());
        state.putAll(Trainer.inflated(src, moved));
        moved.loadStateDict(state, true);

        // the source's latent y (3 frames) and the x2 latent x = [y0, y1, y1, y2, y2] (5 frames: 1 + 2k)
        int cell = 4 * 4;
        float[] y = new float[C * 3 * cell], x = new float[C * 5 * cell];
        for (int i = 0; i < y.length; i++) y[i] = (float) rnd.nextGaussian();
        int[] from = {0, 1, 1, 2, 2};
        for (int c = 0; c < C; c++)
            for (int f = 0; f < 5; f++) System.arraycopy(y, (c * 3 + from[f]) * cell, x, (c * 5 + f) * cell, cell);
        float[] ctx = new float[2 * DC];
        for (int i = 0; i < ctx.length; i++) ctx[i] = (float) rnd.nextGaussian();
        TextContext context = new TextContext(Tensor.of(ctx, 1, 2, DC), Tensor.ones(1, 2));
        try (var g = Grad.off()) {
            float[] want = src.velocity(Tensor.of(y, 1, C, 3, 4, 4), Tensor.vector(0.6f), context).data();
            float[] got = moved.velocity(Tensor.of(x, 1, C, 5, 4, 4), Tensor.vector(0.6f), context).data();
            float max = 0;
            for (float w : want) max = Math.max(max, Math.abs(w));
            assertTrue(max > 1e-2, "the source predicts something: " + max);
            for (int c = 0; c < C; c++)
                for (int f = 0; f < 5; f++)
                    for (int q = 0; q < cell; q++)
                        assertEquals(want[(c * 3 + from[f]) * cell + q], got[(c * 5 + f) * cell + q], 2e-4f * max,
                                "channel " + c + " frame " + f);
            // and unlike a fresh patch embedding, which predicts something else
            DiffusionTransformer fresh = new DiffusionTransformer(src.config.withPatchT(2), new Rng(9));
            Map<String, Tensor> keep = new HashMap<>(src.stateDict());
            for (String k : DiffusionTransformer.LATENT_FACING) keep.put(k, fresh.stateDict().get(k));
            fresh.loadStateDict(keep, true);
            float[] other = fresh.velocity(Tensor.of(x, 1, C, 5, 4, 4), Tensor.vector(0.6f), context).data();
            float diff = maxDiff(other, got);
            assertTrue(diff > 1e-2, "a fresh latent-facing pair differs: " + diff);
            // frames that differ inside a patch embed differently from their swap: the motion reaches the blocks
            float[] swapped = x.clone();
            for (int ch = 0; ch < C; ch++) {
                System.arraycopy(x, (ch * 5 + 2) * cell, swapped, (ch * 5 + 1) * cell, cell);
                System.arraycopy(x, (ch * 5 + 1) * cell, swapped, (ch * 5 + 2) * cell, cell);
            }
            float[] a = moved.xEmbedder.forward(Tensor.of(x, 1, C, 5, 4, 4).slice(2, 1, 5)).data();
            float[] b = moved.xEmbedder.forward(Tensor.of(swapped, 1, C, 5, 4, 4).slice(2, 1, 5)).data();
            float gap = maxDiff(a, b);
            assertEquals(0f, gap, 0f, "frames 1 and 2 of x are equal: swapping them changes nothing");
            float[] y2 = x.clone();
            for (int ch = 0; ch < C; ch++) for (int q = 0; q < cell; q++) y2[(ch * 5 + 1) * cell + q] += 1f;
            float[] e1 = moved.xEmbedder.forward(Tensor.of(y2, 1, C, 5, 4, 4).slice(2, 1, 5)).data();
            float[] y3 = x.clone();
            for (int ch = 0; ch < C; ch++) for (int q = 0; q < cell; q++) y3[(ch * 5 + 2) * cell + q] += 1f;
            float[] e2 = moved.xEmbedder.forward(Tensor.of(y3, 1, C, 5, 4, 4).slice(2, 1, 5)).data();
            float split = maxDiff(e1, e2);
            assertTrue(split > 1e-2, "the same change in the first or the second frame of a patch embeds differently: " + split);
        }
    }

    private static float maxDiff(float[] a, float[] b) {
        float m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void theMovedConfigKeepsTimePerTokenAndRefusesWhatCannotSpread() {
        ModelConfig four = ModelConfig.preset("tiny");
        var two = four.vae().withTimeDown(2);
        DitConfig moved = Trainer.transferred(four, two, 2);
        assertEquals(2, moved.patchT());
        assertEquals(1.0, moved.timeScale(), "a token of two x2 frames spans the four video frames of a x4 frame");
        assertEquals(0.5, Trainer.transferred(four, two, 0).timeScale(), "without --patch-t: per latent frame, as before");
        var wide = two.withLatentChannels(four.dit().latentChannels() * 2);
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.transferred(four, wide, 2));
        assertTrue(e.getMessage().contains("latent channels"), e.getMessage());
        ModelConfig p2 = new ModelConfig("tiny", four.vae(), four.text(), four.dit().withPatchT(2), four.capabilities(), 0.5, 1.15);
        var odd = assertThrows(IllegalArgumentException.class, () -> Trainer.transferred(p2, two, 3));
        assertTrue(odd.getMessage().contains("multiple"), odd.getMessage());
    }

    @Test
    void patchTIsValidatedAndKept() {
        TrainConfig base = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().vae("v").init("i").build();
        TrainConfig c = base.toBuilder().initTransfer(true).patchT(2).build();
        assertEquals(2, TrainConfig.fromJson(c.toJson()).patchT());
        String old = c.toJson().replaceAll(",\\s*\"patchT\"\\s*:\\s*[0-9]+", "");
        assertFalse(old.contains("patchT"));
        assertEquals(0, TrainConfig.fromJson(old).patchT(), "a config saved before the option keeps the init's patch");
        var e = assertThrows(IllegalArgumentException.class, () -> base.toBuilder().patchT(2).build());
        assertTrue(e.getMessage().contains("--patch-t is for dit runs with --init-transfer"), e.getMessage());
        var big = assertThrows(IllegalArgumentException.class, () -> base.toBuilder().initTransfer(true).patchT(5).build());
        assertTrue(big.getMessage().contains("--patch-t must be in 1..4"), big.getMessage());
    }
}
