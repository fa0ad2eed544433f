package dev.tessera.model.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** APG: the guidance step is CFG's difference with its component along the conditional clean-latent prediction removed. */
class GuidanceTest {
    private static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    @Test
    void projectedGuidanceDropsTheParallelPartPerSample() {
        SplittableRandom rnd = new SplittableRandom(7);
        int b = 2, per = 50, n = b * per;
        float[] x = random(rnd, n), v = random(rnd, 2 * n);
        double t = 0.6, g = 7;
        float[] out = Sampler.projected(x, v, b, t, g);
        for (int i = 0; i < b; i++) {
            double along = 0, cfgAlong = 0, dc2 = 0, moved = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
                double dc = x[k] - t * v[k];                       // conditional clean-latent prediction D_c
                double cfg = v[n + k] + g * (v[k] - v[n + k]);     // plain CFG
                along += (out[k] - v[k]) * dc;
                cfgAlong += (cfg - v[k]) * dc;
                dc2 += dc * dc;
                moved += Math.abs(out[k] - v[k]);
            }
            // the step away from v_cond has no component along D_c (CFG's has), but it is not zero
            assertEquals(0, along / Math.sqrt(dc2), 1e-4, "sample " + i);
            assertTrue(Math.abs(cfgAlong / Math.sqrt(dc2)) > 0.1, "CFG's step has a parallel part here");
            assertTrue(moved > 1, "APG moved sample " + i);
        }
        // scale 1 is the conditional model alone, as for CFG
        assertArrayEquals(java.util.Arrays.copyOf(v, n), Sampler.projected(x, v, b, t, 1.0), 0f);
    }

    @Test
    void optionsDefaultToCfgAndNeedAMode() {
        assertEquals(Sampler.Guidance.CFG, new Sampler.Options(Sampler.Solver.EULER, 4, 3.0, 1).mode());
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 4, 3.0, 1, null));
    }

    /** [B, C, f, h, w] layout index. */
    private static int at(int[] s, int b, int c, int f, int y, int x) { return (((b * s[1] + c) * s[2] + f) * s[3] + y) * s[4] + x; }

    @Test
    void theBinomialLowPassKeepsConstantsAndRemovesTheFinestCheckerboard() {
        int[] s = {2, 3, 4, 8, 10};
        int n = s[0] * s[1] * s[2] * s[3] * s[4];
        float[] c = new float[n], checker = new float[n], frames = new float[n];
        for (int b = 0; b < s[0]; b++)
            for (int ch = 0; ch < s[1]; ch++)
                for (int f = 0; f < s[2]; f++)
                    for (int y = 0; y < s[3]; y++)
                        for (int x = 0; x < s[4]; x++) {
                            int k = at(s, b, ch, f, y, x);
                            c[k] = 1.5f + ch;
                            checker[k] = ((x + y) % 2 == 0 ? 1f : -1f) * (1 + b);
                            frames[k] = f % 2 == 0 ? 1f : -1f;
                        }
        assertArrayEquals(c, Sampler.blur(c, s, true), 1e-6f);
        float[] lc = Sampler.blur(checker, s, false);
        // (1 − 4 + 6 − 4 + 1)/16 = 0 along each axis away from the edges (2 cells in)
        for (int b = 0; b < s[0]; b++)
            for (int y = 2; y < s[3] - 2; y++)
                for (int x = 2; x < s[4] - 2; x++) assertEquals(0f, lc[at(s, b, 1, 2, y, x)], 1e-6f);
        // a frame-to-frame flip is untouched by the spatial filter and removed (inside) by the space-time one
        assertArrayEquals(frames, Sampler.blur(frames, s, false), 1e-6f);
        float[] lt = Sampler.blur(frames, new int[] {2, 3, 6, 8, 10}, true);
        assertEquals(0f, lt[at(new int[] {2, 3, 6, 8, 10}, 0, 0, 2, 4, 4)], 1e-6f);
        // a hand-computed point: a single 1 at (y, x) = (3, 4) spreads as the outer product of [1, 4, 6, 4, 1]/16
        float[] spike = new float[n];
        spike[at(s, 0, 0, 0, 3, 4)] = 1f;
        float[] ls = Sampler.blur(spike, s, false);
        assertEquals(36f / 256, ls[at(s, 0, 0, 0, 3, 4)], 1e-7f);
        assertEquals(24f / 256, ls[at(s, 0, 0, 0, 2, 4)], 1e-7f);
        assertEquals(4f / 256, ls[at(s, 0, 0, 0, 1, 3)], 1e-7f);
        assertEquals(0f, ls[at(s, 0, 0, 1, 3, 4)], 0f);
    }

    @Test
    void decoupledGuidanceScalesTheBandsApart() {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] s = {2, 2, 3, 6, 6};
        int n = 2 * 2 * 3 * 6 * 6;
        float[] x = random(rnd, n), v = random(rnd, 2 * n);
        double t = 0.4, g = 9;
        float[] delta = new float[n];
        for (int k = 0; k < n; k++) delta[k] = v[k] - v[n + k];
        float[] low = Sampler.blur(delta, s, true);
        // the high band at the low band's scale: the plain guidance (APG and CFG), up to rounding
        float[] same = v.clone();
        Sampler.decouple(same, s, g, new Sampler.Bands(g, true));
        assertArrayEquals(Sampler.projected(x, v, 2, t, g), Sampler.projected(x, same, 2, t, g), 1e-4f);
        // high band at 1 with CFG: v_c + (g − 1)·L exactly as written
        float[] lowOnly = v.clone();
        Sampler.decouple(lowOnly, s, g, new Sampler.Bands(1, true));
        float[] cfg = dev.tessera.model.flow.FlowMatching.guide(java.util.Arrays.copyOf(lowOnly, n), java.util.Arrays.copyOfRange(lowOnly, n, 2 * n), g);
        for (int k = 0; k < n; k++) assertEquals(v[k] + (g - 1) * low[k], cfg[k], 1e-4);
        // high band at 3: v_c + (g − 1)·L + 2·(Δ − L)
        float[] both = v.clone();
        Sampler.decouple(both, s, g, new Sampler.Bands(3, false));
        float[] lowS = Sampler.blur(delta, s, false);
        cfg = dev.tessera.model.flow.FlowMatching.guide(java.util.Arrays.copyOf(both, n), java.util.Arrays.copyOfRange(both, n, 2 * n), g);
        for (int k = 0; k < n; k++) assertEquals(v[k] + (g - 1) * lowS[k] + 2 * (delta[k] - lowS[k]), cfg[k], 1e-4);
        // the conditional half is never touched
        assertArrayEquals(java.util.Arrays.copyOf(v, n), java.util.Arrays.copyOf(both, n), 0f);
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Bands(-1, false));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Bands(51, false));
    }
}
