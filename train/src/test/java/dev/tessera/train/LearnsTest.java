package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.TextToVideo;
import dev.tessera.model.VideoShape;
import dev.tessera.model.VideoTensors;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.sample.Sampler;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that training learns, small enough for CI: a tiny VAE is trained on ball clips once, then (1) a tiny DiT
 * overfits one captioned clip — loss falls ≥ 10× and the sample reproduces the clip — and (2) after a short run on
 * "red ball moves left/right" the two captions give videos whose ball moves the right way (red-pixel centroid).
 */
class LearnsTest {
    static final Bucket CLIP = new Bucket(9, 64, 64);
    static final String RIGHT = "a red ball rolls from left to right", LEFT = "a red ball rolls from right to left";
    static final WorldClips BOTH = new WorldClips(null, 1, RIGHT, LEFT);
    static final PrintStream LOG = ResumeTest.QUIET;
    @TempDir static Path tmp;
    static Path vae;
    static double vaePsnr;

    @BeforeAll
    static void trainVae() throws Exception {
        if (System.getProperty("keep") != null) tmp = java.nio.file.Files.createDirectories(Path.of(System.getProperty("keep")));
        TrainConfig c = TrainConfig.defaults(TrainKind.VAE, "tiny").toBuilder().steps(Integer.getInteger("vaeSteps", 150))
                .batch(2).lr(3e-3).warmup(10).data("test").sizes(List.of("64x64")).frames(List.of(1, 9))
                .sampleEvery(0).ckptEvery(1000).emaDecay(0.9).build();
        Trainer t = Trainer.start(c, tmp.resolve("vae"), BOTH).log(LOG);
        t.run();
        vae = tmp.resolve("vae");
        TesseraModel m = TesseraModel.load(vae.resolve("model"));
        Clip clip = BOTH.clip(0, CLIP, 0);
        try (var g = Grad.off()) {
            Tensor x = VideoTensors.toTensor(clip.frames(), clip.width(), clip.height());
            Video rec = VideoTensors.toVideo(m.vae.decode(m.vae.encode(x).mean()), 0, CLIP.frames(), 8);
            vaePsnr = psnr(rec.frames(), clip.frames());
        }
        System.out.printf(Locale.ROOT, "tiny VAE after %d steps: reconstruction PSNR %.1f dB%n", c.steps(), vaePsnr);
    }

    @Test
    void tinyDitOverfitsOneCaptionedClip() throws Exception {
        TrainConfig c = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(Integer.getInteger("ditSteps", 300))
                .batch(4).lr(2e-3).warmup(10).data("test").sizes(List.of("64x64")).frames(List.of(9)).vae(vae.toString())
                .zhFraction(0).dropCaption(0).sampleEvery(0).ckptEvery(1000).emaDecay(0.95).build();
        WorldClips one = new WorldClips(CLIP, 1, RIGHT);
        Trainer t = Trainer.start(c, tmp.resolve("overfit"), one).log(LOG);
        t.run();
        double[] loss = Files.readAllLines(tmp.resolve("overfit/loss.csv")).stream().skip(1)
                .mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
        double first = mean(loss, 0, 10), last = mean(loss, loss.length - 10, loss.length);
        TesseraModel m = TesseraModel.load(tmp.resolve("overfit/model"));
        Video v = sample(m, RIGHT, 0);
        Clip clip = one.clip(0, CLIP, 0);
        double p = psnr(v.frames(), clip.frames());
        System.out.printf(Locale.ROOT, "overfit: loss %.4f -> %.4f (%.1fx), sample PSNR %.1f dB (VAE alone %.1f dB)%n",
                first, last, first / last, p, vaePsnr);
        assertTrue(first / last >= 10, "loss fell only " + first / last + "x");
        assertTrue(p >= 18 && p >= vaePsnr - 6, "sample PSNR " + p + " dB vs VAE " + vaePsnr + " dB");
    }

    @Test
    void captionsLeftAndRightMoveTheBallTheirWay() throws Exception {
        TrainConfig c = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(Integer.getInteger("lrSteps", 300))
                .batch(4).lr(2e-3).warmup(10).data("test").sizes(List.of("64x64")).frames(List.of(9)).vae(vae.toString())
                .dropCaption(0.1).zhFraction(0.5).sampleEvery(0).ckptEvery(1000).emaDecay(0.95).build();
        WorldClips both = new WorldClips(CLIP, 1, RIGHT, LEFT);
        Trainer t = Trainer.start(c, tmp.resolve("leftright"), both).log(LOG);
        t.run();
        TesseraModel m = TesseraModel.load(tmp.resolve("leftright/model"));
        String zhRight = both.clip(0, CLIP, 0).captionZh(), zhLeft = both.clip(1, CLIP, 0).captionZh();
        for (String[] prompt : new String[][] {{RIGHT, "1"}, {LEFT, "-1"}, {zhRight, "1"}, {zhLeft, "-1"}}) {
            for (long seed = 0; seed < 2; seed++) {
                Video v = sample(m, prompt[0], seed);
                double x0 = redX(v.frames().getFirst()), x1 = redX(v.frames().getLast());
                System.out.printf(Locale.ROOT, "'%s' seed %d: red centroid x %.1f -> %.1f%n", prompt[0], seed, x0, x1);
                double moved = (x1 - x0) * Integer.parseInt(prompt[1]);
                assertTrue(moved > 10, "'" + prompt[0] + "' (seed " + seed + "): ball went from x=" + x0 + " to x=" + x1);
            }
        }
    }

    static Video sample(TesseraModel m, String prompt, long seed) {
        var r = new TextToVideo.Request(prompt, null, 8, CLIP.frames() / 8.0, 20, 2.0, seed, Sampler.Solver.HEUN);
        return new TextToVideo(m).generate(r, new VideoShape(CLIP.frames(), CLIP.height(), CLIP.width()), Sampler.Progress.NONE).video();
    }

    static double mean(double[] a, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += a[i];
        return s / (to - from);
    }

    static double psnr(List<Frame> a, List<Frame> b) {
        double se = 0;
        long n = 0;
        for (int i = 0; i < a.size(); i++) {
            int[] x = a.get(i).rgb(), y = b.get(i).rgb();
            for (int k = 0; k < x.length; k++)
                for (int s = 0; s < 24; s += 8) {
                    double d = ((x[k] >> s) & 0xFF) - ((y[k] >> s) & 0xFF);
                    se += d * d;
                    n++;
                }
        }
        return 10 * Math.log10(255.0 * 255.0 / (se / n));
    }

    /** x of the red pixels' centroid (weight: how much red exceeds green and blue), or NaN with no red. */
    static double redX(Frame f) {
        double sx = 0, sw = 0;
        int[] rgb = f.rgb();
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xFF, g = (rgb[i] >> 8) & 0xFF, b = rgb[i] & 0xFF;
            double w = Math.max(0, r - (g + b) / 2.0 - 30);
            sx += w * (i % f.width());
            sw += w;
        }
        return sw > 0 ? sx / sw : Double.NaN;
    }
}
