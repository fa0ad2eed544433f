package dev.tessera.world;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * The event log's {@code start} is when the cause happens and the effect begins: no frame before it may show the
 * subject changed (per-frame truth positions, boxes and own pixel coverage, and on a still scene every pixel), and the
 * change must show within two frames after it (the log is not early either).
 */
class EventOnsetTest {
    static final double FPS = 24, SECONDS = 3;

    record Run(Truth truth, WorldTest.Clip clip, Truth.EventLog event) {}

    static Run run(String prompt, String kind) {
        WorldTest.Clip c = WorldTest.render(SceneParser.parse(prompt, 1), 64, 48, FPS, SECONDS, 1);
        Truth.EventLog e = c.truth().events.getFirst();
        assertEquals(kind, e.kind());
        assertNotNull(e.end(), kind + " did not finish in " + SECONDS + " s");
        return new Run(c.truth(), c, e);
    }

    /** Time of the first frame for which changed(frame 0, frame k) holds, or +inf. */
    static double firstChange(Run r, BiPredicate<Integer, Integer> changed) {
        for (int k = 1; k < r.truth().frames.size(); k++) if (changed.test(0, k)) return r.truth().frames.get(k).t();
        return Double.POSITIVE_INFINITY;
    }

    static boolean subjectMoved(Truth t, String id, int a, int b) {
        Truth.ObjectState x = t.state(a, id), y = t.state(b, id);
        return !Arrays.equals(x.position(), y.position()) || !Arrays.equals(x.bbox(), y.bbox())
                || x.unoccludedPixels() != y.unoccludedPixels() || !x.state().equals(y.state());
    }

    static void assertOnset(Run r, double change, String what) {
        double start = r.event().start();
        assertTrue(change >= start - 1e-9, r.event().kind() + ": " + what + " changes at " + change + " s, before the logged start " + start);
        assertTrue(change <= start + 2 / FPS + 1e-9, r.event().kind() + ": " + what + " changes only at " + change + " s, long after the logged start " + start);
    }

    @Test void stillScenesShowNothingBeforeTheLoggedStartAndTheEffectRightAfter() {
        List<String[]> cases = List.of(
                new String[] {"the brown cookie gets bitten. on a studio floor", "bite"},
                new String[] {"the silver lamp switches on. on a studio floor", "lamp_on"},
                new String[] {"the white glass falls and shatters. on a studio floor", "shatter"},
                new String[] {"a blue paint stroke is painted on the wall. on a studio floor", "paint"},
                new String[] {"the black dominoes fall one after another. on a studio floor", "domino_chain"});
        for (String[] c : cases) {
            Run r = run(c[0], c[1]);
            List<dev.tessera.media.Frame> f = r.clip().frames();
            assertOnset(r, firstChange(r, (a, b) -> !Arrays.equals(f.get(a).rgb(), f.get(b).rgb())), "the picture");
            assertOnset(r, firstChange(r, (a, b) -> subjectMoved(r.truth(), r.event().subject(), a, b)), "the subject's truth");
        }
    }

    @Test void knockStartsAtTheBallsContactWithTheTower() {
        for (String[] c : new String[][] {{"the red ball knocks over the blue block tower. on a studio floor", "knock"},
                {"the red ball pushes the black dominoes. on a studio floor", "domino_chain"},
                {"a small green ball pushes over the dominoes. on a grass field", "domino_chain"}})
            contactOnset(run(c[0], c[1]));
    }

    static void contactOnset(Run r) {
        // the thrown ball moves before it reaches the tower, so only the tower's own truth (position, id-buffer box and
        // coverage) is compared; it must not settle or creep before the contact
        assertOnset(r, firstChange(r, (a, b) -> subjectMoved(r.truth(), r.event().subject(), a, b)), "the tower");
        String ball = r.event().agent();
        double thrown = firstChange(r, (a, b) -> subjectMoved(r.truth(), ball, a, b));
        assertTrue(thrown < r.event().start(), "the ball is thrown before it hits: " + thrown + " vs " + r.event().start());
    }

    @Test void popStartsWhenTheBalloonLosesItsShape() {
        // the balloon bobs on its string all along; its burst is the drop of its own coverage to shreds
        Run r = run("the red balloon pops. on a studio floor", "pop");
        double p0 = r.truth().state(0, r.event().subject()).unoccludedPixels();
        assertOnset(r, firstChange(r, (a, b) -> r.truth().state(b, r.event().subject()).unoccludedPixels() < 0.5 * p0), "the balloon's coverage");
    }

    @Test void footprintsAppearFromTheLoggedStart() {
        // the walker moves all along: the prints are what differs from the same walk without the event
        Run r = run("a man walks from left to right and leaves footprints in the snow. in a snowy meadow", "footprints");
        WorldTest.Clip plain = WorldTest.render(SceneParser.parse("a man walks from left to right. in a snowy meadow", 1), 64, 48, FPS, SECONDS, 1);
        double first = Double.POSITIVE_INFINITY;
        for (int k = 0; k < plain.frames().size(); k++)
            if (!Arrays.equals(plain.frames().get(k).rgb(), r.clip().frames().get(k).rgb())) { first = r.truth().frames.get(k).t(); break; }
        assertTrue(first >= r.event().start() - 1e-9, "prints drawn at " + first + " s, before the logged start " + r.event().start());
        assertTrue(first <= r.event().end() + 1e-9, "prints drawn only at " + first + " s, after the logged end " + r.event().end());
    }

    @Test void dominoChainCompletesInShortClips() {
        for (String p : new String[] {"the black dominoes fall one after another. on a studio floor", "the red ball pushes the dominoes. on a studio floor"})
        for (double secs : new double[] {2, 3}) {
            SceneSpec s = SceneParser.parse(p, 5);
            Truth t = WorldTest.render(s, 48, 32, 12, secs, 5).truth();
            Truth.EventLog e = t.events.getFirst();
            assertNotNull(e.end(), "chain unfinished in " + secs + " s");
            assertEquals(8, e.changes().size());
            assertEquals("fallen", t.state(t.frames.size() - 1, e.subject()).state());
            // the row's centroid dropped: the dominoes lie on the ground in the last frame
            assertTrue(t.state(t.frames.size() - 1, e.subject()).position()[1] < 0.6 * t.state(0, e.subject()).position()[1]);
        }
    }

    @Test void clipsTooShortForTheirEventsAreRefusedNamingTheMinimum() {
        SceneSpec s = SceneParser.parse("First the black dominoes fall one after another. Then the red ball knocks over the blue block tower. On a studio floor.", 4);
        double min = World.minSeconds(s);
        assertTrue(min > 3 && min <= 4, "minimum " + min);
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, () -> WorldTest.render(s, 32, 24, 8, 3, 4));
        assertTrue(x.getMessage().contains("at least " + new java.math.BigDecimal(Double.toString(min)).stripTrailingZeros().toPlainString() + " s"), x.getMessage());
        assertFalse(x.getMessage().contains("\n"));
        Truth t = WorldTest.render(s, 32, 24, 8, min, 4).truth();
        for (Truth.EventLog e : t.events) assertNotNull(e.end(), e.kind() + " unfinished at the minimum length " + min);
        assertThrows(IllegalArgumentException.class, () -> WorldTest.render(SceneParser.parse("the red balloon pops", 1), 32, 24, 8, 0.2, 1));
    }
}
