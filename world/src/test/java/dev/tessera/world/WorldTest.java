package dev.tessera.world;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.Vocab.CameraMove;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorldTest {
    record Clip(Truth truth, List<Frame> frames) {}

    static Clip render(SceneSpec spec, int w, int h, double fps, double secs, long seed) {
        Video.Collector c = new Video.Collector(w, h, fps);
        Truth t = World.render(spec, new RenderOptions(w, h, fps, secs, seed, 2), c);
        return new Clip(t, c.video().frames());
    }

    static SceneSpec withCamera(SceneSpec s, CameraMove m) {
        return new SceneSpec(s.setting(), s.time(), s.things(), s.relations(), s.events(), m, s.trackId(), s.particles(), s.style());
    }

    /** Projects a world point with the truth camera (OpenCV R, t, fx, cx): {u, v}. */
    static double[] project(Truth.CameraInfo c, double x, double y, double z) {
        double[] R = c.r(), t = c.t();
        double X = R[0] * x + R[1] * y + R[2] * z + t[0], Y = R[3] * x + R[4] * y + R[5] * z + t[1], Z = R[6] * x + R[7] * y + R[8] * z + t[2];
        return new double[] {c.fx() * X / Z + c.cx(), c.fy() * Y / Z + c.cy()};
    }

    @Test void leftOfHoldsInEveryFrameForEveryCameraPreset() {
        for (String prompt : List.of("a red ball is to the left of a blue cube on a studio floor", "蓝色的立方体在红色的球的右边。在草地上。",
                "a green cone is to the right of a yellow cylinder on a table")) {
            SceneSpec base = SceneParser.parse(prompt, 3);
            var rel = base.facts().relations().getFirst();
            assertEquals("left_of", rel.relation());
            for (CameraMove m : CameraMove.values()) {
                Clip clip = render(withCamera(base, m), 64, 48, 6, 2, 3);
                String left = idOf(base, rel.a()), right = idOf(base, rel.b());
                for (Truth.FrameInfo f : clip.truth().frames) {
                    Truth.ObjectState a = clip.truth().state(f.index(), left), b = clip.truth().state(f.index(), right);
                    assertTrue(a.centre()[0] < b.centre()[0], prompt + " / " + m + " frame " + f.index() + ": " + a.centre()[0] + " vs " + b.centre()[0]);
                    if (a.bbox() != null && b.bbox() != null) // what is drawn agrees: box middles in the same order
                        assertTrue(a.bbox()[0] + a.bbox()[2] <= b.bbox()[0] + b.bbox()[2], m + " frame " + f.index() + " bboxes " + Arrays.toString(a.bbox()) + " " + Arrays.toString(b.bbox()));
                }
            }
        }
    }

    static String idOf(SceneSpec s, String ref) {
        List<String> refs = SceneFacts.refs(s.resolve(0));
        return "t" + refs.indexOf(ref);
    }

    @Test void movingLeftToRightHasIncreasingImageXRelativeToBackground() {
        for (CameraMove m : List.of(CameraMove.STATIC, CameraMove.PAN_RIGHT, CameraMove.PAN_LEFT, CameraMove.TRACKING, CameraMove.ORBIT_RIGHT, CameraMove.DOLLY_IN)) {
            SceneSpec s = withCamera(SceneParser.parse("a red ball rolls from left to right on a grass field", 5), m);
            Clip clip = render(s, 64, 48, 8, 3, 5);
            double prev = -1e9, first = 0, last = 0;
            for (Truth.FrameInfo f : clip.truth().frames) {
                double[] bg = project(f.camera(), 0, 0, -4); // a fixed point on the ground behind the ball's lane
                double rel = clip.truth().state(f.index(), "t0").centre()[0] - bg[0];
                if (f.index() == 0) first = rel;
                last = rel;
                assertTrue(rel >= prev - 0.5, m + " frame " + f.index() + ": relative x went back from " + prev + " to " + rel);
                prev = rel;
            }
            assertTrue(last - first > 10, m + ": ball should cross the image relative to the ground, moved " + (last - first));
        }
    }

    @Test void cameraMovesGiveTheExpectedBackgroundMotion() {
        SceneSpec empty = SceneParser.parse("a red ball on a studio floor", 1);
        for (CameraMove m : CameraMove.values()) {
            if (m == CameraMove.TRACKING) continue; // covered with a moving subject below
            Clip clip = render(withCamera(empty, m), 96, 96, 4, 2, 1);
            Truth.CameraInfo c0 = clip.truth().frame(0).camera(), c1 = clip.truth().frames.getLast().camera();
            double[] far0 = project(c0, 0, 0, -12), far1 = project(c1, 0, 0, -12);
            double[] a0 = project(c0, -2, 0, -3), b0 = project(c0, 2, 0, -3), a1 = project(c1, -2, 0, -3), b1 = project(c1, 2, 0, -3);
            double du = far1[0] - far0[0], dv = far1[1] - far0[1], spread = (b1[0] - a1[0]) / (b0[0] - a0[0]);
            switch (m) {
                case STATIC -> { assertEquals(0, du, 1e-9); assertEquals(0, dv, 1e-9); assertEquals(1, spread, 1e-9); }
                case PAN_LEFT -> assertTrue(du > 10, m + " du " + du);   // background moves right
                case PAN_RIGHT -> assertTrue(du < -10, m + " du " + du);
                case TILT_UP -> assertTrue(dv > 10, m + " dv " + dv);   // background moves down
                case TILT_DOWN -> assertTrue(dv < -10, m + " dv " + dv);
                case ZOOM_IN, DOLLY_IN -> assertTrue(spread > 1.2, m + " spread " + spread); // background expands
                case ZOOM_OUT, DOLLY_OUT -> assertTrue(spread < 0.85, m + " spread " + spread);
                case ORBIT_LEFT -> assertTrue(du < -5, m + " du " + du);  // far background slides left as the camera circles left
                case ORBIT_RIGHT -> assertTrue(du > 5, m + " du " + du);
                case CRANE_UP -> assertTrue(dv > 5, m + " dv " + dv);    // camera rises: the ground drops in the image
                case CRANE_DOWN -> assertTrue(dv < -5, m + " dv " + dv);
                default -> fail();
            }
            // the pixels agree for the rotations: find the image shift between the first and last frame
            if (m == CameraMove.PAN_LEFT || m == CameraMove.PAN_RIGHT || m == CameraMove.TILT_UP || m == CameraMove.TILT_DOWN) {
                int[] shift = bestShift(clip.frames().get(0), clip.frames().get(1), 12);
                double[] p1 = project(clip.truth().frame(1).camera(), 0, 0, -12);
                double eu = p1[0] - far0[0], ev = p1[1] - far0[1];
                assertEquals(Math.signum(Math.round(eu)), Math.signum(shift[0]), m + " image shift " + Arrays.toString(shift) + " expected " + eu + "," + ev);
                assertEquals(Math.signum(Math.round(ev)), Math.signum(shift[1]), m + " image shift " + Arrays.toString(shift) + " expected " + eu + "," + ev);
            }
        }
        SceneSpec track = withCamera(SceneParser.parse("a red ball rolls from left to right on a studio floor", 1), CameraMove.TRACKING);
        Clip clip = render(track, 64, 64, 4, 2, 1);
        double du = project(clip.truth().frames.getLast().camera(), 0, 0, -12)[0] - project(clip.truth().frame(0).camera(), 0, 0, -12)[0];
        assertTrue(du < -5, "tracking a subject moving right: background moves left, du " + du);
    }

    /** Integer (dx, dy) that best maps frame a onto frame b (b(x+dx, y+dy) ~ a(x, y)), by mean absolute difference. */
    static int[] bestShift(Frame a, Frame b, int r) {
        int w = a.width(), h = a.height();
        double best = Double.MAX_VALUE;
        int[] arg = {0, 0};
        for (int dy = -r; dy <= r; dy++)
            for (int dx = -r; dx <= r; dx++) {
                double s = 0; int n = 0;
                for (int y = r; y < h - r; y++)
                    for (int x = r; x < w - r; x++) {
                        int p = a.get(x, y), q = b.get(x + dx, y + dy);
                        s += Math.abs(((p >> 8) & 255) - ((q >> 8) & 255)); n++;
                    }
                s /= n;
                if (s < best - 1e-9) { best = s; arg = new int[] {dx, dy}; }
            }
        return arg;
    }

    @Test void eventsPersistToTheLastFrame() {
        SceneSpec s = SceneParser.parse("First the brown cookie gets bitten. Then the red balloon pops. Then the silver lamp switches on. "
                + "Then the white glass falls and shatters. Then a blue paint stroke is painted on the wall. On a table.", 2);
        assertEquals(5, s.events().size());
        Clip clip = render(s, 96, 72, 8, 7, 2);
        Truth t = clip.truth();
        double lastEnd = -1;
        for (Truth.EventLog e : t.events) {
            assertNotNull(e.end(), e.kind() + " never finished");
            assertTrue(e.start() > lastEnd, "events in order: " + e.kind());
            lastEnd = e.end();
            for (Truth.FrameInfo f : t.frames)
                if (f.t() >= e.end() + 1e-6) assertEquals(e.after(), t.state(f.index(), e.subject()).state(), e.kind() + " at t=" + f.t());
                else if (f.t() < e.start()) assertEquals("normal", t.state(f.index(), e.subject()).state(), e.kind() + " before start");
        }
        // the effects are visible, not just logged: the balloon's pixels shrink to shreds, the cookie loses area to the bite
        Truth.EventLog pop = t.events.get(1), bite = t.events.get(0);
        double before = t.state(frameBefore(t, pop.start()), pop.subject()).visiblePixels(), after = t.frames.getLast().objects().stream()
                .filter(o -> o.id().equals(pop.subject())).findFirst().orElseThrow().visiblePixels();
        assertTrue(after < before * 0.5, "balloon pixels " + before + " -> " + after);
        double c0 = t.state(frameBefore(t, bite.start()), bite.subject()).visiblePixels(), c1 = t.state(frameBefore(t, bite.start()) + 2, bite.subject()).visiblePixels();
        assertTrue(c1 < c0 * 0.97, "cookie pixels " + c0 + " -> " + c1);
    }

    static int frameBefore(Truth t, double time) {
        int k = 0;
        for (Truth.FrameInfo f : t.frames) if (f.t() < time) k = f.index();
        return k;
    }

    @Test void dominoChainAndKnockedTowerAreSimulatedAndStayDown() {
        SceneSpec s = SceneParser.parse("First the black dominoes fall one after another. Then the red ball knocks over the blue block tower. On a studio floor.", 4);
        Clip clip = render(s, 64, 48, 8, 8, 4);
        Truth t = clip.truth();
        Truth.EventLog chain = t.events.get(0), knock = t.events.get(1);
        assertEquals("domino_chain", chain.kind());
        assertNotNull(chain.end(), "chain did not finish");
        assertEquals(8, chain.changes().size());
        for (int i = 1; i < chain.changes().size(); i++) {
            assertTrue(chain.changes().get(i).t() >= chain.changes().get(i - 1).t(), "domino order " + chain.changes());
            assertTrue(chain.changes().get(i).object().endsWith("/" + i), "domino order " + chain.changes());
        }
        assertEquals("knock", knock.kind());
        assertNotNull(knock.end(), "tower not knocked down");
        assertTrue(knock.start() > chain.end(), "ordered: first ... then ...");
        assertEquals("knocked_down", t.frames.getLast().objects().stream().filter(o -> o.id().equals(knock.subject())).findFirst().orElseThrow().state());
        assertEquals("fallen", t.frames.getLast().objects().stream().filter(o -> o.id().equals(chain.subject())).findFirst().orElseThrow().state());
    }

    @Test void footprintsStayInTheSnow() {
        SceneSpec s = SceneParser.parse("a man walks from left to right and leaves footprints in the snow. in a snowy meadow", 3);
        Clip clip = render(s, 64, 48, 6, 4, 3);
        Truth.EventLog e = clip.truth().events.getFirst();
        assertEquals("footprints", e.kind());
        assertNotNull(e.end());
        for (Truth.FrameInfo f : clip.truth().frames) if (f.t() > e.end()) assertEquals("footprints", clip.truth().state(f.index(), "t0").state());
        // the prints are drawn: the ground behind the walker darkens compared with the same clip without the event
        Clip plain = render(SceneParser.parse("a man walks from left to right. in a snowy meadow", 3), 64, 48, 6, 4, 3);
        assertFalse(Arrays.equals(clip.frames().getLast().rgb(), plain.frames().getLast().rgb()));
    }

    @Test void truthCentreAndBoxMatchTheRenderedPixels() {
        SceneSpec s = SceneParser.parse("a red ball rolls from left to right on a studio floor. the camera pans left", 2);
        Clip clip = render(s, 96, 72, 6, 2, 2);
        int checked = 0;
        for (Truth.FrameInfo f : clip.truth().frames) {
            Truth.ObjectState o = clip.truth().state(f.index(), "t0");
            if (o.bbox() == null || o.bbox()[0] <= 0 || o.bbox()[2] >= 96) continue; // partly outside: skip
            Frame fr = clip.frames().get(f.index());
            double sx = 0, sy = 0; int n = 0, x0 = 999, x1 = -1;
            for (int y = 0; y < 72; y++)
                for (int x = 0; x < 96; x++) {
                    int p = fr.get(x, y), r = (p >> 16) & 255, g = (p >> 8) & 255, b = p & 255;
                    if (r > 90 && r > 2 * g && r > 2 * b) { sx += x + 0.5; sy += y + 0.5; n++; x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
                }
            assertTrue(n > 10, "red pixels in frame " + f.index());
            assertEquals(o.centre()[0], sx / n, 2.0, "frame " + f.index() + " centre x");
            assertEquals(o.centre()[1], sy / n, 2.5, "frame " + f.index() + " centre y");
            assertEquals(o.bbox()[0], x0, 2.0, "bbox x0"); // the box counts partly covered edge pixels too
            assertEquals(o.bbox()[2] - 1, x1, 2.0, "bbox x1");
            checked++;
        }
        assertTrue(checked >= 4, "frames checked: " + checked);
    }

    @Test void visibilityDropsWhenSomethingIsInFront() {
        SceneSpec s = SceneParser.parse("a large red cube is in front of a small blue ball on a studio floor", 1);
        Clip clip = render(s, 64, 48, 2, 1, 1);
        Truth.ObjectState front = clip.truth().state(0, idOf(s, "red cube")), back = clip.truth().state(0, idOf(s, "blue ball"));
        assertEquals(1.0, front.visibility(), 0.05, "nothing hides the front cube"); // unoccluded area is counted per pixel centre
        assertTrue(back.visibility() < 0.9, "the ball behind is partly hidden: " + back.visibility());
        assertTrue(back.unoccludedPixels() > back.visiblePixels());
    }

    @Test void stackedCubeRestsWithoutCreeping() {
        SceneSpec s = SceneParser.parse("a red cube is on top of a blue cube on a studio floor", 1);
        Clip clip = render(s, 32, 32, 4, 6, 1);
        String top = idOf(s, "red cube");
        double[] p0 = clip.truth().state(2, top).position(), p1 = clip.truth().frames.getLast().objects().stream().filter(o -> o.id().equals(top)).findFirst().orElseThrow().position();
        assertEquals(0.9, p0[1], 0.02, "top cube rests on the bottom one");
        for (int k = 0; k < 3; k++) assertEquals(p0[k], p1[k], 0.01, "creep on axis " + k);
    }

    @Test void samePromptAndSeedGiveIdenticalBytes() {
        String prompt = "a ball bounces from left to right. a woman waves. it is raining. the camera orbits left. on a wet city street";
        Clip a = render(SceneParser.parse(prompt, 9), 48, 32, 6, 1.5, 9), b = render(SceneParser.parse(prompt, 9), 48, 32, 6, 1.5, 9);
        assertEquals(a.frames().size(), b.frames().size());
        for (int i = 0; i < a.frames().size(); i++) assertArrayEquals(a.frames().get(i).rgb(), b.frames().get(i).rgb(), "frame " + i);
        assertEquals(a.truth().toJson(), b.truth().toJson());
        Clip c = render(SceneParser.parse(prompt, 10), 48, 32, 6, 1.5, 10);
        assertFalse(Arrays.equals(a.frames().getLast().rgb(), c.frames().getLast().rgb()), "another seed draws other unspecified details");
    }

    @Test void anyAspectAndLongClipsStream() {
        SceneSpec s = SceneParser.parse("a dog runs from right to left on a beach at dusk", 1);
        int[] count = {0};
        dev.tessera.media.FrameSink sink = new dev.tessera.media.FrameSink() {
            public void accept(Frame f) { assertEquals(18, f.width()); assertEquals(32, f.height()); count[0]++; }
            public void close() {}
        };
        Truth t = World.render(s, new RenderOptions(18, 32, 2, 60, 1, 1), sink);
        assertEquals(120, count[0]);
        assertEquals(120, t.frames.size());
        assertThrows(IllegalArgumentException.class, () -> new RenderOptions(64, 64, 8, 61, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new RenderOptions(4, 64, 8, 1, 1, 2));
    }

    @Test void showcasePromptsRenderRecognisableScenesFromEnglishAndChinese() {
        String tokyoEn = "A stylish woman walks down a Tokyo street filled with warm glowing neon and animated city signage. She wears a black leather jacket, "
                + "a long red dress, and black boots, and carries a black purse. She wears sunglasses and red lipstick. She walks confidently and casually. "
                + "The street is damp and reflective, creating a mirror effect of the colorful lights. Many pedestrians walk about.";
        String tokyoZh = "一位时尚女性走在东京的街道上，街道上到处都是暖色调的霓虹灯和动画城市标志。她身穿黑色皮夹克、红色长裙和黑色靴子，手拿黑色皮包。"
                + "她戴着太阳镜，涂着红色唇膏。她走起路来自信而随意。街道潮湿且反光，与五颜六色的灯光形成镜面效果。许多行人走来走去。";
        for (String p : List.of(tokyoEn, tokyoZh)) {
            SceneSpec s = SceneParser.parse(p, 1);
            assertEquals(Vocab.Setting.CITY, s.setting());
            Thing woman = s.things().stream().filter(t -> t.kind() == Vocab.Kind.WOMAN).findFirst().orElseThrow();
            List<String> clothes = new ArrayList<>(s.facts().objects().stream().filter(o -> o.kind().equals("woman")).findFirst().orElseThrow().clothing());
            for (String want : List.of("black leather jacket", "red dress", "black boots", "sunglasses", "red lipstick"))
                assertTrue(clothes.contains(want), p + " -> " + clothes);
            assertTrue(clothes.stream().anyMatch(c -> c.startsWith("black") && c.endsWith("bag")), clothes.toString());
            assertTrue(woman.motions().contains(Vocab.Motion.WALK));
            assertTrue(s.things().stream().anyMatch(t -> t.kind() == Vocab.Kind.PEDESTRIAN && t.count() >= 3));
            Clip c = render(s, 64, 36, 2, 1, 1);
            String wid = "t" + woman.id();
            assertTrue(c.truth().state(c.truth().frames.size() - 1, wid).visible(), "the woman is visible");
        }
        for (String p : List.of("A Chinese Lunar New Year celebration video with Chinese Dragon.", "舞龙庆祝中国新年")) {
            SceneSpec s = SceneParser.parse(p, 1);
            assertTrue(s.things().stream().anyMatch(t -> t.kind() == Vocab.Kind.DRAGON), p);
            assertVisible(s, "dragon");
        }
        for (String p : List.of("Several giant wooly mammoths approach treading through a snowy meadow, their long wooly fur lightly blows in the wind as they walk, "
                + "snow covered trees and dramatic snow capped mountains in the distance, mid afternoon light with wispy clouds and a sun high in the distance "
                + "creates a warm glow, the low camera view is stunning capturing the large furry mammal with beautiful photography, depth of field.",
                "几头巨大的长毛猛犸象踏过白雪皑皑的草地")) {
            SceneSpec s = SceneParser.parse(p, 1);
            Thing m = s.things().stream().filter(t -> t.kind() == Vocab.Kind.MAMMOTH).findFirst().orElseThrow();
            assertEquals(3, m.count(), p);
            assertEquals(Vocab.Setting.SNOW, s.setting());
            assertEquals(1, s.things().size(), "\"the large furry mammal\" refers back to the mammoths: " + s.things());
            assertVisible(s, "mammoth");
        }
        for (String p : List.of("Photorealistic closeup video of two pirate ships battling each other as they sail inside a cup of coffee.", "两艘海盗船在一杯咖啡里互相战斗")) {
            SceneSpec s = SceneParser.parse(p, 1);
            assertEquals(Vocab.Setting.COFFEE, s.setting());
            Thing ship = s.things().getFirst();
            assertEquals(Vocab.Kind.SHIP, ship.kind());
            assertEquals(2, ship.count());
            assertTrue(ship.motions().contains(Vocab.Motion.BATTLE));
            assertVisible(s, "ship");
        }
    }

    static void assertVisible(SceneSpec s, String kind) {
        Clip c = render(s, 64, 36, 2, 1, 1);
        Truth t = c.truth();
        for (Truth.ObjectInfo o : t.objects)
            if (o.kind().equals(kind)) assertTrue(t.state(t.frames.size() - 1, o.id()).visible(), kind + " " + o.id() + " not visible");
    }
}
