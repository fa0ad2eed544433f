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

/**
 * {@code train vae --latent-channels N} (a wider latent), {@code --time-down N} (less time compression),
 * {@code --init DIR} on a VAE run (start from another VAE) and {@code --object-weight} on a full VAE run.
 */
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
        assertEquals(0, TrainConfig.fromJson(savedWithout(c, "latentChannels")).latentChannels(), "a config saved before the option reads as the preset's");
        refused(vae().toBuilder().latentChannels(65), "--latent-channels must be in 1..64, got 65");
        refused(TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().latentChannels(16), "--latent-channels is for fresh vae runs");
        refused(vae().toBuilder().vae("x").decoderNoise(0.1).latentChannels(16), "--latent-channels is for fresh vae runs");
    }

    /** c's run.json as a run saved before {@code field} existed would have written it. */
    private static String savedWithout(TrainConfig c, String field) {
        String before = c.toJson().replaceAll(",\\s*\"" + field + "\"\\s*:\\s*[0-9]+", "");
        assertFalse(before.contains(field));
        return before;
    }

    /** Building b fails with a message that starts with {@code prefix}. */
    private static void refused(TrainConfig.Builder b, String prefix) {
        var e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    @Test
    void aVaeRunStartsFromAnotherVaeAtAnotherTimeCompressionAndTheDitFollowsIt() throws Exception {
        Trainer four = Trainer.start(vae(), tmp.resolve("four"), new BallSource()).log(ResumeTest.QUIET);
        four.run();
        TrainConfig c = vae().toBuilder().init(tmp.resolve("four").toString()).timeDown(2).steps(1).objectWeight(0).build();
        Trainer two = Trainer.start(c, tmp.resolve("two"), new BallSource()).log(ResumeTest.QUIET);
        TesseraModel from = TesseraModel.load(tmp.resolve("four/model"));
        // the run starts from the init VAE's weights (the EMA export of "four"), at x2
        assertEquals(2, two.model().config.vae().timeDown());
        String k = "decoder.conv_out.weight";
        assertArrayEquals(from.vae.stateDict().get(k).toArray(), two.model().vae.stateDict().get(k).toArray());
        two.run();
        TesseraModel m = TesseraModel.load(tmp.resolve("two/model"));
        assertEquals(2, m.config.vae().timeDown());
        try (var g = Grad.off()) {
            assertArrayEquals(new int[] {1, 4, 3, 4, 4}, m.vae.encode(Tensor.zeros(1, 3, 5, 32, 32)).mean().shape());
        }
        // a DiT on it works on 1 + (frames - 1)/2 latent frames, object weights pooled in pairs
        TrainConfig dit = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(1).batch(2).warmup(1)
                .sizes(List.of("32x32")).frames(List.of(5)).vae(tmp.resolve("two/model").toString()).objectWeight(5)
                .sampleEvery(0).ckptEvery(100).build();
        Trainer d = Trainer.start(dit, tmp.resolve("dit"), WorldSource.create(0, 8)).log(ResumeTest.QUIET);
        Batch b = d.plan(2, null).build(0);
        assertArrayEquals(new int[] {2, 4, 3, 4, 4}, b.latents().shape());
        assertArrayEquals(new int[] {2, 1, 3, 4, 4}, b.objects().shape());
        d.run();
        assertEquals(2, TesseraModel.load(tmp.resolve("dit/model")).config.vae().timeDown());

        // that DiT moved to the x4 VAE: refused as a plain --init, and --init-transfer keeps all but the latent-facing layers
        TrainConfig.Builder back = dit.toBuilder().vae(tmp.resolve("four/model").toString()).init(tmp.resolve("dit").toString()).objectWeight(0);
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.start(back.build(), tmp.resolve("t0"), new BallSource()));
        assertTrue(e.getMessage().contains("--init-transfer"), e.getMessage());
        Trainer t = Trainer.start(back.initTransfer(true).build(), tmp.resolve("t"), new BallSource()).log(ResumeTest.QUIET);
        TesseraModel src = TesseraModel.load(tmp.resolve("dit/model"));
        Trainer fresh = Trainer.start(back.init(null).initTransfer(false).build(), tmp.resolve("f"), new BallSource()).log(ResumeTest.QUIET);
        assertEquals(4, t.model().config.vae().timeDown());
        // it keeps its time positions per video frame: x2 latent frames at 1 apart, so x4 ones at 2
        assertEquals(1.0, src.config.dit().timeScale());
        assertEquals(2.0, t.model().config.dit().timeScale());
        var got = t.model().dit.stateDict();
        src.dit.stateDict().forEach((name, v) -> {
            float[] want = dev.tessera.model.dit.DiffusionTransformer.LATENT_FACING.contains(name)
                    ? fresh.model().dit.stateDict().get(name).toArray() : v.toArray();
            assertArrayEquals(want, got.get(name).toArray(), name);
        });
        t.run();
        assertEquals(2.0, TesseraModel.load(tmp.resolve("t/model")).config.dit().timeScale());
        var same = assertThrows(IllegalArgumentException.class, () -> Trainer.start(
                back.init(tmp.resolve("t").toString()).initTransfer(true).build(), tmp.resolve("t2"), new BallSource()));
        assertTrue(same.getMessage().contains("plain --init"), same.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dit.toBuilder().initTransfer(true).build(), "--init-transfer needs --init");
    }

    @Test
    void timeDownIsKeptInRunJsonAndRefusedWhereTheVaeIsNotNew() {
        TrainConfig c = vae().toBuilder().timeDown(2).build();
        assertEquals(2, TrainConfig.fromJson(c.toJson()).timeDown());
        assertEquals(0, TrainConfig.fromJson(savedWithout(c, "timeDown")).timeDown(), "a config saved before the option reads as the preset's");
        refused(vae().toBuilder().timeDown(3), "--time-down must be 1, 2 or 4, got 3");
        refused(TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().timeDown(2), "--time-down is for full vae runs");
        refused(vae().toBuilder().vae("x").decoderNoise(0.1).timeDown(2), "--time-down is for full vae runs");
        refused(vae().toBuilder().vae("x").decoderNoise(0.1).init("y"), "--init is for dit runs");
        refused(vae().toBuilder().init("y").latentChannels(6), "--latent-channels is for fresh vae runs");
        refused(TrainConfig.defaults(TrainKind.TEXT, "tiny").toBuilder().init("y"), "--init is for dit runs");
    }
}
