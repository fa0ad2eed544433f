package dev.tessera.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.data.Bucket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5's left/right proof measured where a person would look: in the decoded frames. Two world clips, "a large
 * red ball rolls to the right" and "... to the left" (64×64, 9 frames at 4 fps, English and Chinese
 * captions), the frozen VAE of the shipped default model (trained on world clips, so it renders the ball and its
 * motion; CI-sized VAE training does not, see docs/train.md), a tiny DiT + text encoder trained on the two clips'
 * latents; then for each caption and two seeds: sample, decode, and follow the red ball's centroid across the frames.
 * The fitted x-velocity must have the caption's sign and at least a third of the real clip's.
 */
class LeftRightFramesTest {
    static final Bucket CLIP = new Bucket(9, 64, 64);
    static final double FPS = 4;
    /**
     * The pair, "… moves right" vs "… left": captions that differ in the direction word (the world parses
     * "to the right"/"向右" as left-to-right motion). Captions that differ only in word order ("from left to right" /
     * "from right to left") were not learned reliably by the tiny text encoder (32 wide, one layer) in 3000–6000
     * steps: it gave both the same direction.
     */
    static final String RIGHT = "a large red ball rolls to the right", LEFT = "a large red ball rolls to the left";
    static final String RIGHT_ZH = "一个大红球向右滚动", LEFT_ZH = "一个大红球向左滚动";
    static final WorldClips WORLD = new WorldClips(CLIP, 1, FPS, RIGHT, LEFT);
    static final ClipSource BOTH = new ClipSource() {
        @Override public Clip clip(long index, Bucket b, double u) {
            Clip c = WORLD.clip(index, b, u);
            return new Clip(c.frames(), c.width(), c.height(), c.caption(false), Math.floorMod(index, 2) == 0 ? RIGHT_ZH : LEFT_ZH);
        }

        @Override public boolean fits(Bucket b) { return WORLD.fits(b); }

        @Override public Object key(long index, Bucket b, double u) { return WORLD.key(index, b, u); }

        @Override public String describe() { return "two world clips, right and left"; }
    };
    /** The shipped model's VAE (the test runs in the module folder; -Dtessera.testVae overrides it). */
    static final Path VAE = Path.of(System.getProperty("tessera.testVae", "../models/default"));
    @TempDir Path tmp;

    @Test
    void leftAndRightCaptionsMoveTheDecodedBallTheirWay() throws Exception {
        Assumptions.assumeTrue(Files.exists(VAE.resolve("model.json")) || Files.exists(VAE.resolve("model/model.json")),
                "no VAE at " + VAE.toAbsolutePath());
        TrainConfig c = TrainConfig.defaults(TrainKind.DIT, "tiny").toBuilder().steps(Integer.getInteger("lrSteps", 3000))
                .batch(4).lr(Double.parseDouble(System.getProperty("lrLr", "2e-3"))).warmup(10).data("test").sizes(List.of("64x64")).frames(List.of(9)).vae(VAE.toString())
                .dropCaption(0.1).zhFraction(0.5).sampleEvery(0).ckptEvery(100000).emaDecay(0.99).build();
        Trainer.start(c, tmp.resolve("run"), BOTH).log(ResumeTest.QUIET).run();
        TesseraModel m = TesseraModel.load(tmp.resolve("run/model"));
        Clip right = BOTH.clip(0, CLIP, 0), left = BOTH.clip(1, CLIP, 0);
        double vRight = velocity(right.frames()), vLeft = velocity(left.frames());
        double rRight = velocity(decode(m, encode(m, right)).frames()), rLeft = velocity(decode(m, encode(m, left)).frames());
        System.out.printf(Locale.ROOT, "ball x-velocity (frame widths per frame): clips %+.3f / %+.3f, VAE reconstructions "
                + "%+.3f / %+.3f%n", vRight, vLeft, rRight, rLeft);
        assertTrue(rRight > vRight / 3 && rLeft < vLeft / 3, "the VAE does not render the motion: " + rRight + " / " + rLeft);
        for (Object[] p : new Object[][] {{RIGHT, true}, {LEFT, false}, {RIGHT_ZH, true}, {LEFT_ZH, false}}) {
            for (long seed = 0; seed < 2; seed++) {
                Tensor z = sample(m, (String) p[0], seed);
                double v = velocity(decode(m, z).frames());
                System.out.printf(Locale.ROOT, "'%s' seed %d: decoded ball x-velocity %+.3f (latent side %+.2f, redness %s)%n", p[0], seed, v,
                        LearnsTest.side(z.data(), encode(m, right).data(), encode(m, left).data()), redness(decode(m, z).frames()));
                boolean toRight = (Boolean) p[1];
                assertTrue(toRight ? v > vRight / 3 : v < vLeft / 3, "'" + p[0] + "' seed " + seed + ": the decoded ball moves "
                        + String.format(Locale.ROOT, "%+.3f", v) + " frame widths per frame");
            }
        }
    }

    /**
     * Least-squares slope of the red centroid's x (in frame widths) over the frames where red is seen; 0 when fewer
     * than three frames show it. Red = how far R exceeds max(G, B) beyond 40 levels, used as the weight.
     */
    static double velocity(List<Frame> frames) {
        double st = 0, sx = 0, stt = 0, stx = 0;
        int n = 0;
        for (int t = 0; t < frames.size(); t++) {
            Frame f = frames.get(t);
            int[] rgb = f.rgb();
            double wx = 0, w = 0;
            for (int k = 0; k < rgb.length; k++) {
                int r = (rgb[k] >> 16) & 255, g = (rgb[k] >> 8) & 255, b = rgb[k] & 255;
                double red = Math.max(0, r - Math.max(g, b) - 40);
                wx += red * (k % f.width());
                w += red;
            }
            if (w < 255) continue;
            double x = wx / w / (f.width() - 1);
            st += t;
            sx += x;
            stt += t * (double) t;
            stx += t * x;
            n++;
        }
        if (n < 3) return 0;
        return (n * stx - st * sx) / (n * stt - st * st);
    }

    static String redness(List<Frame> frames) {
        StringBuilder sb = new StringBuilder();
        for (Frame f : frames) {
            double w = 0;
            for (int px : f.rgb()) w += Math.max(0, ((px >> 16) & 255) - Math.max((px >> 8) & 255, px & 255) - 40);
            sb.append(String.format(Locale.ROOT, "%.0f ", w));
        }
        return sb.toString();
    }

    static Tensor encode(TesseraModel m, Clip clip) { return LearnsTest.encode(m, clip); }

    static Video decode(TesseraModel m, Tensor z) { return LearnsTest.decode(m, z, CLIP, FPS); }

    static Tensor sample(TesseraModel m, String prompt, long seed) { return LearnsTest.sample(m, prompt, seed, CLIP); }
}
