package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tessera.eval.Report.PromptResult;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chance level: prompt-blind videos ({@link NullVideos}) scored beside the judged ones, the floor per dimension,
 * the score above it, and the frame hash in the report.
 */
class NullTest {
    static final List<String> LINES = List.of(
            "A red cube glides from left to right. On a lawn during the day.",
            "白天，在草坪上。一个红色的盒子向右滑行。",
            "On a lawn at dusk. Fixed camera. A red sphere rests. A blue block is here. The blue box sits to the right of the red sphere.",
            "The camera pans to the left. There is a red ball. On the grass at sunset.");

    @Test void nullVideosAreDeterministicInTheirSeedAndBehaveAsNamed() {
        for (NullVideos.Family f : NullVideos.ALL) {
            Video a = NullVideos.make(f, 48, 32, 8, 6, 7), b = NullVideos.make(f, 48, 32, 8, 6, 7), c = NullVideos.make(f, 48, 32, 8, 6, 8);
            assertEquals(48, a.width());
            assertEquals(32, a.height());
            assertEquals(6, a.frameCount());
            assertEquals(SimBench.framesHash(a), SimBench.framesHash(b), f.id());
            assertNotEquals(SimBench.framesHash(a), SimBench.framesHash(c), f.id());
        }
        // the still mosaic changes each pixel by at most the jitter; the flickering one redraws whole cells
        Video still = NullVideos.make(NullVideos.Family.STILL_MOSAIC, 64, 64, 8, 4, 1);
        Video flicker = NullVideos.make(NullVideos.Family.FLICKER_MOSAIC, 64, 64, 8, 4, 1);
        assertTrue(maxChannelStep(still) <= 2 * NullVideos.JITTER, "still mosaic step " + maxChannelStep(still));
        assertTrue(maxChannelStep(flicker) > 100, "flicker mosaic step " + maxChannelStep(flicker));
        // a flickering mosaic is constant inside each 4x4 cell (64 / 16) and differs between cells
        Frame f0 = flicker.frames().getFirst();
        assertEquals(f0.rgb()[0], f0.rgb()[3 * 64 + 3]);
        assertNotEquals(f0.rgb()[0], f0.rgb()[4]);
        // the drifting mosaic moves: a frame matches the first one shifted, not unshifted
        Video drift = NullVideos.make(NullVideos.Family.DRIFTING_MOSAIC, 64, 64, 8, 9, 5);
        assertTrue(bestShift(drift.frames().getFirst(), drift.frames().get(8)) > 0, "drifting mosaic did not move");
        // the exposure mosaic is the still mosaic under a drifting gain: its mean brightness moves by 10-40% over the
        // clip for most seeds, while each frame divided by its own mean stays the first frame's pattern
        int drifted = 0;
        for (long seed = 1; seed <= 8; seed++) {
            Video ex = NullVideos.make(NullVideos.Family.EXPOSURE_MOSAIC, 64, 64, 8, 9, seed);
            double m0 = meanGreen(ex.frames().getFirst()), m8 = meanGreen(ex.frames().get(8));
            if (Math.abs(m8 / m0 - 1) > 0.1) drifted++;
            assertTrue(Math.abs(m8 / m0 - 1) < 0.5, "gain " + m8 / m0);
            double err = 0;
            int[] a = ex.frames().getFirst().rgb(), b = ex.frames().get(8).rgb();
            for (int i = 0; i < a.length; i++) err += Math.abs((a[i] >> 8 & 255) / m0 - (b[i] >> 8 & 255) / m8);
            assertTrue(err / a.length < 0.25, "exposure mosaic lost its pattern: " + err / a.length);
        }
        assertTrue(drifted >= 5, "only " + drifted + " of 8 exposure mosaics drift by more than 10%");
        assertThrows(IllegalArgumentException.class, () -> NullVideos.make(NullVideos.Family.PIXEL_NOISE, 0, 8, 8, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> NullVideos.make(NullVideos.Family.PIXEL_NOISE, 8, 8, 0, 4, 1));
    }

    static double meanGreen(Frame f) {
        double s = 0;
        for (int p : f.rgb()) s += p >> 8 & 255;
        return s / f.rgb().length;
    }

    static int maxChannelStep(Video v) {
        int max = 0;
        for (int t = 1; t < v.frameCount(); t++)
            for (int i = 0; i < v.frames().get(t).rgb().length; i++) {
                int a = v.frames().get(t - 1).rgb()[i], b = v.frames().get(t).rgb()[i];
                for (int s = 0; s <= 16; s += 8) max = Math.max(max, Math.abs((a >> s & 255) - (b >> s & 255)));
            }
        return max;
    }

    /** The displacement length (px) of the shift that best maps frame a onto b, searched over ±12 px. */
    static double bestShift(Frame a, Frame b) {
        int w = a.width(), h = a.height(), bx = 0, by = 0;
        double best = Double.MAX_VALUE;
        for (int dy = -12; dy <= 12; dy++)
            for (int dx = -12; dx <= 12; dx++) {
                double err = 0;
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) {
                        int p = a.rgb()[y * w + x], q = b.rgb()[Math.floorMod(y + dy, h) * w + Math.floorMod(x + dx, w)];
                        err += Math.abs((p >> 8 & 255) - (q >> 8 & 255));
                    }
                if (err < best) { best = err; bx = dx; by = dy; }
            }
        return Math.hypot(bx, by);
    }

