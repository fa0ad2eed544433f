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
}
