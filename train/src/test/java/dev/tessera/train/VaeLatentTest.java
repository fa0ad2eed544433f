package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Tensor;
import dev.tessera.model.TesseraModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train vae --latent-channels N} (a wider latent) and {@code --object-weight} on a full VAE run. */
class VaeLatentTest {
    @TempDir Path tmp;

    static TrainConfig vae() {
        return TrainConfig.defaults(TrainKind.VAE, "tiny").toBuilder().steps(3).batch(2).lr(3e-3).warmup(1)
                .sizes(List.of("32x32")).frames(List.of(1, 5)).sampleEvery(0).ckptEvery(100).emaDecay(0).build();
    }

    @Test
    void aWiderLatentIsTrainedExportedAndReadByTheDitThatFollows() throws Exception {
        assertEquals(4, TesseraModel.create(dev.tessera.model.config.ModelConfig.preset("tiny"), 1).config.vae().latentChannels());
        Trainer t = Trainer.start(vae().toBuilder().latentChannels(6).build(), tmp.resolve("vae"), new BallSource()).log(ResumeTest.QUIET);
        t.run();
        TesseraModel m = TesseraModel.load(tmp.resolve("vae/model"));
        assertEquals(6, m.config.vae().latentChannels());
        assertTrue(m.config.vae().latentScale() != 1.0, "latent statistics measured on the new latent");
        try (var g = Grad.off()) {
            Tensor z = m.vae.encode(Tensor.zeros(1, 3, 5, 32, 32)).mean();
            assertArrayEquals(new int[] {1, 6, 2, 4, 4}, z.shape());
        }
        TrainConfig dit = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(1).batch(2).warmup(1)
                .sizes(List.of("32x32")).frames(List.of(1)).vae(tmp.resolve("vae/model").toString()).sampleEvery(0).ckptEvery(100).build();
        Trainer d = Trainer.start(dit, tmp.resolve("dit"), new BallSource()).log(ResumeTest.QUIET);
        d.run();
        assertEquals(6, TesseraModel.load(tmp.resolve("dit/model")).config.dit().latentChannels());
    }

    @Test
    void objectWeightsChangeAFullVaeRunDeterministically() throws Exception {
        TrainConfig plain = vae().toBuilder().frames(List.of(5)).build(), weighted = plain.toBuilder().objectWeight(10).build();
        Trainer w = Trainer.start(weighted, tmp.resolve("w"), WorldSource.create(0, 8)).log(ResumeTest.QUIET);
        assertTrue(w.trainedParameters().keySet().stream().anyMatch(k -> k.startsWith("vae.encoder.")), "the whole VAE trains");
        w.run();
        Trainer again = Trainer.start(weighted, tmp.resolve("w2"), WorldSource.create(0, 8)).log(ResumeTest.QUIET);
        again.run();
        Trainer p = Trainer.start(plain, tmp.resolve("p"), WorldSource.create(0, 8)).log(ResumeTest.QUIET);
        p.run();
        String k = "vae.decoder.conv_out.weight";
        assertArrayEquals(w.trainedParameters().get(k).toArray(), again.trainedParameters().get(k).toArray(), "same seed, same weights");
        assertFalse(Arrays.equals(w.trainedParameters().get(k).toArray(), p.trainedParameters().get(k).toArray()),
                "the object weights change the run");
    }

    @Test
    void theOptionIsKeptInRunJsonAndRefusedWhereTheLatentIsNotNew() {
        TrainConfig c = vae().toBuilder().latentChannels(16).build();
        assertEquals(16, TrainConfig.fromJson(c.toJson()).latentChannels(), "kept in run.json, so --resume keeps it");
        String before = c.toJson().replaceAll(",\\s*\"latentChannels\"\\s*:\\s*[0-9]+", "");
        assertFalse(before.contains("latentChannels"));
        assertEquals(0, TrainConfig.fromJson(before).latentChannels(), "a config saved before the option reads as the preset's");
        var e = assertThrows(IllegalArgumentException.class, () -> vae().toBuilder().latentChannels(65).build());
        assertEquals("--latent-channels must be in 1..64, got 65", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().latentChannels(16).build());
        assertTrue(e.getMessage().startsWith("--latent-channels is for fresh vae runs"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> vae().toBuilder().vae("x").decoderNoise(0.1).latentChannels(16).build());
        assertTrue(e.getMessage().startsWith("--latent-channels is for fresh vae runs"), e.getMessage());
    }
}