    @Test void framesHashSeesOnePixel() {
        Video v = NullVideos.make(NullVideos.Family.PIXEL_NOISE, 16, 16, 8, 4, 1);
        List<Frame> frames = new ArrayList<>(v.frames());
        int[] p = frames.get(2).rgb().clone();
        p[17] ^= 1;
        frames.set(2, new Frame(16, 16, p));
        assertNotEquals(SimBench.framesHash(v), SimBench.framesHash(new Video(16, 16, 8, frames)));
        assertEquals(16, SimBench.framesHash(v).length());
    }

    /** A run's floor is the best null family per dimension; above-null is (score - floor) / (ceiling - floor). */
    @Test void floorAndAboveNullByHand() {
        Calibration cal = new Calibration();
        cal.bounds.put(Dimension.SPATIAL, new double[] {0, 0.9});
        Report r = report(Map.of(Dimension.SPATIAL, 0.8, Dimension.MOTION_DIRECTION, 0.3, Dimension.CONSISTENCY, 1.0), cal);
        assertTrue(Double.isNaN(r.overallAboveNull()));
        assertNull(r.aboveNull(Dimension.SPATIAL));
        r.nulls.put("a", report(Map.of(Dimension.SPATIAL, 0.5, Dimension.MOTION_DIRECTION, 0.1, Dimension.CONSISTENCY, 0.97), cal));
        r.nulls.put("b", report(Map.of(Dimension.SPATIAL, 0.2, Dimension.MOTION_DIRECTION, 0.5), cal));
        assertEquals(0.5, r.nullFloor().get(Dimension.SPATIAL), 1e-12);
        assertEquals(0.5, r.nullFloor().get(Dimension.MOTION_DIRECTION), 1e-12);
        assertEquals((0.8 - 0.5) / (0.9 - 0.5), r.aboveNull(Dimension.SPATIAL), 1e-12); // the calibration's ceiling
        assertEquals((0.3 - 0.5) / (1 - 0.5), r.aboveNull(Dimension.MOTION_DIRECTION), 1e-12); // no bounds: ceiling 1
        assertNull(r.aboveNull(Dimension.CONSISTENCY)); // chance within 0.05 of the ceiling: undefined
        // the overall clamps the negative motion direction to 0
        assertEquals((0.75 + 0) / 2, r.overallAboveNull(), 1e-12);
        JsonNode j = r.toJson();
        assertEquals(0.375, j.get("overall_above_null").asDouble(), 1e-4);
        assertEquals(0.5, j.get("null").get("floor").get("spatial").asDouble(), 1e-4);
        assertEquals(0.2, j.get("null").get("families").get("b").get("dimensions").get("spatial").asDouble(), 1e-4);
        assertEquals(0.75, j.get("dimensions").get("spatial").get("above_null").asDouble(), 1e-4);
        assertTrue(j.get("dimensions").get("consistency").get("above_null").isNull());
        assertEquals(-0.4, r.summary().get("above_null").get("motion_direction").asDouble(), 1e-4);
        // pooled over seeds: each family's results of both runs together
        Report s2 = report(Map.of(Dimension.SPATIAL, 0.8, Dimension.MOTION_DIRECTION, 0.3, Dimension.CONSISTENCY, 1.0), cal);
        s2.nulls.put("a", report(Map.of(Dimension.SPATIAL, 0.7), cal));
        s2.nulls.put("b", report(Map.of(Dimension.SPATIAL, 0.4), cal));
        Report pooled = Report.pooled(List.of(1L, 2L), List.of(r, s2), cal);
        assertEquals(0.6, pooled.nullFloor().get(Dimension.SPATIAL), 1e-12); // a: (0.5 + 0.7) / 2
        Report missing = report(Map.of(Dimension.SPATIAL, 0.8), cal);
        missing.nulls.put("b", report(Map.of(Dimension.SPATIAL, 0.4), cal));
        assertThrows(IllegalArgumentException.class, () -> Report.pooled(List.of(1L, 2L), List.of(r, missing), cal));
    }

