package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Video;
import dev.tessera.world.Vocab.Colour;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each dimension on painted clips whose truth the test sets, and the same clips attacked (mirrored, reversed,
 * frozen, still): the honest clip scores high, the attack low, on the dimension it attacks.
 */
class ChecksTest {
    static Map<Dimension, Double> scores(Facts f, Video v) {
        Map<Dimension, double[]> acc = new EnumMap<>(Dimension.class);
        for (Check c : SimBench.judge(f, v)) { double[] a = acc.computeIfAbsent(c.dimension(), d -> new double[2]); a[0] += c.score(); a[1]++; }
        Map<Dimension, Double> out = new EnumMap<>(Dimension.class);
        acc.forEach((d, a) -> out.put(d, a[0] / a[1]));
        return out;
    }

    static final Facts.Obj BALL = Synth.obj("red", "ball"), CUBE = Synth.obj("blue", "cube");

    /** A red ball rolling left to right past a still blue cube (placed right of the ball's start), camera panning left. */
    static Video rolling() {
        return Synth.video(80, 64, 12, 36, 7, t -> new Synth.Scene(0.8 * t, 0, 1, List.of(
                new Synth.Shape("ball", Colour.RED.rgb, 14 + 1.2 * t + 0.8 * t, 40, 6),
                new Synth.Shape("cube", Colour.BLUE.rgb, 62 + 0.8 * t * 0.2, 22, 6))));
    }

    @Test void leftRightAndDirectionAndPanAreJudgedAndAMirrorFailsThem() {
        Facts f = Synth.facts(List.of(BALL, CUBE), List.of(new Facts.Motion("red ball", "roll", "left_to_right")),
                List.of(), List.of(), "pan_left");
        Map<Dimension, Double> s = scores(f, rolling());
        assertTrue(s.get(Dimension.MOTION_DIRECTION) >= 0.95, "direction " + s);
        assertTrue(s.get(Dimension.CAMERA) >= 0.95, "camera " + s);
        assertTrue(s.get(Dimension.PRESENCE) >= 0.95, "presence " + s);
        assertTrue(s.get(Dimension.ATTRIBUTES) >= 0.95, "attributes " + s);
        Map<Dimension, Double> m = scores(f, Perturb.mirror(rolling()));
        assertTrue(m.get(Dimension.MOTION_DIRECTION) <= 0.2, "mirrored direction " + m);
        assertTrue(m.get(Dimension.CAMERA) <= 0.2, "mirrored camera " + m);
    }

    /**
     * A colour scattered in many thing-sized pieces (what a random mosaic shows) is a texture, not the stated thing;
     * the stated number of pieces, or two more, is the thing.
     */
    @Test void aColourScatteredOverTheFrameIsNotAThing() {
        Facts one = Synth.facts(List.of(BALL), List.of(), List.of(), List.of(), null);
        java.util.function.IntFunction<Video> balls = k -> Synth.video(96, 64, 12, 12, 8, t -> {
            List<Synth.Shape> shapes = new ArrayList<>();
            for (int i = 0; i < k; i++) shapes.add(new Synth.Shape("ball", Colour.RED.rgb, 12 + 24 * (i % 4), 16 + 30 * (i / 4), 5));
            return new Synth.Scene(0, 0, 1, shapes);
        });
        assertTrue(scores(one, balls.apply(1)).get(Dimension.PRESENCE) >= 0.95, "one ball");
        assertTrue(scores(one, balls.apply(3)).get(Dimension.PRESENCE) >= 0.95, "one ball and two more pieces of its colour");
        assertTrue(scores(one, balls.apply(6)).get(Dimension.PRESENCE) <= 0.05, "six red pieces: a texture");
        Facts three = Synth.facts(List.of(new Facts.Obj("red balls", "ball", 3, "red", null, List.of())), List.of(), List.of(), List.of(), null);
        assertTrue(scores(three, balls.apply(3)).get(Dimension.PRESENCE) >= 0.95, "three balls");
        // the whole judgement on random mosaics: the stated colour is usually somewhere, in pieces (a rare colour
        // can fall in three cells or fewer of one mosaic, so the mean over ten)
        double sum = 0;
        for (int seed = 1; seed <= 10; seed++)
            sum += scores(one, NullVideos.make(NullVideos.Family.STILL_MOSAIC, 128, 128, 8, 16, seed)).get(Dimension.PRESENCE);
        System.out.println("presence on ten random mosaics, mean " + sum / 10);
        assertTrue(sum / 10 <= 0.3, "random mosaics: mean presence " + sum / 10);
    }

