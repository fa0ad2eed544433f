package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.vae.VideoVae;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The VAE's time compression as a setting ({@link VaeConfig#timeDown}): ×4, ×2 or ×1, the same parameters. */
class VaeTimeDownTest {
    static VaeConfig tiny(int td) { return new VaeConfig(4, List.of(1, 2, 2), 4, 2, 1e-4, 0, 1, true, "nearest", td); }

    @Test void latentFramesFollowTheCompressionAndTheDecoderGivesTheFramesBack() {
        try (var g = Grad.off()) {
            Tensor x = Tensor.randn(new Rng(1), 1, 3, 9, 16, 16);
            for (int td : new int[] {4, 2, 1}) {
                VideoVae vae = new VideoVae(tiny(td), new Rng(2));
                Tensor z = vae.encode(x).mean();
                assertArrayEquals(new int[] {1, 4, 1 + 8 / td, 2, 2}, z.shape(), "x" + td);
                assertArrayEquals(new int[] {1, 3, 9, 16, 16}, vae.decode(z).shape(), "x" + td);
            }
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new VideoVae(tiny(2), new Rng(2)).encode(Tensor.zeros(1, 3, 4, 16, 16)));
        assertTrue(e.getMessage().contains("1+2k"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> tiny(3));
        assertEquals("vae timeDown must be 1, 2 or 4: 3", e.getMessage());
    }

    @Test void theParametersDoNotDependOnTheCompressionAndX4IsTheVaeOfBefore() {
        VideoVae four = new VideoVae(tiny(4), new Rng(5)), two = new VideoVae(tiny(2), new Rng(5));
        VideoVae before = new VideoVae(new VaeConfig(4, List.of(1, 2, 2), 4, 2, 1e-4, 0, 1, true), new Rng(5));
        var a = four.stateDict();
        assertEquals(a.keySet(), two.stateDict().keySet());
        a.forEach((k, t) -> {
            assertArrayEquals(t.toArray(), two.stateDict().get(k).toArray(), k);
            assertArrayEquals(t.toArray(), before.stateDict().get(k).toArray(), k);
        });
        try (var g = Grad.off()) {
            Tensor x = Tensor.randn(new Rng(6), 1, 3, 5, 16, 16);
            assertArrayEquals(before.encode(x).mean().toArray(), four.encode(x).mean().toArray());
            assertFalse(java.util.Arrays.equals(four.encode(x).mean().toArray(), two.encode(x).mean().narrow(2, 0, 2).toArray()));
        }
    }

    @Test void theLatentIsCausalInEachCompression() {
        try (var g = Grad.off()) {
            for (int td : new int[] {2, 1}) {
                VideoVae vae = new VideoVae(tiny(td), new Rng(3));
                Tensor x = Tensor.randn(new Rng(4), 1, 3, 5, 16, 16);
                float[] d = x.toArray();
                int plane = 16 * 16, last = 4;                      // change only the last frame
                for (int c = 0; c < 3; c++) for (int i = 0; i < plane; i++) d[(c * 5 + last) * plane + i] += 1f;
                Tensor a = vae.encode(x).mean(), b = vae.encode(Tensor.of(d, x.shape())).mean();
                int f = a.size(2);
                assertArrayEquals(a.narrow(2, 0, f - 1).contiguous().toArray(), b.narrow(2, 0, f - 1).contiguous().toArray(),
                        "x" + td + ": latent frames before the last see no later frame");
                assertFalse(java.util.Arrays.equals(a.toArray(), b.toArray()));
            }
        }
    }

    @Test void shapesAndConfigsCarryTheCompression() {
        VideoShape s = new VideoShape(32, 128, 128);
        assertEquals(4, s.timeDown());
        assertEquals(9, s.latentFrames());
        assertEquals(17, s.withTimeDown(2).latentFrames());
        assertEquals(33, s.withTimeDown(2).decodedFrames());
        assertEquals(17 * 64, s.withTimeDown(2).tokens(1, 2));
        assertEquals(32, s.withTimeDown(1).latentFrames());
        assertThrows(IllegalArgumentException.class, () -> s.withTimeDown(3));

        ModelConfig p = ModelConfig.preset("tiny");
        ModelConfig two = new ModelConfig("tiny", p.vae().withTimeDown(2), p.text(), p.dit(), p.capabilities(), 0.5, 1.15);
        assertEquals(2, ModelConfig.fromJson(two.toJson()).vae().timeDown());
        String old = p.toJson().replaceAll(",\\s*\"timeDown\"\\s*:\\s*[0-9]+", "");
        assertFalse(old.contains("timeDown"));
        assertEquals(4, ModelConfig.fromJson(old).vae().timeDown(), "a model saved before the setting is x4");
        // a x2 model generates the frames asked for, through 1 + 2k decoded frames
        TesseraModel m = TesseraModel.create(new ModelConfig("tiny", p.vae().withTimeDown(2), p.text(), p.dit(), PipelineTest.SMALL, 0.5, 1.15), 3);
        TextToVideo.Result r = new TextToVideo(m).generate(PipelineTest.req("32x32", 0.75, 1), dev.tessera.model.sample.Sampler.Progress.NONE);
        assertEquals(6, r.video().frameCount());
        assertEquals(4, r.shape().latentFrames());
    }
}
