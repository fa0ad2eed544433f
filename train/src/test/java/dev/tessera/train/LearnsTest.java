package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.engine.DType;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.VideoTensors;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.TextContext;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that the training loop learns, on world clips, through the whole pipeline (world render → VAE encoder →
 * DiT + text encoder trained by {@link Trainer} → sampler → VAE decoder), small enough for CI:
 * <ul>
 * <li>a tiny VAE trained for 20 steps: its loss falls ≥ 2.5× (the VAE's reconstruction quality is not the subject
 *     here: a 20-step tiny VAE renders the scene's colours, not yet the ball — see docs/train.md);
 * <li>a tiny DiT overfits one captioned world clip: loss falls ≥ 10×, and the decoded sample reproduces the decoded
 *     clip latent (PSNR against the VAE's own reconstruction, which isolates what the DiT learned);
 * <li>two captions, "a large red ball rolls from left to right" and "... from right to left" (and the world's Chinese
 *     captions of the two clips): after 1500 steps each caption's sample, for two seeds, lies on its own clip's side
 *     of the line between the two clips' latents. Measured in the latent of a fixed, untrained VAE encoder
 *     (normalised): the 20-step VAE maps the mirrored clips to latents only 0.008 RMSE apart, too close to separate.
 * </ul>
 * The ball's x measured in decoded frames needs a VAE that renders the ball, which CI-sized VAE training does not
 * reach: {@link LeftRightFramesTest} does it with the shipped model's VAE.
 */
class LearnsTest {
    static final Bucket CLIP = new Bucket(5, 32, 32);
    /** 5 frames at 4 fps: the ball crosses about a third of the frame. */
    static final double FPS = 4;
    static final String RIGHT = "a large red ball rolls from left to right", LEFT = "a large red ball rolls from right to left";
    static final WorldClips BOTH = new WorldClips(CLIP, 1, FPS, RIGHT, LEFT);
    static final PrintStream LOG = ResumeTest.QUIET;
    @TempDir static Path tmp;
    static Path vae;
    static double[] vaeLoss;
    static Path randomVae;

    @BeforeAll
    static void trainVae() throws Exception {
        if (System.getProperty("keep") != null) tmp = Files.createDirectories(Path.of(System.getProperty("keep")));
        TrainConfig c = TrainConfig.defaults(TrainKind.VAE, "tiny").toBuilder().steps(20).batch(2).lr(3e-3).warmup(3)
                .aeWarmup(20).data("test").sizes(List.of("32x32")).frames(List.of(5)).sampleEvery(0).ckptEvery(1000)
                .emaDecay(0).build();
        Trainer.start(c, tmp.resolve("vae"), BOTH).log(LOG).run();
        vae = tmp.resolve("vae");
        vaeLoss = losses(vae);
        // an untrained tiny VAE whose latent is normalised by its measured mean and spread on the two clips: a fixed
        // random causal-conv encoder, which (unlike the 20-step VAE) keeps the two mirrored clips apart (see the test)
        randomVae = tmp.resolve("randomvae");
        TesseraModel r = TesseraModel.create(ModelConfig.preset("tiny"), 3);
        double sum = 0, sq = 0;
        int n = 0;
        for (int i = 0; i < 2; i++)
            for (float v : encode(r, BOTH.clip(i, CLIP, 0)).data()) {
                sum += v;
                sq += v * (double) v;
                n++;
            }
        double mean = sum / n, std = Math.sqrt(sq / n - mean * mean);
        ModelConfig mc = r.config;
        new TesseraModel(new ModelConfig(mc.preset(), mc.vae().withLatentStats(mean, 1 / std), mc.text(), mc.dit(),
                mc.capabilities(), mc.shiftBaseMu(), mc.shiftMaxMu()), r.vae, r.text, r.dit).save(randomVae, DType.F32);
    }

    static double[] losses(Path run) throws Exception {
        return Files.readAllLines(run.resolve("loss.csv")).stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[1])).toArray();
    }

    @Test
    void tinyVaeLossFalls() throws Exception {
        double first = mean(vaeLoss, 0, 3), last = mean(vaeLoss, vaeLoss.length - 3, vaeLoss.length);
        System.out.printf(Locale.ROOT, "tiny VAE, 20 steps: loss %.4f -> %.4f (%.1fx)%n", first, last, first / last);
        assertTrue(first / last >= 2.5, "VAE loss fell only " + first / last + "x");
        TesseraModel.load(vae.resolve("model"));
    }

    @Test
    void tinyDitOverfitsOneCaptionedWorldClip() throws Exception {
        TrainConfig c = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(200).batch(4).lr(2e-3).warmup(10)
                .data("test").sizes(List.of("32x32")).frames(List.of(5)).vae(vae.toString()).zhFraction(0).dropCaption(0)
                .sampleEvery(0).ckptEvery(1000).emaDecay(0.95).build();
        WorldClips one = new WorldClips(CLIP, 1, FPS, RIGHT);
        Trainer.start(c, tmp.resolve("overfit"), one).log(LOG).run();
        double[] loss = losses(tmp.resolve("overfit"));
        double first = mean(loss, 0, 10), last = mean(loss, loss.length - 10, loss.length);
        TesseraModel m = TesseraModel.load(tmp.resolve("overfit/model"));
        Clip clip = one.clip(0, CLIP, 0);
        Tensor z0 = encode(m, clip);
        Tensor z = sample(m, RIGHT, 0);
        double latentErr = rmse(z, z0);
        Video fromSample = decode(m, z), fromClip = decode(m, z0);
        double p = psnr(fromSample.frames(), fromClip.frames()), pOrig = psnr(fromSample.frames(), clip.frames());
        System.out.printf(Locale.ROOT, "overfit: loss %.4f -> %.4f (%.1fx); sample latent RMSE %.3f (latent std 1); decoded sample vs "
                + "decoded clip latent PSNR %.1f dB, vs the original clip %.1f dB%n", first, last, first / last, latentErr, p, pOrig);
        assertTrue(first / last >= 10, "loss fell only " + first / last + "x");
        assertTrue(latentErr < 0.25, "sampled latent is " + latentErr + " RMSE from the clip's");
        assertTrue(p >= 30, "decoded sample vs decoded clip latent: " + p + " dB");
    }

    @Test
    void leftAndRightCaptionsSampleTheirOwnMotion() throws Exception {
        TrainConfig c = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(1500).batch(4).lr(2e-3).warmup(10)
                .data("test").sizes(List.of("32x32")).frames(List.of(5)).vae(randomVae.toString()).dropCaption(0.1)
                .zhFraction(0.5).sampleEvery(0).ckptEvery(100000).emaDecay(0.99).build();
        Trainer.start(c, tmp.resolve("leftright"), BOTH).log(LOG).run();
        TesseraModel m = TesseraModel.load(tmp.resolve("leftright/model"));
        Clip right = BOTH.clip(0, CLIP, 0), left = BOTH.clip(1, CLIP, 0);
        Tensor zRight = encode(m, right), zLeft = encode(m, left);
        System.out.printf(Locale.ROOT, "left/right: the two clips' latents differ by RMSE %.3f%n", rmse(zRight, zLeft));
        for (Object[] p : new Object[][] {{RIGHT, true}, {LEFT, false}, {right.captionZh(), true}, {left.captionZh(), false}}) {
            for (long seed = 0; seed < 2; seed++) {
                double s = side(sample(m, (String) p[0], seed).data(), zRight.data(), zLeft.data());
                System.out.printf(Locale.ROOT, "'%s' seed %d: sample sits at %+.2f between the right-to-left (-0.5) and "
                        + "left-to-right (+0.5) clip%n", p[0], seed, s);
                assertTrue((Boolean) p[1] ? s > 0.15 : s < -0.15, "'" + p[0] + "' seed " + seed + ": sample sits at " + s);
            }
        }
    }

    /**
     * Where x lies along the line from clip b (−0.5) to clip a (+0.5): ⟨x − (a+b)/2, a − b⟩ / |a − b|². Directions in
     * which the two clips agree (the background) do not count, only the one that tells the two motions apart.
     */
    static double side(float[] x, float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            double d = a[i] - b[i];
            num += (x[i] - 0.5 * (a[i] + b[i])) * d;
            den += d * d;
        }
        return num / den;
    }

    /** The normalised latent the DiT was trained on: (mean − shift)·scale of the VAE posterior. */
    static Tensor encode(TesseraModel m, Clip clip) {
        try (var g = Grad.off()) {
            return m.normaliseLatent(m.vae.encode(VideoTensors.toTensor(clip.frames(), clip.width(), clip.height())).mean());
        }
    }

    static Video decode(TesseraModel m, Tensor z) { return decode(m, z, CLIP, FPS); }

    /** Decoded pixels of a normalised latent, cut to the bucket's frame count. */
    static Video decode(TesseraModel m, Tensor z, Bucket bucket, double fps) {
        try (var g = Grad.off()) {
            return VideoTensors.toVideo(m.vae.decode(m.denormaliseLatent(z)), 0, bucket.frames(), fps);
        }
    }

    /** A normalised latent for the prompt (Heun, 20 steps, guidance 2), as the pipeline samples it. */
    static Tensor sample(TesseraModel m, String prompt, long seed) { return sample(m, prompt, seed, CLIP); }

    /** A normalised latent of the bucket's shape for the prompt (Heun, 20 steps, guidance 2). */
    static Tensor sample(TesseraModel m, String prompt, long seed, Bucket bucket) {
        try (var g = Grad.off()) {
            TextContext cond = m.text.encode(prompt), uncond = m.text.encode("");
            var shape = bucket.shape();
            int[] latent = {1, m.config.vae().latentChannels(), shape.latentFrames(), shape.latentHeight(), shape.latentWidth()};
            return Sampler.sample(m.dit, cond, uncond, latent, shape.tokens(m.config.dit().patchT(), m.config.dit().patchS()),
                    m.config.timeShift(), new Sampler.Options(Sampler.Solver.HEUN, 20, 2.0, seed), Sampler.Progress.NONE);
        }
    }

    static double rmse(Tensor a, Tensor b) {
        float[] x = a.data(), y = b.data();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (x[i] - y[i]) * (double) (x[i] - y[i]);
        return Math.sqrt(s / x.length);
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
        return se == 0 ? 99 : 10 * Math.log10(255.0 * 255.0 / (se / n));
    }
}