    /** One prompt whose checks score the given values, one check per dimension. */
    static Report report(Map<Dimension, Double> scores, Calibration cal) {
        List<Check> checks = new ArrayList<>();
        scores.forEach((d, s) -> checks.add(new Check(d, d.id(), s, null)));
        return new Report(List.of(new PromptResult(1, "p", "en", "seen", null, null, null, null, checks, List.of())), cal);
    }

    /**
     * End to end on a few prompts: the world's renders stand above the noise, and a "model"
     * that returns one null family's own videos is at or below the floor on every dimension (the floor is the best
     * family, and that family scores exactly what the model does).
     */
    @Test void theWorldIsAboveChanceAndNoiseIsNot() {
        WorldPrompts prompts = new WorldPrompts();
        Report world = SimBench.run(LINES, prompts, WorldPrompts.truthSource(64, 64, 8, 3, 1), Calibration.load(), null, NullVideos.ALL, 1);
        assertEquals(NullVideos.ALL.size(), world.nulls.size());
        assertEquals(LINES.size(), world.nulls.get("still_mosaic").prompts.size());
        // four prompts are too few for a floor on every dimension (two direction prompts: a random drift gets both
        // right a quarter of the time); the calibration set measures it per dimension (CalibrationTest)
        assertTrue(world.overallAboveNull() >= 0.5, "world overall above chance: " + world.overallAboveNull());
        for (PromptResult p : world.prompts) assertEquals(16, p.frames().length(), "frame hash on line " + p.line());
        Report noise = SimBench.run(LINES, prompts, (line, p, f) -> NullVideos.make(NullVideos.Family.STILL_MOSAIC, 64, 64, 8, 24, 1 * 1_000_003L + line),
                Calibration.load(), null, NullVideos.ALL, 1);
        for (Dimension d : noise.dimensions.keySet()) {
            Double a = noise.aboveNull(d);
            assertTrue(a == null || a <= 1e-9, d.id() + " above chance for noise: " + a);
        }
        assertEquals(0, noise.overallAboveNull(), 1e-12);
        assertEquals(noise.nulls.get("still_mosaic").overall, noise.overall, 1e-12);
        // without families nothing extra is scored
        assertTrue(SimBench.run(LINES.subList(0, 1), prompts, WorldPrompts.truthSource(64, 64, 8, 3, 1), Calibration.load(), null).nulls.isEmpty());
    }
}
