package dev.tessera.model.dit;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.VideoShape;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.text.TextContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Patches of two latent frames: a latent whose frame count is odd (a causal ×2 latent, 1 + 2k frames) is padded at
 * the front with a copy of frame 0, the velocity comes back at the latent's own shape, and the padding changes
 * nothing but frame 0's token.
 */
class PatchTimeTest {
    private static final int C = 4, DC = 12;

    private static DiffusionTransformer dit(int pt) {
        DiffusionTransformer d = new DiffusionTransformer(new DitConfig(24, 1, 2, 4, pt, 2, C, DC, 10000), new Rng(0));
        SplittableRandom rnd = new SplittableRandom(1);
        for (Tensor p : d.namedParameters().values()) { // adaLN-Zero starts as the identity: give every weight a value
            float[] v = p.buffer();
            for (int i = 0; i < p.numel(); i++) v[i] = (float) (rnd.nextGaussian() * 0.3);
        }
        return d;
    }

    private static Tensor latent(int frames, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[C * frames * 4 * 4];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        return Tensor.of(x, 1, C, frames, 4, 4);
    }

    private static final TextContext CTX = new TextContext(Tensor.of(new float[3 * DC], 1, 3, DC).add(0.5f), Tensor.ones(1, 3));

    @Test
    void oddFrameCountsArePaddedAtTheFrontAndCroppedBack() {
        DiffusionTransformer d = dit(2);
        assertEquals(1, d.padFrames(5));
        assertEquals(0, d.padFrames(4));
        assertEquals(1, d.padFrames(1));
        Tensor x = latent(5, 2);
        float[] v;
        try (var g = Grad.off()) {
            Tensor out = d.velocity(x, Tensor.vector(0.4f), CTX);
            assertArrayEquals(x.shape(), out.shape());
            v = out.data();
            // the same as the unpadded path on the latent with frame 0 doubled, minus that copy's velocity
            Tensor doubled = dev.tessera.engine.F.concat(2, x.slice(2, 0, 1), x);
            float[] whole = d.velocity(doubled, Tensor.vector(0.4f), CTX).data();
            int frame = 4 * 4;
            for (int c = 0; c < C; c++)
                for (int f = 0; f < 5; f++)
                    for (int q = 0; q < frame; q++)
                        assertEquals(whole[(c * 6 + f + 1) * frame + q], v[(c * 5 + f) * frame + q], 0f);
            // one latent frame (an image) is one token frame
            assertArrayEquals(new int[] {1, C, 1, 4, 4}, d.velocity(latent(1, 3), Tensor.vector(0.4f), CTX).shape());
        }
        float max = 0;
        for (float a : v) max = Math.max(max, Math.abs(a));
        assertTrue(max > 1e-3, "a nonzero velocity: " + max);
    }

    @Test
    void gradientsReachTheLatentThroughThePadding() {
        DiffusionTransformer d = dit(2);
        Tensor x = latent(3, 4).requiresGrad(true);
        d.velocity(x, Tensor.vector(0.7f), CTX).square().mean().backward();
        float[] g = x.grad().data();
        int frame = 4 * 4;
        double g0 = 0, g2 = 0;
        for (int c = 0; c < C; c++)
            for (int q = 0; q < frame; q++) { g0 += Math.abs(g[(c * 3) * frame + q]); g2 += Math.abs(g[(c * 3 + 2) * frame + q]); }
        assertTrue(g0 > 0 && g2 > 0, "frame 0 (padded) and frame 2 both get gradient: " + g0 + ", " + g2);
    }

    @Test
    void tokenCountsRoundUp() {
        VideoShape four = new VideoShape(33, 128, 128, 4), two = four.withTimeDown(2);
        assertEquals(17, two.latentFrames());
        assertEquals(four.tokens(1, 2), two.tokens(2, 2), "x2 latent in patches of 2 frames: the x4 latent's tokens");
        assertEquals(576, two.tokens(2, 2));
        assertEquals(9, new DitConfig(24, 1, 2, 4, 2, 2, C, DC, 10000).tokenFrames(17));
        assertEquals(1, new DitConfig(24, 1, 2, 4, 2, 2, C, DC, 10000).tokenFrames(1));
    }
}
