package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.flow.TimeShift;
import dev.tessera.model.loss.VaeLoss;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.TextContext;
import dev.tessera.model.vae.VideoVae;
import org.junit.jupiter.api.Test;

class SamplerAndVaeLearningTest {
    static final TextContext NONE = new TextContext(Tensor.zeros(1, 1, 2), Tensor.ones(1, 1));

    /**
     * For data concentrated at a point c, the exact rectified-flow velocity is v(x, t) = (x − c)/t and every ODE path
     * ends at c. Euler and Heun both reach it; on the bent field v = (x − c)/t + sin-term Heun is far more accurate.
     */
    @Test void solversReachTheDataPointAndHeunIsSecondOrder() {
        float c = 0.7f;
        dev.tessera.model.sample.VelocityModel exact = (x, t, ctx) -> {
            float tt = t.data()[0];
            float[] xd = x.data(), v = new float[xd.length];
            for (int i = 0; i < v.length; i++) v[i] = (xd[i] - c) / tt;
            return Tensor.of(v, x.shape());
        };
        for (Sampler.Solver s : Sampler.Solver.values()) {
            float[] z = Sampler.sample(exact, NONE, NONE, new int[] {1, 2, 1, 2, 2}, 10, TimeShift.NONE,
                    new Sampler.Options(s, 8, 1.0, 3), Sampler.Progress.NONE).data();
            for (float v : z) assertEquals(c, v, 1e-4, s.name());
        }
        // dx/dt = cos(t) has x(0) = x(1) − sin(1): compare the global error of both solvers at 8 steps
        dev.tessera.model.sample.VelocityModel bent = (x, t, ctx) -> Tensor.full((float) Math.cos(t.data()[0]), x.shape());
        double[] err = new double[2];
        for (Sampler.Solver s : new Sampler.Solver[] {Sampler.Solver.EULER, Sampler.Solver.HEUN}) {
            Rng r = new Rng(3);
            float x1 = Tensor.randn(r, 1, 1, 1, 1, 1).data()[0];
            float z = Sampler.sample(bent, NONE, NONE, new int[] {1, 1, 1, 1, 1}, 10, TimeShift.NONE,
                    new Sampler.Options(s, 8, 1.0, 3), Sampler.Progress.NONE).data()[0];
            err[s.ordinal()] = Math.abs(z - (x1 - Math.sin(1.0)));
        }
        assertTrue(err[1] * 5 < err[0], "Euler error " + err[0] + ", Heun error " + err[1]);
    }

