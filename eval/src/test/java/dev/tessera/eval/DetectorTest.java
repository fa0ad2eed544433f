package dev.tessera.eval;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.eval.Blobs.Blob;
import dev.tessera.media.Video;
import dev.tessera.world.Vocab.Colour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detectors on frames whose geometry the test sets: colour naming, components, shapes, background motion. */
class DetectorTest {
    static final int RED = ColourModel.index("red"), BLUE = ColourModel.index("blue");

    @Test void everyChromaticPaletteColourIsNamedUnderShading() {
        for (Colour c : Colour.values()) {
            for (double k : new double[] {0.7, 0.85, 1.0}) {
                int got = ColourModel.label(Synth.shade(c.rgb, k));
                String name = got < 0 ? "none" : ColourModel.PALETTE[got].id();
                // grey and silver differ only by brightness: shading can swap them, which the docs admit
                if (c == Colour.SILVER || c == Colour.GREY || c == Colour.WHITE) continue;
                assertEquals(c.id(), name, c + " at shading " + k);
            }
        }
    }

    @Test void backdropIsNotAThingAndShapesAreFound() {
        Video v = Synth.video(64, 64, 8, 1, 1, t -> new Synth.Scene(0, 0, 1, List.of(
                new Synth.Shape("ball", Colour.RED.rgb, 20, 30, 7), new Synth.Shape("cube", Colour.BLUE.rgb, 44, 30, 7))));
        Observation o = new Observation(v, java.util.Set.of(RED, BLUE));
        List<Blob> red = o.things(0, RED), blue = o.things(0, BLUE);
        assertEquals(1, red.size());
        assertEquals(1, blue.size());
        assertEquals(20, red.getFirst().cx(), 1.0);
        assertEquals(44, blue.getFirst().cx(), 1.5);
        assertEquals("round", Checks.classify(red.getFirst(), o.luma[0]));
        assertEquals("boxy", Checks.classify(blue.getFirst(), o.luma[0]));
    }

    @Test void coneIsTapered() {
        Video v = Synth.video(64, 64, 8, 1, 2, t -> new Synth.Scene(0, 0, 1, List.of(new Synth.Shape("cone", Colour.YELLOW.rgb, 32, 32, 12))));
        Observation o = new Observation(v, java.util.Set.of(ColourModel.index("yellow")));
        Blob b = o.things(0, ColourModel.index("yellow")).getFirst();
        assertEquals("tapered", Checks.classify(b, o.luma[0]));
    }

    @Test void globalMotionRecoversPanTiltAndZoom() {
        Video pan = Synth.video(80, 64, 8, 2, 3, t -> new Synth.Scene(2.0 * t, -1.0 * t, 1, List.of()));
        Observation o = new Observation(pan, java.util.Set.of());
        assertTrue(o.steps[0].known());
        assertEquals(2.0, o.steps[0].tx(), 0.3);
        assertEquals(-1.0, o.steps[0].ty(), 0.3);
        assertEquals(0.0, o.steps[0].s(), 0.01);
        Video zoom = Synth.video(80, 64, 8, 2, 3, t -> new Synth.Scene(0, 0, 1 + 0.05 * t, List.of()));
        Observation z = new Observation(zoom, java.util.Set.of());
        assertEquals(0.05, z.steps[0].s(), 0.015);
        assertEquals(0.0, z.steps[0].tx(), 0.3);
    }

    @Test void solidityDropsWhenABiteIsTaken() {
        Video whole = Synth.video(64, 64, 8, 1, 4, t -> new Synth.Scene(0, 0, 1, List.of(new Synth.Shape("ball", Colour.BROWN.rgb, 32, 32, 12))));
        Observation o = new Observation(whole, java.util.Set.of());
        Blob b = o.things(0, ColourModel.index("brown")).getFirst();
        double s0 = Checks.solidity(b);
        // cut a bite: repaint a disc at the edge with the background colour of the frame corner
        int[] px = whole.frames().getFirst().rgb().clone();
        for (int y = 0; y < 64; y++) for (int x = 0; x < 64; x++) if (Math.hypot(x - 43, y - 28) < 6) px[y * 64 + x] = 0x606060;
        Video bitten = new Video(64, 64, 8, List.of(new dev.tessera.media.Frame(64, 64, px)));
        Observation ob = new Observation(bitten, java.util.Set.of());
        double s1 = Checks.solidity(ob.things(0, ColourModel.index("brown")).getFirst());
        assertTrue(s0 > 0.93, "whole disc solidity " + s0);
        assertTrue(s1 < s0 - 0.04, "bitten " + s1 + " vs whole " + s0);
    }
}
