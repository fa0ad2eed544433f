package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.DType;
import dev.tessera.engine.Tensor;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train vae --vae DIR --decoder-noise S}: only the decoder moves; the latent space stays the source VAE's. */
class DecoderTuneTest {
    @TempDir Path tmp;

    TrainConfig config(Path vae, Double noise) {
        return TrainConfig.defaults(TrainKind.VAE, "tiny").toBuilder().steps(4).batch(2).lr(3e-3).warmup(1)
                .data("test").sizes(List.of("32x32")).frames(List.of(1, 5)).vae(vae.toString()).decoderNoise(noise)
                .sampleEvery(0).ckptEvery(100).emaDecay(0).build();
    }

    @Test
    void onlyTheDecoderChangesAndTheLatentStatisticsStay() throws Exception {
        Path src = tmp.resolve("src");
        TesseraModel base = TesseraModel.create(ModelConfig.preset("tiny"), 3);
        base.save(src, DType.F32);
        Trainer t = Trainer.start(config(src, 0.5), tmp.resolve("run"), new BallSource()).log(ResumeTest.QUIET);
        assertTrue(t.trainedParameters().keySet().stream().allMatch(k -> k.startsWith("vae.decoder.")), "only decoder weights train");
        t.run();
        TesseraModel tuned = TesseraModel.load(tmp.resolve("run/model")), orig = TesseraModel.load(src);
        assertEquals(orig.config.vae(), tuned.config.vae(), "latent shift/scale and VAE config are kept");
        Map<String, Tensor> a = orig.vae.stateDict(), b = tuned.vae.stateDict();
        boolean decoderMoved = false;
        for (String k : a.keySet()) {
            if (k.startsWith("encoder.")) assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), k);
            else decoderMoved |= !Arrays.equals(a.get(k).toArray(), b.get(k).toArray());
        }
        assertTrue(decoderMoved, "the decoder did not train");

        // same seed, same decoder: the noise draws are part of the run's determinism
        Trainer again = Trainer.start(config(src, 0.5), tmp.resolve("run2"), new BallSource()).log(ResumeTest.QUIET);
        again.run();
        for (var e : t.trainedParameters().entrySet())
            assertArrayEquals(e.getValue().toArray(), again.trainedParameters().get(e.getKey()).toArray(), e.getKey());
        // the noise is used: a noise-free run ends elsewhere
        Trainer clean = Trainer.start(config(src, 0.0), tmp.resolve("run3"), new BallSource()).log(ResumeTest.QUIET);
        clean.run();
        assertFalse(Arrays.equals(t.trainedParameters().get("vae.decoder.conv_out.weight").toArray(),
                clean.trainedParameters().get("vae.decoder.conv_out.weight").toArray()));
    }

    @Test
    void aFineTuneCanSwitchTheShortcutToBilinear() throws Exception {
        Path src = tmp.resolve("src");
        TesseraModel.create(ModelConfig.preset("tiny"), 3).save(src, DType.F32);
        Trainer t = Trainer.start(config(src, 0.2).toBuilder().shortcutUpsample("bilinear").steps(2).build(), tmp.resolve("run"),
                new BallSource()).log(ResumeTest.QUIET);
        t.run();
        TesseraModel tuned = TesseraModel.load(tmp.resolve("run/model")), orig = TesseraModel.load(src);
        assertEquals("bilinear", tuned.config.vae().shortcutUpsample());
        assertEquals(orig.config.vae().withShortcutUpsample("bilinear"), tuned.config.vae());
        var e = assertThrows(IllegalArgumentException.class, () -> config(src, 0.2).toBuilder().shortcutUpsample("cubic").build());
        assertTrue(e.getMessage().contains("nearest or bilinear"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder()
                .shortcutUpsample("bilinear").build());
        assertTrue(e.getMessage().contains("decoder fine-tunes"), e.getMessage());
    }

    @Test
    void anObjectWeightedFineTuneUsesTheWorldsBoxes() throws Exception {
        Path src = tmp.resolve("src");
        TesseraModel.create(ModelConfig.preset("tiny"), 3).save(src, DType.F32);
        TrainConfig plain = config(src, 0.2).toBuilder().data("world").sizes(List.of("32x32")).frames(List.of(5)).steps(3).build();
        Trainer weighted = Trainer.start(plain.toBuilder().objectWeight(10).build(), tmp.resolve("w"), WorldSource.create(0, 8))
                .log(ResumeTest.QUIET);
        assertTrue(weighted.trainedParameters().keySet().stream().allMatch(k -> k.startsWith("vae.decoder.")), "only decoder weights train");
        weighted.run();
        Trainer same = Trainer.start(plain, tmp.resolve("p"), WorldSource.create(0, 8)).log(ResumeTest.QUIET);
        same.run();
        assertFalse(Arrays.equals(weighted.trainedParameters().get("vae.decoder.conv_out.weight").toArray(),
                same.trainedParameters().get("vae.decoder.conv_out.weight").toArray()), "the object weights change the fine-tune");
        assertEquals(10.0, weighted.config().objectWeight());
        var e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.TEXT, "tiny").toBuilder()
                .objectWeight(10).build());
        assertEquals("--object-weight is for dit and vae runs", e.getMessage());
    }

    @Test
    void badCombinationsNameTheProblem() {
        Path src = tmp.resolve("src");
        var e = assertThrows(IllegalArgumentException.class, () -> config(src, null));
        assertTrue(e.getMessage().contains("--decoder-noise"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> config(src, -1.0));
        assertTrue(e.getMessage().contains("[0, 10]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder()
                .vae(src.toString()).decoderNoise(0.5).build());
        assertTrue(e.getMessage().contains("vae runs"), e.getMessage());
    }
}