    /**
     * SDEdit: the first evaluation is at t = strength on x = (1 − s)·start + s·ε with ε the draw plain sampling starts
     * from, later ones at the grid's points below s; with the exact field of data at the start point every solver
     * lands back on it; strength 1 is plain sampling bit for bit.
     */
    @Test void sdeditStartsOnTheFlowPathAtItsStrength() {
        int[] shape = {1, 2, 1, 2, 2};
        Tensor start = Tensor.randn(new Rng(11), shape);
        float[] st = start.data();
        java.util.List<Float> times = new java.util.ArrayList<>();
        java.util.List<float[]> xs = new java.util.ArrayList<>();
        dev.tessera.model.sample.VelocityModel toStart = (x, t, ctx) -> {
            float tt = t.data()[0];
            times.add(tt);
            xs.add(x.data().clone());
            float[] xd = x.data(), v = new float[xd.length];
            for (int i = 0; i < v.length; i++) v[i] = (xd[i] - st[i]) / tt;
            return Tensor.of(v, x.shape());
        };
        TimeShift shift = TimeShift.FLUX;
        double[] grid = dev.tessera.model.flow.Schedule.times(10, 1024, shift);
        for (double s : new double[] {0.3, 0.6, 0.95}) {
            times.clear();
            xs.clear();
            float[] z = Sampler.sampleFrom(toStart, NONE, NONE, shape, start, s, 1024, shift,
                    new Sampler.Options(Sampler.Solver.EULER, 10, 1.0, 3), Sampler.Progress.NONE).data();
            for (int i = 0; i < z.length; i++) assertEquals(st[i], z[i], 1e-4, "lands on the start, s = " + s);
            assertEquals((float) s, times.getFirst());
            float[] eps = Tensor.randn(new Rng(3), shape).data();
            for (int i = 0; i < eps.length; i++) assertEquals((1 - s) * st[i] + s * eps[i], xs.getFirst()[i], 1e-6);
            long below = java.util.Arrays.stream(grid).filter(g -> g > 0 && g < s).count();
            assertEquals(1 + below, times.size(), "one step from s, then one from each grid point below it above 0");
            for (int i = 1; i < times.size(); i++) assertTrue(times.get(i) < times.get(i - 1));
        }
        float[] plain = Sampler.sample(toStart, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.HEUN, 6, 1.0, 4),
                Sampler.Progress.NONE).data();
        float[] one = Sampler.sampleFrom(toStart, NONE, NONE, shape, start, 1.0, 64, shift, new Sampler.Options(Sampler.Solver.HEUN, 6, 1.0, 4),
                Sampler.Progress.NONE).data();
        assertArrayEquals(plain, one);
        var opt = new Sampler.Options(Sampler.Solver.EULER, 4, 1.0, 3);
        for (double bad : new double[] {0, -0.1, 1.01, Double.NaN})
            assertThrows(IllegalArgumentException.class, () -> Sampler.sampleFrom(toStart, NONE, NONE, shape, start, bad, 64, shift, opt, Sampler.Progress.NONE));
        assertThrows(IllegalArgumentException.class, () -> Sampler.sampleFrom(toStart, NONE, NONE, shape, null, 0.5, 64, shift, opt, Sampler.Progress.NONE));
        assertThrows(IllegalArgumentException.class, () -> Sampler.sampleFrom(toStart, NONE, NONE, new int[] {1, 2, 1, 2, 4}, start, 0.5, 64, shift, opt, Sampler.Progress.NONE));
    }

    /** A guidance interval: steps starting above guidanceAbove run the guided batch of 2, the rest the conditional one. */
    @Test void guidanceActsOnlyAboveItsTime() {
        int[] shape = {1, 1, 1, 2, 2};
        java.util.List<float[]> calls = new java.util.ArrayList<>(); // [t, batch]
        dev.tessera.model.sample.VelocityModel m = (x, t, ctx) -> {
            calls.add(new float[] {t.data()[0], x.size(0)});
            return Tensor.full(0.1f, x.shape());
        };
        TimeShift shift = TimeShift.NONE;
        Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45), Sampler.Progress.NONE);
        assertEquals(10, calls.size());
        for (float[] c : calls) assertEquals(c[0] > 0.45 ? 2 : 1, (int) c[1], "t = " + c[0]);
        float[] every = Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG), Sampler.Progress.NONE).data();
        float[] zero = Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0), Sampler.Progress.NONE).data();
        assertArrayEquals(every, zero, "0: every step guided, as before");
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, -0.1));
    }

    /**
     * A two-level schedule: scale 4 on steps that start above 0.45, scale 2 on the rest, every step guided. With a
     * conditional velocity 0.1 and an unconditional 0.3, CFG gives 0.3 + g·(0.1 − 0.3) per step, so the Euler sample is
     * the starting noise plus Σ dt·(0.3 − 0.2·g(t)) — computed by hand on the same grid and noise.
     */
    @Test void guidanceBelowScalesTheLateSteps() {
        int[] shape = {1, 1, 1, 2, 2};
        java.util.List<float[]> calls = new java.util.ArrayList<>(); // [t, batch]
        dev.tessera.model.sample.VelocityModel m = (x, t, ctx) -> {
            calls.add(new float[] {t.data()[0], x.size(0)});
            float[] v = new float[x.numel()];
            int half = v.length / 2;
            for (int k = 0; k < v.length; k++) v[k] = x.size(0) == 2 && k >= half ? 0.3f : 0.1f;
            return Tensor.of(v, x.shape());
        };
        TimeShift shift = TimeShift.NONE;
        float[] got = Sampler.sample(m, NONE, NONE, shape, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45, 0, null, 2.0), Sampler.Progress.NONE).data();
        assertEquals(10, calls.size());
        for (float[] c : calls) assertEquals(2, (int) c[1], "every step guided, t = " + c[0]);
        double[] ts = dev.tessera.model.flow.Schedule.times(10, 64, shift);
        float[] want = Tensor.randn(new Rng(1), shape).data();
        for (int i = 0; i < 10; i++) {
            float g = ts[i] > 0.45 ? 4f : 2f, dt = (float) (ts[i + 1] - ts[i]);
            for (int k = 0; k < want.length; k++) want[k] += dt * (0.3f + g * (0.1f - 0.3f));
        }
        assertArrayEquals(want, got, 1e-5f);
        float[] none = Sampler.sample(m, NONE, NONE, shape, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45, 0, null, 1.0), Sampler.Progress.NONE).data();
        float[] before = Sampler.sample(m, NONE, NONE, shape, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45), Sampler.Progress.NONE).data();
        assertArrayEquals(before, none, "scale 1 below: the guidance interval as before");
        assertFalse(java.util.Arrays.equals(got, none));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45, 0, null, -1));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0.45, 0, null, Double.NaN));
    }

    /**
     * Contrastive guidance: [cond; uncond; mirror] as one batch of 3 on every step, and h·(v_c − v_m) added to the
     * CFG velocity — with v_c = 0.1, v_u = 0.3, v_m = 0.5 each Euler step moves by dt·(0.3 + g·(0.1 − 0.3) + h·(0.1 −
     * 0.5)), computed by hand. Without a mirror caption (a prompt naming no side) it is plain CFG, bit for bit; at
     * scale 1 the contrast still acts (v_c + h·(v_c − v_m)).
     */
    @Test void contrastPushesAwayFromTheMirroredCaption() {
        int[] shape = {1, 1, 1, 2, 2};
        java.util.List<Integer> batches = new java.util.ArrayList<>();
        dev.tessera.model.sample.VelocityModel m = (x, t, ctx) -> {
            batches.add(x.size(0));
            float[] v = new float[x.numel()];
            int per = v.length / x.size(0);
            for (int k = 0; k < v.length; k++) v[k] = new float[] {0.1f, 0.3f, 0.5f}[k / per];
            return Tensor.of(v, x.shape());
        };
        TimeShift shift = TimeShift.NONE;
        double[] ts = dev.tessera.model.flow.Schedule.times(6, 64, shift);
        for (double g : new double[] {4.0, 1.0}) {
            batches.clear();
            float[] got = Sampler.sampleFrom(m, NONE, NONE, NONE, shape, null, 1.0, 64, shift,
                    new Sampler.Options(Sampler.Solver.EULER, 6, g, 1, Sampler.Guidance.CFG, 0, 0, null, 1.0, 2.5), Sampler.Progress.NONE).data();
            assertEquals(java.util.Collections.nCopies(6, 3), batches, "guidance " + g);
            float[] want = Tensor.randn(new Rng(1), shape).data();
            for (int i = 0; i < 6; i++) {
                float dt = (float) (ts[i + 1] - ts[i]), v = 0.3f + (float) g * (0.1f - 0.3f) + 2.5f * (0.1f - 0.5f);
                for (int k = 0; k < want.length; k++) want[k] += dt * v;
            }
            assertArrayEquals(want, got, 1e-5f, "guidance " + g);
        }
        var cfg = new Sampler.Options(Sampler.Solver.EULER, 6, 4.0, 1, Sampler.Guidance.CFG);
        float[] plain = Sampler.sample(m, NONE, NONE, shape, 64, shift, cfg, Sampler.Progress.NONE).data();
        float[] noMirror = Sampler.sampleFrom(m, NONE, NONE, null, shape, null, 1.0, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 6, 4.0, 1, Sampler.Guidance.CFG, 0, 0, null, 1.0, 2.5), Sampler.Progress.NONE).data();
        assertArrayEquals(plain, noMirror);
        // at scale 1 frequency bands have nothing to split (the guided velocity is v_c): the same sample, not a 0/0
        float[] unbanded = Sampler.sampleFrom(m, NONE, NONE, NONE, shape, null, 1.0, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 6, 1.0, 1, Sampler.Guidance.CFG, 0, 0, null, 1.0, 2.5), Sampler.Progress.NONE).data();
        float[] banded = Sampler.sampleFrom(m, NONE, NONE, NONE, shape, null, 1.0, 64, shift,
                new Sampler.Options(Sampler.Solver.EULER, 6, 1.0, 1, Sampler.Guidance.CFG, 0, 0, new Sampler.Bands(2, false), 1.0, 2.5), Sampler.Progress.NONE).data();
        assertArrayEquals(unbanded, banded);
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 6, 4.0, 1, Sampler.Guidance.CFG, 0, 0, null, 1.0, -1));
    }

    /**
     * Finishing early: the grid's times in (0, finishBelow) are dropped and the last step lands on x − t·v from the lowest
     * time kept; computed by hand on the same starting noise with a velocity that depends on x (so a skipped step would
     * change the result). 0 keeps the whole grid.
     */
    @Test void finishBelowJumpsToTheCleanPrediction() {
        int[] shape = {1, 1, 1, 2, 2};
        java.util.List<Float> times = new java.util.ArrayList<>();
        dev.tessera.model.sample.VelocityModel m = (x, t, ctx) -> {
            times.add(t.data()[0]);
            return x.mul(0.7f).add(-0.2f);
        };
        TimeShift shift = TimeShift.NONE;
        double[] grid = dev.tessera.model.flow.Schedule.times(10, 64, shift);
        float[] cut = Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 1.0, 5, Sampler.Guidance.CFG, 0, 0.35), Sampler.Progress.NONE).data();
        java.util.List<Double> kept = new java.util.ArrayList<>();
        for (double t : grid) if (t >= 0.35) kept.add(t);
        assertEquals(kept.size(), times.size(), "one evaluation per kept grid time");
        for (int i = 0; i < kept.size(); i++) assertEquals(kept.get(i), times.get(i), 1e-6);
        float[] x = Tensor.randn(new dev.tessera.engine.Rng(5), shape).toArray();
        kept.add(0.0);
        for (int i = 0; i + 1 < kept.size(); i++) {
            float dt = (float) (kept.get(i + 1) - kept.get(i));
            for (int k = 0; k < x.length; k++) x[k] += dt * (0.7f * x[k] - 0.2f);
        }
        assertArrayEquals(x, cut, 1e-5f);
        times.clear();
        float[] whole = Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 1.0, 5, Sampler.Guidance.CFG, 0, 0), Sampler.Progress.NONE).data();
        assertEquals(10, times.size());
        assertArrayEquals(Sampler.sample(m, NONE, NONE, shape, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 1.0, 5), Sampler.Progress.NONE).data(), whole);
        assertTrue(java.util.Arrays.stream(new int[] {0, 1, 2, 3}).anyMatch(k -> Math.abs(whole[k] - cut[k]) > 1e-3), "dropping steps changes the sample");
        // an SDEdit start below the cut keeps its start time: one step from it to 0, not none
        times.clear();
        Tensor start = Tensor.full(0.5f, shape);
        float[] edit = Sampler.sampleFrom(m, NONE, NONE, shape, start, 0.2, 64, shift, new Sampler.Options(Sampler.Solver.EULER, 10, 1.0, 5, Sampler.Guidance.CFG, 0, 0.35), Sampler.Progress.NONE).data();
        assertEquals(java.util.List.of(0.2f), times);
        float[] x0 = Tensor.randn(new dev.tessera.engine.Rng(5), shape).toArray();
        for (int k = 0; k < x0.length; k++) {
            float xs = 0.8f * 0.5f + 0.2f * x0[k];
            assertEquals(xs - 0.2f * (0.7f * xs - 0.2f), edit[k], 1e-5f);
        }
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new Sampler.Options(Sampler.Solver.EULER, 10, 4.0, 1, Sampler.Guidance.CFG, 0, -0.1));
    }

    /**
     * The ancestral solver keeps the marginals: with the exact velocity of Gaussian data N(2, 0.5²) (E[x₀|x_t] and
     * E[ε|x_t] are linear in x_t), 4,096 independent lanes sampled in 200 steps have mean 2 and standard deviation 0.5
     * within sampling error; a step that added too much or too little fresh noise would widen or narrow them. (At 20
     * steps the ancestral lanes come out 13% too narrow, 0.436: its first-order discretisation error, gone by 200.)
     */
    @Test void ancestralSamplerKeepsTheDataDistribution() {
        double m = 2, sd = 0.5;
        dev.tessera.model.sample.VelocityModel gauss = (x, t, ctx) -> {
            double tt = t.data()[0], var = (1 - tt) * (1 - tt) * sd * sd + tt * tt;
            float[] xd = x.data(), v = new float[xd.length];
            for (int i = 0; i < v.length; i++) {
                double dev = xd[i] - (1 - tt) * m;
                double x0 = m + (1 - tt) * sd * sd / var * dev, eps = tt / var * dev;
                v[i] = (float) (eps - x0);
            }
            return Tensor.of(v, x.shape());
        };
        for (Sampler.Solver s : Sampler.Solver.values()) {
            float[] z = Sampler.sample(gauss, NONE, NONE, new int[] {1, 1, 1, 64, 64}, 10, TimeShift.NONE,
                    new Sampler.Options(s, 200, 1.0, 5), Sampler.Progress.NONE).data();
            double mean = 0, sq = 0;
            for (float v : z) mean += v;
            mean /= z.length;
            for (float v : z) sq += (v - mean) * (v - mean);
            double std = Math.sqrt(sq / z.length);
            assertEquals(m, mean, 0.05, s + " mean");
            assertEquals(sd, std, 0.03, s + " standard deviation");
        }
        // the same seed gives the same ancestral sample (its fresh noise comes from the seeded generator)
        float[] a = Sampler.sample(gauss, NONE, NONE, new int[] {1, 1, 1, 8, 8}, 10, TimeShift.NONE,
                new Sampler.Options(Sampler.Solver.ANCESTRAL, 6, 1.0, 9), Sampler.Progress.NONE).data();
        float[] b = Sampler.sample(gauss, NONE, NONE, new int[] {1, 1, 1, 8, 8}, 10, TimeShift.NONE,
                new Sampler.Options(Sampler.Solver.ANCESTRAL, 6, 1.0, 9), Sampler.Progress.NONE).data();
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }

    /** The causal VAE with its KL + reconstruction loss overfits one small moving-square clip (measured 0.40 -> 0.08 MSE in 120 steps). */
    @Test void tinyVaeOverfitsOneClip() {
        float[] px = new float[3 * 5 * 16 * 16];
        for (int f = 0; f < 5; f++)
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++) {
                    boolean in = x >= 2 + 2 * f && x < 7 + 2 * f && y >= 5 && y < 10;
                    px[(0 * 5 + f) * 256 + y * 16 + x] = in ? 0.9f : -0.6f;
                    px[(1 * 5 + f) * 256 + y * 16 + x] = in ? -0.8f : -0.2f;
                    px[(2 * 5 + f) * 256 + y * 16 + x] = in ? -0.8f : 0.4f;
                }
        Tensor clip = Tensor.of(px, 1, 3, 5, 16, 16);
        VideoVae vae = new VideoVae(new VaeConfig(8, java.util.List.of(1, 2, 2), 4, 4, 1e-4, 0, 1), new Rng(1));
        AdamW opt = new AdamW(vae.namedParameters(), 3e-3, 0f);
        Rng rng = new Rng(2);
        float first = 0, last = 0;
        for (int i = 0; i < 120; i++) {
            opt.zeroGrad();
            VaeLoss.Result r = VaeLoss.compute(vae, clip, rng);
            r.loss().backward();
            opt.step();
            if (i == 0) first = r.reconstruction().item();
            last = r.reconstruction().item();
        }
        assertTrue(last * 3 < first, "VAE reconstruction MSE fell only from " + first + " to " + last);
    }

    /**
     * The DC-AE-style shortcut: with both networks' output convolutions zeroed, the VAE is exactly the cell-average
     * autoencoder — the posterior mean's first 3 channels are the clip averaged over each latent cell (frame 0 alone,
     * then groups of 4 frames, 8×8 pixels), the rest 0, and decoding repeats them back over the cell. A clip that is
     * constant on every cell comes back unchanged; the shortcut adds no parameters.
     */
    @Test void shortcutVaeIsTheCellAverageAutoencoderWhenItsNetworksAreSilent() {
        VaeConfig with = new VaeConfig(4, java.util.List.of(1, 2, 2), 4, 2, 1e-4, 0, 1, true);
        VideoVae vae = new VideoVae(with, new Rng(3));
        assertEquals(new VideoVae(VaeConfig.tiny(), new Rng(3)).parameterCount(), vae.parameterCount());
        for (var e : vae.namedParameters().entrySet())
            if (e.getKey().contains("conv_out")) e.getValue().setData(Tensor.zeros(e.getValue().shape()));
        int t = 9, h = 16, w = 24;
        Rng r = new Rng(4);
        float[] cells = Tensor.randn(r, 3, 3, 2, 3).data();   // [c, latent frame, h/8, w/8]
        float[] px = new float[3 * t * h * w];
        for (int c = 0; c < 3; c++)
            for (int f = 0; f < t; f++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        px[((c * t + f) * h + y) * w + x] = cells[((c * 3 + (f + 3) / 4) * 2 + y / 8) * 3 + x / 8];
        Tensor clip = Tensor.of(px, 1, 3, t, h, w);
        VideoVae.Posterior p = vae.encode(clip);
        assertArrayEquals(new int[] {1, 4, 3, 2, 3}, p.mean().shape());
        float[] mean = p.mean().data();
        for (int i = 0; i < cells.length; i++) assertEquals(cells[i], mean[i], 1e-5f, "latent cell " + i);
        for (int i = cells.length; i < mean.length; i++) assertEquals(0f, mean[i], 0f, "channel 4");
        assertArrayEquals(px, vae.decode(p.mean()).data(), 1e-5f);
        // and a clip that is not cell-constant decodes to its cell averages
        Tensor noisy = Tensor.randn(new Rng(5), 1, 3, 5, 8, 8);
        float[] d = vae.decode(vae.encode(noisy).mean()).data(), n = noisy.data();
        for (int c = 0; c < 3; c++) {
            double m0 = 0, m1 = 0;
            for (int i = 0; i < 64; i++) m0 += n[(c * 5) * 64 + i];
            for (int f = 1; f < 5; f++) for (int i = 0; i < 64; i++) m1 += n[(c * 5 + f) * 64 + i];
            assertEquals(m0 / 64, d[(c * 5) * 64 + 17], 1e-5);
            assertEquals(m1 / 256, d[(c * 5 + 3) * 64 + 40], 1e-5);
        }
    }

    /**
     * The bilinear shortcut: with silent networks the decoder interpolates the cell values between cell centres (PyTorch
     * bilinear, align_corners=False): a constant latent still decodes to that constant, a pixel at a cell centre pair
     * lies between its two cells' values, and the old JSON (no shortcutUpsample) reads as nearest.
     */
    @Test void bilinearShortcutInterpolatesBetweenCellCentres() {
        VaeConfig near = new VaeConfig(4, java.util.List.of(1, 2, 2), 4, 2, 1e-4, 0, 1, true);
        VaeConfig bil = near.withShortcutUpsample("bilinear");
        assertEquals("nearest", near.shortcutUpsample());
        VideoVae vae = new VideoVae(bil, new Rng(3));
        for (var e : vae.namedParameters().entrySet())
            if (e.getKey().contains("conv_out")) e.getValue().setData(Tensor.zeros(e.getValue().shape()));
        // two cells side by side in channel 0: 0 and 1; the rest 0
        float[] z = new float[4 * 1 * 1 * 2];
        z[1] = 1f;
        float[] px = vae.decode(Tensor.of(z, 1, 4, 1, 1, 2)).data(); // [1, 3, 1, 8, 16]
        assertEquals(0f, px[0], 1e-6f, "left border keeps the left cell");
        assertEquals(1f, px[15], 1e-6f, "right border keeps the right cell");
        assertEquals(0.5f, (px[7] + px[8]) / 2, 1e-6f, "the middle is the mean");
        assertTrue(px[7] > 0f && px[7] < px[8] && px[8] < 1f, "interpolated, not flat blocks");
        float[] flat = new float[4 * 2];
        flat[0] = flat[1] = 0.3f;
        for (float v : java.util.Arrays.copyOf(vae.decode(Tensor.of(flat, 1, 4, 1, 1, 2)).data(), 16)) assertEquals(0.3f, v, 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> near.withShortcutUpsample("cubic"));
        String json = dev.tessera.model.config.ModelConfig.preset("tiny").toJson();
        assertTrue(json.contains("\"shortcutUpsample\""), json);
        String old = json.replace("\"shortcutUpsample\" : \"nearest\",", "").replace(",\n    \"shortcutUpsample\" : \"nearest\"", "");
        assertFalse(old.contains("shortcutUpsample"), old);
        assertEquals("nearest", dev.tessera.model.config.ModelConfig.fromJson(old).vae().shortcutUpsample());
    }
}
