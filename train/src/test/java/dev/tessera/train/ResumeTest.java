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
import dev.tessera.model.dit.DiffusionTransformer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {
    @TempDir Path tmp;

    static final PrintStream QUIET = Boolean.getBoolean("verbose") ? System.out : new PrintStream(new ByteArrayOutputStream());

    TrainConfig ditConfig(Path vae, long steps) {
        return TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(steps).batch(2).accum(2).lr(1e-3).warmup(3)
                .data("test").sizes(List.of("32x32", "48x32")).frames(List.of(1, 5)).vae(vae.toString())
                .sampleEvery(0).ckptEvery(100).emaDecay(0.9).build();
    }

    @Test
    void twentyStepsEqualTenThenResumeThenTen() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);

        Trainer a = Trainer.start(ditConfig(vae, 20), tmp.resolve("a"), new BallSource()).log(QUIET);
        a.run();

        Trainer b = Trainer.start(ditConfig(vae, 20), tmp.resolve("b"), new BallSource()).log(QUIET).producers(3)
                .stopAfter(s -> s == 10);
        assertEquals(10, b.run().step());
        Trainer c = Trainer.resume(tmp.resolve("b"), 0, -1, 0, new BallSource()).log(QUIET);
        assertEquals(10, c.step());
        c.run();

        Map<String, Tensor> wa = a.trainedParameters(), wc = c.trainedParameters();
        assertEquals(wa.keySet(), wc.keySet());
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).data(), wc.get(k).data(), k);
        Checkpoint ca = Checkpoint.load(tmp.resolve("a")), cc = Checkpoint.load(tmp.resolve("b"));
        assertEquals(ca.tensors().keySet(), cc.tensors().keySet());
        for (String k : ca.tensors().keySet()) assertArrayEquals(ca.tensors().get(k).data(), cc.tensors().get(k).data(), k);
        assertEquals(ca.meta("step"), cc.meta("step"));
        // the loss log of the resumed run is the same 20 rows
        assertEquals(Files.readAllLines(tmp.resolve("a/loss.csv")).stream().map(l -> l.split(",")[1]).toList(),
                Files.readAllLines(tmp.resolve("b/loss.csv")).stream().map(l -> l.split(",")[1]).toList());
        // the run folder is complete and its model loads
        for (String f : List.of("loss.png", "run.json", "model/model.json", "model/dit.safetensors"))
            assertTrue(Files.isRegularFile(tmp.resolve("b").resolve(f)), f);
        TesseraModel.load(tmp.resolve("b/model"));
    }

    @Test
    void aFixedClipSetResumesFromItsLatentStoreWithoutRenderingAgain() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        TrainConfig cfg = ditConfig(vae, 16).toBuilder().clips(4).latentCache(1).build();
        Trainer.start(cfg, tmp.resolve("a"), new BallSource()).log(QUIET).run();

        java.util.concurrent.atomic.AtomicInteger renders = new java.util.concurrent.atomic.AtomicInteger();
        BallSource counting = new BallSource() {
            @Override public Clip clip(long index, dev.tessera.model.data.Bucket b, double u) {
                renders.incrementAndGet();
                return super.clip(index, b, u);
            }
        };
        Trainer.start(cfg, tmp.resolve("b"), counting).log(QUIET).stopAfter(s -> s == 8).run();
        int before = renders.get();
        assertTrue(before > 0 && Files.size(tmp.resolve("b").resolve(LatentStore.FILE)) > 0);
        Trainer c = Trainer.resume(tmp.resolve("b"), 0, -1, 0, counting).log(QUIET);
        c.run();
        // the only renders left are the 2 preview clips of the sample grid written at the last step
        assertEquals(before + 2, renders.get(), "the resumed run read every training clip from latents.bin");
        Checkpoint ca = Checkpoint.load(tmp.resolve("a")), cb = Checkpoint.load(tmp.resolve("b"));
        for (String k : ca.tensors().keySet()) assertArrayEquals(ca.tensors().get(k).data(), cb.tensors().get(k).data(), k);
    }

    @Test
    void initStartsADitRunFromAnotherRunsModel() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        Trainer.start(ditConfig(vae, 6), tmp.resolve("first"), new BallSource()).log(QUIET).run();
        TesseraModel first = TesseraModel.load(tmp.resolve("first/model"));
        // a fine-tuning phase on longer clips: its step 0 holds the first run's DiT and text weights
        TrainConfig longer = ditConfig(vae, 2).toBuilder().frames(List.of(5, 17)).init(tmp.resolve("first").toString()).build();
        Trainer t = Trainer.start(longer, tmp.resolve("second"), new BallSource()).log(QUIET);
        Map<String, Tensor> w = t.trainedParameters();
        first.dit.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), w.get("dit." + k).data(), k));
        first.text.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), w.get("text." + k).data(), k));
        t.run();
        assertEquals(2.0, TesseraModel.load(tmp.resolve("second/model")).config.capabilities().maxSeconds(), 1e-9,
                "17 frames at 8 fps: the model now says 2 s");
        // another VAE: refused with the reason
        Path other = tmp.resolve("othervae");
        ModelConfig p = ModelConfig.preset("tiny");
        TesseraModel.create(new ModelConfig(p.preset(), p.vae().withLatentStats(0.5, 2.0), p.text(), p.dit(), p.capabilities(),
                p.shiftBaseMu(), p.shiftMaxMu()), 8).save(other, DType.F32);
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.start(
                ditConfig(other, 2).toBuilder().init(tmp.resolve("first").toString()).build(), tmp.resolve("third"), new BallSource()));
        assertTrue(e.getMessage().contains("another VAE"), e.getMessage());
        // --text replaces the init model's text encoder (a facts pre-trained one); the DiT still comes from --init
        Path text = tmp.resolve("text");
        TesseraModel.create(ModelConfig.preset("tiny"), 99).save(text, DType.F32);
        TesseraModel other99 = TesseraModel.load(text);
        Trainer t4 = Trainer.start(ditConfig(vae, 2).toBuilder().init(tmp.resolve("first").toString()).text(text.toString())
                .freezeText(true).build(), tmp.resolve("fourth"), new BallSource()).log(QUIET);
        first.dit.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), t4.trainedParameters().get("dit." + k).data(), k));
        other99.text.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), t4.model().text.stateDict().get(k).data(), k));
        assertFalse(t4.trainedParameters().keySet().stream().anyMatch(k -> k.startsWith("text.")), "--freeze-text: text not trained");
        // --text-positions on --init: the DiT gains a zero table [maxLength, D] and keeps every init weight
        Trainer t5 = Trainer.start(ditConfig(vae, 2).toBuilder().init(tmp.resolve("first").toString()).textPositions(true)
                .build(), tmp.resolve("fifth"), new BallSource()).log(QUIET);
        Map<String, Tensor> w5 = t5.trainedParameters();
        first.dit.stateDict().forEach((k, v) -> assertArrayEquals(v.data(), w5.get("dit." + k).data(), k));
        Tensor table = w5.get("dit." + DiffusionTransformer.TEXT_POSITIONS);
        assertArrayEquals(new int[]{first.config.text().maxLength(), first.config.dit().dim()}, table.shape());
        for (float x : table.data()) assertEquals(0f, x);
        t5.run();
        TesseraModel fifth = TesseraModel.load(tmp.resolve("fifth/model"));
        assertEquals(first.config.text().maxLength(), fifth.config.dit().textPositions(), "the exported config has the table");
        var e5 = assertThrows(IllegalArgumentException.class, () -> Trainer.start(ditConfig(vae, 2).toBuilder()
                .init(tmp.resolve("fifth").toString()).textPositions(true).build(), tmp.resolve("sixth"), new BallSource()));
        assertTrue(e5.getMessage().contains("already has a text position table"), e5.getMessage());
    }

    @Test
    void startRefusesAnExistingRunAndResumeNeedsOne() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        Trainer.start(ditConfig(vae, 2), tmp.resolve("r"), new BallSource()).log(QUIET).run();
        var e = assertThrows(IllegalArgumentException.class, () -> Trainer.start(ditConfig(vae, 2), tmp.resolve("r"), new BallSource()));
        assertTrue(e.getMessage().contains("--resume"), e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Trainer.resume(tmp.resolve("nothing"), 0, -1, 0, new BallSource()));
        assertTrue(e2.getMessage().contains("does not exist"), e2.getMessage());
    }

    @Test
    void textPreTrainingLossFallsAndExportsALoadableModel() throws Exception {
        TrainConfig c = TrainConfig.defaults(TrainKind.TEXT, "tiny").toBuilder().steps(30).batch(8).lr(3e-3).warmup(3)
                .data("test").sizes(List.of("32x32")).frames(List.of(1)).sampleEvery(0).ckptEvery(1000).textObjective("bytes").build();
        Trainer.start(c, tmp.resolve("text"), new BallSource()).log(QUIET).run();
        double[] loss = Files.readAllLines(tmp.resolve("text/loss.csv")).stream().skip(1)
                .mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
        // uniform guessing over 259 ids costs ln 259 = 5.56 nats; the encoder + head must do clearly better
        double last = (loss[loss.length - 1] + loss[loss.length - 2] + loss[loss.length - 3]) / 3;
        assertTrue(last < 0.7 * loss[0] && last < 4.5, "masked-byte loss " + loss[0] + " -> " + last);
        TesseraModel m = TesseraModel.load(tmp.resolve("text/model"));
        assertFalse(Checkpoint.load(tmp.resolve("text")).under("head").isEmpty(), "the masked-byte head is checkpointed");
        assertTrue(m.text.parameterCount() > 0);
    }
}