    @Test void largeFastVideosAreJudgedAtWorkingSize() {
        // the rolling clip at 3x the size and twice the frame rate: shrunk and subsampled, it reads the same
        Video v = rolling();
        List<dev.tessera.media.Frame> big = new ArrayList<>();
        for (dev.tessera.media.Frame f : v.frames()) {
            int[] p = new int[f.width() * 3 * f.height() * 3];
            for (int y = 0; y < f.height() * 3; y++) for (int x = 0; x < f.width() * 3; x++) p[y * f.width() * 3 + x] = f.rgb()[(y / 3) * f.width() + x / 3];
            dev.tessera.media.Frame g = new dev.tessera.media.Frame(f.width() * 3, f.height() * 3, p);
            big.add(g); big.add(g);
        }
        Video large = new Video(v.width() * 3, v.height() * 3, 24, big);
        Video prepared = SimBench.prepare(large);
        assertTrue(Math.max(prepared.width(), prepared.height()) <= SimBench.MAX_SIDE && prepared.fps() <= SimBench.MAX_FPS);
        Facts f = Synth.facts(List.of(BALL, CUBE), List.of(new Facts.Motion("red ball", "roll", "left_to_right")), List.of(), List.of(), "pan_left");
        Map<Dimension, Double> s = scores(f, large);
        assertTrue(s.get(Dimension.MOTION_DIRECTION) >= 0.95 && s.get(Dimension.CAMERA) >= 0.95, s.toString());
    }

    @Test void spatialLeftOfAndMirror() {
        Facts f = Synth.facts(List.of(BALL, CUBE), List.of(), List.of(new Facts.Relation("red ball", "left_of", "blue cube")), List.of(), null);
        Video v = Synth.video(64, 64, 12, 12, 8, t -> new Synth.Scene(0, 0, 1, List.of(
                new Synth.Shape("ball", Colour.RED.rgb, 18 + 0.3 * t, 36, 6), new Synth.Shape("cube", Colour.BLUE.rgb, 44, 36, 6))));
        assertTrue(scores(f, v).get(Dimension.SPATIAL) >= 0.95);
        assertTrue(scores(f, Perturb.mirror(v)).get(Dimension.SPATIAL) <= 0.2);
        // swapped colours (blue ball, red cube) break attribute binding
        Video swapped = Synth.video(64, 64, 12, 12, 8, t -> new Synth.Scene(0, 0, 1, List.of(
                new Synth.Shape("ball", Colour.BLUE.rgb, 18, 36, 6), new Synth.Shape("cube", Colour.RED.rgb, 44, 36, 6))));
        assertTrue(scores(f, swapped).get(Dimension.ATTRIBUTES) <= 0.2);
    }

    /** A ball dropped from height bouncing with restitution 0.7, 12 fps. */
    static Video bouncing() { return bouncing(180); }

    /** The same bounce under gravity {@code g} px/s^2 (the ball is 11 px tall: 180 px/s^2 is ~16 sizes/s^2). */
    static Video bouncing(double g) {
        double e = 0.7;
        List<Double> ys = new ArrayList<>();
        double y = 10, v = 0, ground = 54, dt = 1 / 12.0;
        for (int i = 0; i < 48; i++) {
            ys.add(y);
            for (int k = 0; k < 20; k++) {
                v += g * dt / 20; y += v * dt / 20;
                if (y > ground) { y = ground - (y - ground); v = -e * v; }
            }
        }
        return Synth.video(64, 64, 12, 48, 9, t -> new Synth.Scene(0, 0, 1, List.of(new Synth.Shape("ball", Colour.RED.rgb, 32, ys.get(t) - 5, 5))));
    }

    @Test void bouncePhysicsAndReversal() {
        Facts f = Synth.facts(List.of(BALL), List.of(new Facts.Motion("red ball", "bounce", null)), List.of(), List.of(), null);
        Map<Dimension, Double> s = scores(f, bouncing());
        assertTrue(s.get(Dimension.PHYSICS) >= 0.95, "physics " + s);
        assertTrue(s.get(Dimension.MOTION_DIRECTION) >= 0.95, "bounce path " + s);
        Map<Dimension, Double> r = scores(f, Perturb.reverse(bouncing()));
        List<Check> checks = SimBench.judge(f, Perturb.reverse(bouncing()));
        double gravity = checks.stream().filter(c -> c.name().endsWith("gravity")).findFirst().orElseThrow().score();
        assertTrue(gravity <= 0.2, "reversed bounce gravity check " + gravity + " " + r);
    }

