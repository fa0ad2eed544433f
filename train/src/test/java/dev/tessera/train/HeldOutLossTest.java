package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.DType;
import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.data.Bucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeldOutLossTest {
    @TempDir Path tmp;

    /** Every clip index its own scene: a square of one of six colours at one of nine places, named in the caption. */
    static final class Squares implements ClipSource {
        static final String[] NAMES = {"red", "green", "blue", "yellow", "white", "black"};
        static final int[] RGB = {0xE02020, 0x20C020, 0x2040E0, 0xE0E020, 0xF0F0F0, 0x101010};

        @Override public Clip clip(long index, Bucket b, double u) {
            long h = dev.tessera.engine.Rng.mix(index * 0x9E3779B97F4A7C15L + 1);
            int colour = (int) Math.floorMod(h, 6L), place = (int) Math.floorMod(h >>> 8, 9L);
            int w = b.width(), ht = b.height(), side = Math.max(4, Math.min(w, ht) / 3);
            int x0 = (place % 3) * (w - side) / 2, y0 = (place / 3) * (ht - side) / 2;
            List<Frame> frames = new ArrayList<>();
            for (int t = 0; t < b.frames(); t++) {
                int[] rgb = new int[w * ht];
                for (int y = 0; y < ht; y++)
                    for (int x = 0; x < w; x++)
                        rgb[y * w + x] = x >= x0 && x < x0 + side && y >= y0 && y < y0 + side ? RGB[colour] : 0x808080;
                frames.add(new Frame(w, ht, rgb));
            }
            String cap = "a " + NAMES[colour] + " square, place " + place;
            return new Clip(frames, w, ht, cap, cap);
        }

        @Override public Object key(long index, Bucket b, double u) { return index; }

        @Override public String describe() { return "test squares"; }
    }

    TrainConfig config(Path vae, long steps) {
        return TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(steps).batch(2).lr(3e-3).warmup(3)
                .data("test").sizes(List.of("32x32")).frames(List.of(1)).vae(vae.toString()).clips(4)
                .sampleEvery(0).ckptEvery(1000).emaDecay(0).build();
    }

    static UnaryOperator<Tensor> encoder(TesseraModel m) { return px -> m.normaliseLatent(m.vae.encode(px).mean()); }

    static HeldOutLoss.Result measure(TesseraModel m, TrainConfig cfg, long micro, int batches, long seed) {
        var plans = HeldOutLoss.plans(cfg, new Squares(), m, encoder(m), null, micro);
        return HeldOutLoss.measure(m, plans, batches, cfg.objectWeight(), HeldOutLoss.TIMES, seed);
    }

    @Test
    void aRunOverFourClipsLosesLessOnThemThanOnNewClips() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        TrainConfig cfg = config(vae, 150);
        Trainer t = Trainer.start(cfg, tmp.resolve("run"), new Squares()).log(ResumeTest.QUIET);
        HeldOutLoss.Result before = measure(t.model(), cfg, 0, 2, 1);
        t.run();
        HeldOutLoss.Result after = measure(t.model(), cfg, 150, 2, 1);
        // the two sides hold different clips: the seen side is the run's clips 0-3, the unseen side clips 4-7
        assertEquals(4, after.items());
        assertEquals(HeldOutLoss.TIMES.length, after.rows().size());
        assertTrue(after.seen() < 0.8 * before.seen(), "training lowered the loss on its clips: " + before.seen() + " -> " + after.seen());
        assertTrue(after.gap() > 2 * after.gapStdErr() && after.gap() > 0.2 * after.seen(),
                "remembered clips: seen " + after.seen() + ", unseen " + after.unseen() + " ± " + after.gapStdErr());
        assertTrue(after.seenGain() > after.unseenGain() + 0.1, "the captions of its clips help more: " + after.seenGain() + " vs " + after.unseenGain());
        assertEquals(0, before.seenGain(), "an untrained DiT ignores the caption (zero-initialised gates)");
        assertTrue(Math.abs(before.gap()) < after.gap(), "before training the sides differ less: " + before.gap() + " vs " + after.gap());
        for (HeldOutLoss.Row r : after.rows()) assertTrue(r.seen() > 0 && r.unseen() > 0 && r.seenEmpty() > 0 && r.unseenEmpty() > 0);
    }

    @Test
    void deterministicBySeedAndZeroGapOnTheSameBatches() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        TesseraModel m = TesseraModel.load(vae);
        TrainConfig cfg = config(vae, 10);
        HeldOutLoss.Result a = measure(m, cfg, 0, 2, 5), b = measure(m, cfg, 0, 2, 5), c = measure(m, cfg, 0, 2, 6);
        assertEquals(a, b, "same seed, same numbers");
        assertNotEquals(a.seen(), c.seen(), "another noise seed");
        // an endless stream (no --clips) whose unseen side starts at micro-batch 0 measures the same batches twice
        TrainConfig endless = cfg.toBuilder().clips(0).build();
        var plans = HeldOutLoss.plans(endless, new Squares(), m, encoder(m), null, 0);
        HeldOutLoss.Result same = HeldOutLoss.measure(m, plans, 2, 0, HeldOutLoss.TIMES, 5);
        assertEquals(0, same.gap());
        assertEquals(same.seenGain(), same.unseenGain());
        assertEquals(same.seenEmpty(), same.unseenEmpty());

        assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.measure(m, plans, 0, 0, HeldOutLoss.TIMES, 5));
        assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.measure(m, plans, 1, 0, new double[] {0.5, 1.0}, 5));
        assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.measure(m, plans, 1, 0, new double[0], 5));
        var vaeRun = TrainConfig.defaults(TrainKind.VAE, "tiny");
        var e = assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.plans(vaeRun, new Squares(), m, encoder(m), null, 0));
        assertTrue(e.getMessage().contains("needs a DiT run"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.ofRun(tmp.resolve("none"), m, 1, HeldOutLoss.TIMES, 1, false));
        assertTrue(e.getMessage().contains("has no checkpoint"), e.getMessage());
    }

    @Test
    void aShuffledOrderKeepsTheFirstFrameAndMovesAnother() {
        for (int f = 3; f <= 9; f++)
            for (int k = 0; k < 20; k++) {
                int[] order = HeldOutLoss.shuffledOrder(f, new dev.tessera.engine.Rng(k).fork(f));
                assertEquals(0, order[0], "the causal first frame stays first");
                int[] sorted = order.clone();
                java.util.Arrays.sort(sorted);
                for (int i = 0; i < f; i++) assertEquals(i, sorted[i], "a permutation: " + java.util.Arrays.toString(order));
                boolean moved = false;
                for (int i = 1; i < f; i++) moved |= order[i] != i;
                assertTrue(moved, "not the identity: " + java.util.Arrays.toString(order));
            }
        assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.shuffledOrder(2, new dev.tessera.engine.Rng(1)));
        // [B=2, C=3, F=4, H=1, W=2]: frame i of the result is frame order[i] of the input, in every item and channel
        int[] shape = {2, 3, 4, 1, 2}, order = {0, 3, 1, 2};
        float[] x = new float[48];
        for (int i = 0; i < x.length; i++) x[i] = i;
        float[] y = HeldOutLoss.permuteFrames(x, shape, order);
        for (int bc = 0; bc < 6; bc++)
            for (int i = 0; i < 4; i++)
                for (int w = 0; w < 2; w++) assertEquals(x[(bc * 4 + order[i]) * 2 + w], y[(bc * 4 + i) * 2 + w]);
    }

    @Test
    void frameOrderIsZeroForADiTThatIgnoresItsInputAndNotForOneThatMixesFrames() throws Exception {
        Path vae = tmp.resolve("vae");
        TesseraModel.create(ModelConfig.preset("tiny"), 7).save(vae, DType.F32);
        TesseraModel m = TesseraModel.load(vae);
        TrainConfig cfg = config(vae, 10).toBuilder().frames(List.of(1, 9)).build();
        var plans = HeldOutLoss.plans(cfg, new Squares(), m, encoder(m), null, 0);
        // a fresh DiT's output layer is zero: its velocity is 0 whatever the frames, so latent and noise permuted alike
        // leave the loss (a mean over the same cells) exactly as it was
        HeldOutLoss.OrderResult zero = HeldOutLoss.frameOrder(m, plans, 4, 0, HeldOutLoss.TIMES, 3);
        assertTrue(zero.items() > 0 && zero.skipped() > 0, "both buckets drawn: " + zero.items() + " / " + zero.skipped());
        assertEquals(zero.inOrder(), zero.shuffled(), 1e-6 * zero.inOrder());
        for (HeldOutLoss.OrderRow r : zero.rows()) assertEquals(r.inOrder(), r.shuffled(), 1e-6 * r.inOrder());
        // random weights everywhere: attention with time positions now sees the frames out of order
        dev.tessera.engine.Rng rng = new dev.tessera.engine.Rng(11);
        for (Tensor p : m.dit.parameters()) {
            float[] d = p.data(), n = new float[d.length];
            rng.fillNormal(n, 0f, 0.2f);
            for (int i = 0; i < d.length; i++) d[i] += n[i];
        }
        HeldOutLoss.OrderResult mixed = HeldOutLoss.frameOrder(m, plans, 4, 0, HeldOutLoss.TIMES, 3);
        assertEquals(mixed, HeldOutLoss.frameOrder(m, plans, 4, 0, HeldOutLoss.TIMES, 3), "same seed, same numbers");
        assertTrue(Math.abs(mixed.rise()) > 1e-4, "the order changes the loss: " + mixed.rise());
        assertEquals(zero.items(), mixed.items());
        TrainConfig images = config(vae, 10);
        var imagePlans = HeldOutLoss.plans(images, new Squares(), m, encoder(m), null, 0);
        var e = assertThrows(IllegalArgumentException.class, () -> HeldOutLoss.frameOrder(m, imagePlans, 2, 0, HeldOutLoss.TIMES, 3));
        assertTrue(e.getMessage().contains("three or more latent frames"), e.getMessage());
    }

    @Test
    void aReadOnlyStoreKeepsNothingAndChangesNothing() throws Exception {
        assertEquals(null, LatentStore.openReadOnly(tmp), "no store in the folder: null, and none created");
        assertTrue(!Files.exists(tmp.resolve(LatentStore.FILE)));
        try (LatentStore s = LatentStore.open(tmp)) {
            s.put("a", new LatentStore.Entry(Tensor.of(new float[] {1, 2}, 2), "en", "zh"));
        }
        Files.write(tmp.resolve(LatentStore.FILE), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND); // a torn tail
        long size = Files.size(tmp.resolve(LatentStore.FILE));
        try (LatentStore s = LatentStore.openReadOnly(tmp)) {
            assertEquals(1, s.size());
            assertEquals(2f, s.get("a").latent().data()[1]);
            s.put("b", new LatentStore.Entry(Tensor.of(new float[] {3}, 1), "en", "zh"));
            assertEquals(null, s.get("b"));
        }
        assertEquals(size, Files.size(tmp.resolve(LatentStore.FILE)), "the file is as it was, torn tail included");
    }
}
