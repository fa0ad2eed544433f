package dev.tessera.world.render;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Frame;
import org.junit.jupiter.api.Test;

class RendererTest {
    static View scene() {
        View v = new View();
        v.camera = new Camera(0, 2, 5, 0, -0.35, 0.9, 80, 60);
        v.prims.add(Prim.sphere(-1, 0.5, 0, 0.5).colour(0xd23a30, Prim.SHINY).id(0));
        v.prims.add(Prim.box(0.6, 0.4, -0.3, Prim.yawAxes(0.4, 0.4, 0.4, 0.4)).colour(0x2f62c8, Prim.MATTE).id(1));
        v.prims.add(Prim.cylinder(1.8, 0.3, 0.5, new double[] {0.3, 0, 0, 0, 0.3, 0, 0, 0, 0.3}).colour(0xdde8f0, Prim.GLASS).id(2));
        v.prims.add(Prim.convex(-0.2, 0.35, 1.0, new double[] {0.3, 0, 0, 0, 0.35, 0, 0, 0, 0.3}, Prim.CONE).colour(0x3c9c45, Prim.METAL).id(3));
        v.blob(-1, 0, 0.6, 0.5);
        v.ground = View.GROUND_GRASS; v.sky = View.SKY_DAY;
        v.particle(0, 1.5, 0, 0, -0.3, 0, 0.01, 0xffffff, 0.5);
        return v;
    }

    /** The adaptive fast path against casting every sample (the plain reference): same picture up to edge sampling. */
    @Test void adaptiveAntialiasingMatchesFullSupersampling() {
        for (boolean reflect : new boolean[] {false, true}) {
            View v = scene();
            if (reflect) { v.ground = View.GROUND_ASPHALT; v.reflectivity = 0.5; }
            Renderer fast = new Renderer(80, 60, 2, 4), ref = new Renderer(80, 60, 2, 4);
            ref.adaptive = false;
            Frame a = fast.render(v), b = ref.render(v);
            double sum = 0; int big = 0;
            for (int i = 0; i < a.rgb().length; i++)
                for (int sh = 0; sh <= 16; sh += 8) {
                    int d = Math.abs(((a.rgb()[i] >> sh) & 255) - ((b.rgb()[i] >> sh) & 255));
                    sum += d; if (d > 40) big++;
                }
            double mean = sum / (3.0 * a.rgb().length);
            assertTrue(mean < 1.0, "mean abs difference " + mean);
            assertTrue(big < a.rgb().length * 0.01, "pixels far off: " + big);
            for (int k = 0; k < 4; k++) {
                assertEquals(ref.pixels[k], fast.pixels[k], Math.max(3, ref.pixels[k] * 0.05), "coverage of object " + k);
                assertEquals(ref.bbox[4 * k], fast.bbox[4 * k], 1, "bbox of object " + k);
            }
        }
    }

    @Test void sameViewSameBytesAndCullingDoesNotChangeThePicture() {
        Renderer r1 = new Renderer(64, 48, 2, 4), r2 = new Renderer(64, 48, 2, 4);
        r2.cull = false;
        View v = scene();
        v.camera = v.camera.withSize(64, 48);
        assertArrayEquals(r1.render(v).rgb(), r2.render(v).rgb());
        assertArrayEquals(r1.render(v).rgb(), new Renderer(64, 48, 2, 4).render(v).rgb());
    }
}