    @Test void gravityMustHaveAPlausibleValueNotOnlyASign() {
        Facts f = Synth.facts(List.of(BALL), List.of(new Facts.Motion("red ball", "bounce", null)), List.of(), List.of(), null);
        Check ok = SimBench.judge(f, bouncing()).stream().filter(c -> c.name().endsWith("gravity")).findFirst().orElseThrow();
        assertTrue(ok.score() >= 0.95, ok.toString());
        // a slow-motion bounce: a clean parabola with decaying apexes, but ~2 sizes/s^2 (a moon-like float)
        Check slow = SimBench.judge(f, bouncing(24)).stream().filter(c -> c.name().endsWith("gravity")).findFirst().orElseThrow();
        assertTrue(slow.score() <= 0.2, slow.toString());
        @SuppressWarnings("unchecked") List<Double> rel = (List<Double>) slow.evidence().get("g_sizes_per_s2");
        assertFalse(rel.isEmpty());
        assertTrue(rel.getFirst() > 0 && rel.getFirst() < Checks.G_MIN, "fitted " + rel);
    }

    static final Facts FRONT = Synth.facts(List.of(BALL, Synth.obj("blue", "cube")), List.of(), List.of(), List.of(), null);

    /** Per frame a big blue cube and a small red ball at (bx(t), by(t)) drawn over it. */
    static Video ballOverCube(java.util.function.IntToDoubleFunction bx, java.util.function.IntToDoubleFunction by) {
        return Synth.video(64, 64, 12, 24, 4, t -> new Synth.Scene(0, 0, 1, List.of(
                new Synth.Shape("cube", Colour.BLUE.rgb, 40, 34, 12), new Synth.Shape("ball", Colour.RED.rgb, bx.applyAsDouble(t), by.applyAsDouble(t), 4))));
    }

    static Check penetration(Video v) {
        return SimBench.judge(FRONT, v).stream().filter(c -> c.name().endsWith("no interpenetration")).findFirst().orElseThrow();
    }

    @Test void aNearerThingMayCoverAFartherOneButNotSitInsideIt() {
        // the ball stands nearer (its ground contact 5 px lower than the cube's) and covers the cube's lower corner
        Check front = penetration(ballOverCube(t -> 34, t -> 46));
        assertTrue(front.score() >= 0.95, front.toString());
        // side by side, apart
        Check apart = penetration(ballOverCube(t -> 12, t -> 42));
        assertTrue(apart.score() >= 0.95, apart.toString());
        // the ball's pixels inside the cube's silhouette while its ground contact says it is farther: inside it
        Check inside = penetration(ballOverCube(t -> 40, t -> 34));
        assertTrue(inside.score() <= 0.2, inside.toString());
        // the ball rolls from beside the cube into its middle and stays there
        Check rollsIn = penetration(ballOverCube(t -> Math.min(40, 12 + 4 * t), t -> 36));
        assertTrue(rollsIn.score() <= 0.2, rollsIn.toString());
    }

    @Test void pastingOneThingIntoAnotherFailsInterpenetration() {
        Video v = ballOverCube(t -> 12, t -> 42);
        Observation o = new Observation(v, Checks.maskColours(FRONT), Checks.anchorColours(FRONT));
        List<Checks.Subject> ss = Checks.subjects(FRONT, o);
        Observation.Track ball = Checks.subject(ss, "red ball").track(), cube = Checks.subject(ss, "blue cube").track();
        assertTrue(penetration(Perturb.moveInto(v, ball, cube, false)).score() <= 0.2, "pasted copy");
        assertTrue(penetration(Perturb.moveInto(v, ball, cube, true)).score() <= 0.2, "moved");
    }

    @Test void stillVideoFailsMotionAmount() {
        Facts f = Synth.facts(List.of(BALL), List.of(new Facts.Motion("red ball", "bounce", null)), List.of(), List.of(), null);
        assertTrue(scores(f, bouncing()).get(Dimension.MOTION_AMOUNT) >= 0.95);
        assertTrue(scores(f, Perturb.still(bouncing())).get(Dimension.MOTION_AMOUNT) <= 0.2);
    }

    @Test void popEffectMustAppearAndStay() {
        Facts f = Synth.facts(List.of(Synth.obj("red", "balloon")), List.of(), List.of(), List.of(new Facts.Event(1, "pop", "red balloon", null)), null);
        Video v = Synth.video(64, 64, 12, 24, 10, t -> new Synth.Scene(0, 0, 1,
                t < 12 ? List.of(new Synth.Shape("ball", Colour.RED.rgb, 32, 30, 8)) : List.of()));
        assertTrue(scores(f, v).get(Dimension.CAUSE_EFFECT) >= 0.95);
        assertTrue(scores(f, Perturb.reverse(v)).get(Dimension.CAUSE_EFFECT) <= 0.2);
        assertTrue(scores(f, Perturb.freezeFrom(v, 11)).get(Dimension.CAUSE_EFFECT) <= 0.2);
    }

    @Test void eventOrderFollowsOnsets() {
        Facts f = Synth.facts(List.of(Synth.obj("red", "balloon"), Synth.obj("blue", "balloon")), List.of(), List.of(),
                List.of(new Facts.Event(1, "pop", "red balloon", null), new Facts.Event(2, "pop", "blue balloon", null)), null);
        Video v = Synth.video(64, 64, 12, 30, 11, t -> {
            List<Synth.Shape> s = new ArrayList<>();
            if (t < 10) s.add(new Synth.Shape("ball", Colour.RED.rgb, 20, 30, 7));
            if (t < 20) s.add(new Synth.Shape("ball", Colour.BLUE.rgb, 44, 30, 7));
            return new Synth.Scene(0, 0, 1, s);
        });
        assertEquals(1.0, scores(f, v).get(Dimension.EVENT_ORDER), 1e-9);
        Facts swapped = Synth.facts(f.objects(), List.of(), List.of(),
                List.of(new Facts.Event(1, "pop", "blue balloon", null), new Facts.Event(2, "pop", "red balloon", null)), null);
        assertEquals(0.0, scores(swapped, v).get(Dimension.EVENT_ORDER), 1e-9);
    }

    /** A 64×64 clip of 24 frames: a fixed grey texture whose luma at (x, y, t) is {@code base + change(x, y, t)}. */
    static Video lumaClip(long seed, LumaChange change) {
        double[] tex = uniform(64 * 64, seed);
        List<dev.tessera.media.Frame> frames = new ArrayList<>();
        for (int t = 0; t < 24; t++) {
            int[] p = new int[64 * 64];
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++) {
                    double l = 0.45 + 0.08 * tex[y * 64 + x] + change.at(x, y, t);
                    int g = (int) Math.round(255 * Math.max(0, Math.min(1, l)));
                    p[y * 64 + x] = g << 16 | g << 8 | g;
                }
            frames.add(new dev.tessera.media.Frame(64, 64, p));
        }
        return new Video(64, 64, 8, frames);
    }

    interface LumaChange { double at(int x, int y, int t); }

    /** n values uniform in [-1, 1). */
    static double[] uniform(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = 2 * r.nextDouble() - 1;
        return out;
    }

    static double causeEffect(String event, Video v) {
        Facts f = Synth.facts(List.of(Synth.obj("silver", "lamp")), List.of(), List.of(), List.of(new Facts.Event(1, event, "silver lamp", null)), null);
        return scores(f, v).get(Dimension.CAUSE_EFFECT);
    }

    @Test void aLampLightsARegionNotTheWholeExposure() {
        // a lamp comes on at frame 10: a patch brightens strongly, the room a little
        Video lit = lumaClip(1, (x, y, t) -> t < 10 ? 0 : 0.02 + (Math.hypot(x - 20, y - 20) < 10 ? 0.4 : 0));
        assertEquals(1.0, causeEffect("lamp_on", lit), 1e-9);
        // the exposure drifts up by 0.1 over the clip: the mean luma rises as much as a lamp's, nowhere strongly
        assertEquals(0.0, causeEffect("lamp_on", lumaClip(1, (x, y, t) -> 0.1 * t / 23.0)), 1e-9);
        // flickering texture whose level climbs after frame 10: as many pixels darken strongly as brighten
        double[] flick = uniform(64 * 64 * 24, 7);
        assertEquals(0.0, causeEffect("lamp_on", lumaClip(1, (x, y, t) -> (t < 10 ? 0 : 0.05) + 0.35 * flick[(t * 64 + y) * 64 + x])), 1e-9);
        // the exposure jumps after frame 10 (SimBench's exposure-mosaic null): the bright side of a contrasty frame
        // brightens strongly, the rest by half as much
        double[] tex = uniform(64 * 64, 9);
        assertEquals(0.0, causeEffect("lamp_on", lumaClip(1, (x, y, t) -> {
            double l = 0.5 + 0.4 * tex[y * 64 + x];
            return (t < 10 ? 0 : 0.45 * l) + 0.4 * tex[y * 64 + x];
        })), 1e-9);
    }

    @Test void footprintsAreMarksOnASteadyGroundNotADarkeningFrame() {
        // marks appear one by one along the lower half and stay
        Video prints = lumaClip(2, (x, y, t) -> y >= 44 && y < 50 && x % 8 < 4 && x < 6 + 2.5 * t ? -0.2 : 0);
        assertTrue(causeEffect("footprints", prints) >= 0.95);
        // the whole frame darkens over the clip
        assertEquals(0.0, causeEffect("footprints", lumaClip(2, (x, y, t) -> -0.12 * t / 23.0)), 1e-9);
        // texture that flickers: pixels darken and brighten alike
        double[] flick = uniform(64 * 64 * 24, 8);
        assertEquals(0.0, causeEffect("footprints", lumaClip(2, (x, y, t) -> 0.3 * flick[(t * 64 + y) * 64 + x])), 1e-9);
    }
}
