package dev.tessera.model.sample;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.flow.Schedule;
import dev.tessera.model.flow.TimeShift;
import dev.tessera.model.text.TextContext;

/**
 * Solvers for the rectified-flow probability path, integrating from pure noise at t = 1 down to data at t = 0
 * on the shifted time grid of {@link Schedule}, with classifier-free guidance
 * {@code v = v_uncond + g·(v_cond − v_uncond)}. The conditional and unconditional halves go through the network as
 * one batch of 2B. Deterministic: the only randomness is the starting noise and, for the ancestral solver, the noise
 * it adds back at each step, all drawn from {@code new Rng(seed)} in a fixed order.
 */
public final class Sampler {
    /**
     * Euler (first order, one evaluation per step), Heun (second order, two per step, Euler on the last step), or
     * ANCESTRAL: k-diffusion's Euler-ancestral moved to the rectified-flow path — each step keeps part of the
     * predicted noise and adds fresh noise in DDPM's posterior proportion ({@link #ancestral}), which keeps the
     * marginal noise level while letting the sample forget part of its earlier errors. One evaluation per step.
     */
    public enum Solver { EULER, HEUN, ANCESTRAL }

    /** Called after each step with (steps done, total steps). */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void step(int done, int total);
    }

    /**
     * How the conditional and unconditional velocities combine. CFG: {@code v_u + g·(v_c − v_u)}. APG (adaptive
     * projected guidance, Sadat et al. 2024): the guidance difference is moved to the prediction of the clean latent
     * {@code D = x − t·v}, and its component parallel to the conditional prediction D_c is dropped:
     * {@code v = v_c + (g − 1)·(Δ − (⟨Δ, D_c⟩ / ⟨D_c, D_c⟩)·D_c)}, Δ = v_c − v_u, per sample. The parallel part is what
     * scales the whole latent up at large g (saturated colours); the orthogonal part keeps what the prompt changes.
     */
    public enum Guidance { CFG, APG }

    /**
     * Frequency-decoupled guidance (after Sadat et al. 2025, "Guidance in the frequency domain"): the guidance
     * difference Δ = v_c − v_u is split into a low band L = blur(Δ) — a binomial [1, 4, 6, 4, 1]/16 filter along the
     * latent's height and width (σ = 1 latent cell, 8 pixels; edges repeated), and along its frames too when
     * {@code time} — and the high band Δ − L. The low band gets the guidance scale g, the high band {@code high}:
     * CFG {@code v_c + (g − 1)·L + (high − 1)·(Δ − L)}; APG the same with each band's component along the clean
     * prediction dropped (the projection is linear, so this is APG of Δ' = L + r·(Δ − L), r = (high − 1)/(g − 1)).
     * Why: a 20-step sample under APG 30 ends with ~10× the spatial high-frequency share and ~40× the frame-to-frame
     * change of the world's latents, unguided with neither (docs/default-model.md, twenty-fourth session); the
     * prompt's layout and colours live in the low band.
     */
    public record Bands(double high, boolean time) {
        public Bands {
            if (!(high >= 0 && high <= 50)) throw new IllegalArgumentException("high-band guidance must be in 0..50: " + high);
        }
    }

    /**
     * @param guidanceAbove guidance acts only on steps that start above this time (Kynkäänniemi et al. 2024's
     *                      interval, its upper end at 1); below it the conditional velocity alone. 0: every step.
     * @param finishBelow   the grid's times strictly between 0 and this are dropped, so the last step goes from the
     *                      lowest grid time at or above it (or from the start, if that is lower) straight to t = 0 (Euler: the network's clean-latent
     *                      prediction x − t·v there); 0: the whole grid
     * @param bands         frequency-decoupled guidance ({@link Bands}); null: one scale for the whole difference
     * @param guidanceBelow the guidance scale on steps that start at or below {@code guidanceAbove} (a two-level
     *                      schedule: {@code guidance} early, on the layout; this late, on the detail); 1: none there
     * @param contrast      contrastive guidance against a second caption (the prompt's mirror, {@link
     *                      dev.tessera.model.text.DirectionSwap}): {@code contrast·(v_c − v_m)} is added to the guided
     *                      velocity on every step, pushing the sample away from what the mirrored caption predicts;
     *                      0: none (and no contrast caption is run)
     */
    public record Options(Solver solver, int steps, double guidance, long seed, Guidance mode, double guidanceAbove, double finishBelow,
                          Bands bands, double guidanceBelow, double contrast) {
        public Options {
            if (!(contrast >= 0 && contrast <= 50)) throw new IllegalArgumentException("contrast must be in 0..50: " + contrast);
            if (!(guidanceBelow >= 0 && guidanceBelow <= 50)) throw new IllegalArgumentException("guidance below must be in 0..50: " + guidanceBelow);
            if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000: " + steps);
            if (!(guidance >= 0 && guidance <= 50)) throw new IllegalArgumentException("guidance must be in 0..50: " + guidance);
            if (mode == null) throw new IllegalArgumentException("guidance mode is missing");
            if (!(guidanceAbove >= 0 && guidanceAbove < 1)) throw new IllegalArgumentException("guidance-above must be in [0, 1): " + guidanceAbove);
            if (!(finishBelow >= 0 && finishBelow < 1)) throw new IllegalArgumentException("finish-below must be in [0, 1): " + finishBelow);
        }

        /** No contrast caption. */
        public Options(Solver solver, int steps, double guidance, long seed, Guidance mode, double guidanceAbove, double finishBelow,
                       Bands bands, double guidanceBelow) {
            this(solver, steps, guidance, seed, mode, guidanceAbove, finishBelow, bands, guidanceBelow, 0);
        }

        /** No guidance below {@code guidanceAbove}. */
        public Options(Solver solver, int steps, double guidance, long seed, Guidance mode, double guidanceAbove, double finishBelow,
                       Bands bands) {
            this(solver, steps, guidance, seed, mode, guidanceAbove, finishBelow, bands, 1.0);
        }

        /** The guidance scale on a step that starts at time t. */
        public double scaleAt(double t) { return t > guidanceAbove ? guidance : guidanceBelow; }

        /** One guidance scale for every frequency. */
        public Options(Solver solver, int steps, double guidance, long seed, Guidance mode, double guidanceAbove, double finishBelow) {
            this(solver, steps, guidance, seed, mode, guidanceAbove, finishBelow, null);
        }

        /** The whole grid. */
        public Options(Solver solver, int steps, double guidance, long seed, Guidance mode, double guidanceAbove) {
            this(solver, steps, guidance, seed, mode, guidanceAbove, 0);
        }

        /** Guidance on every step. */
        public Options(Solver solver, int steps, double guidance, long seed, Guidance mode) {
            this(solver, steps, guidance, seed, mode, 0);
        }

        /** Plain classifier-free guidance. */
        public Options(Solver solver, int steps, double guidance, long seed) {
            this(solver, steps, guidance, seed, Guidance.CFG);
        }
    }

    private Sampler() {}

    /**
     * Samples latents of {@code shape} [B, C, f, h, w]. {@code cond} has batch B; {@code uncond} (the empty prompt)
     * has batch B or 1, and is ignored when guidance is 1.
     */
    public static Tensor sample(VelocityModel model, TextContext cond, TextContext uncond, int[] shape, int tokens,
                                TimeShift shift, Options opt, Progress progress) {
        return sampleFrom(model, cond, uncond, shape, null, 1.0, tokens, shift, opt, progress);
    }

    /**
     * SDEdit (Meng et al. 2022): starts from {@code start} (normalised clean latents of {@code shape}, or null for
     * none) noised to t = {@code strength} on the flow's path, x = (1 − s)·start + s·ε, and integrates from there to
     * t = 0 over the points of the shifted grid below s (so fewer steps than {@code opt.steps()} when s &lt; 1). ε is
     * the same draw that plain sampling starts from, so strength 1 is plain sampling, bit for bit; a small strength
     * keeps the start's layout and lets the DiT redraw its details.
     */
    public static Tensor sampleFrom(VelocityModel model, TextContext cond, TextContext uncond, int[] shape, Tensor start,
                                    double strength, int tokens, TimeShift shift, Options opt, Progress progress) {
        return sampleFrom(model, cond, uncond, null, shape, start, strength, tokens, shift, opt, progress);
    }

    /**
     * {@link #sampleFrom} with a contrast caption {@code mirror} (batch B, or null for none): with {@code
     * opt.contrast()} h > 0, every step runs [cond; uncond; mirror] as one batch of 3B and adds h·(v_c − v_m) to the
     * guided velocity (at guidance scale 1 that is v_c + h·(v_c − v_m)).
     */
    public static Tensor sampleFrom(VelocityModel model, TextContext cond, TextContext uncond, TextContext mirror, int[] shape,
                                    Tensor start, double strength, int tokens, TimeShift shift, Options opt, Progress progress) {
        if (!(strength > 0 && strength <= 1)) throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        if (start == null && strength != 1) throw new IllegalArgumentException("a strength below 1 needs a start latent");
        if (start != null && !java.util.Arrays.equals(start.shape(), shape))
            throw new IllegalArgumentException("start latent " + java.util.Arrays.toString(start.shape()) + " for shape " + java.util.Arrays.toString(shape));
        Rng rng = new Rng(opt.seed());
        Tensor x = Tensor.randn(rng, shape);
        double[] ts = finish(grid(Schedule.times(opt.steps(), tokens, shift), strength), opt.finishBelow());
        boolean contrast = mirror != null && opt.contrast() > 0;
        boolean guided = contrast || opt.guidance() != 1.0 || (opt.guidanceAbove() > 0 && opt.guidanceBelow() != 1.0);
        int b = shape[0];
        TextContext ctx = cond; // [cond; uncond] when guided
        if (guided) {
            TextContext u = uncond;
            if (u.batch() == 1 && b > 1) {
                TextContext[] copies = new TextContext[b];
                java.util.Arrays.fill(copies, u);
                u = TextContext.stack(copies);
            }
            ctx = contrast ? TextContext.stack(cond, u, mirror) : TextContext.stack(cond, u);
        }
        try (var g = Grad.off()) {
            float[] cur = x.toArray();
            if (strength < 1) cur = FlowMatching.interpolate(start.contiguous().data(), cur, uniform(b, (float) strength));
            int steps = ts.length - 1;
            for (int i = 0; i < steps; i++) {
                double t = ts[i], tn = ts[i + 1], dt = tn - t;
                double s1 = opt.scaleAt(t), s2 = opt.scaleAt(tn);
                boolean g1 = guided && (contrast || s1 != 1.0), g2 = guided && (contrast || s2 != 1.0);
                float[] v = velocity(model, cur, shape, t, g1 ? ctx : cond, g1, s1, opt);
                float[] next = opt.solver() == Solver.ANCESTRAL ? ancestral(cur, v, t, tn, rng) : axpy(cur, (float) dt, v);
                if (opt.solver() == Solver.HEUN && tn > 0) {
                    float[] v2 = velocity(model, next, shape, tn, g2 ? ctx : cond, g2, s2, opt);
                    for (int k = 0; k < next.length; k++) next[k] = cur[k] + (float) dt * 0.5f * (v[k] + v2[k]);
                }
                cur = next;
                progress.step(i + 1, steps);
            }
            return Tensor.of(cur, shape.clone());
        }
    }

    /** The times from {@code strength} down: s itself, then the points of {@code ts} (descending, 1 → 0) below it. */
    static double[] grid(double[] ts, double strength) {
        if (strength >= 1) return ts;
        int first = 0;
        while (ts[first] >= strength) first++;
        double[] out = new double[ts.length - first + 1];
        out[0] = strength;
        System.arraycopy(ts, first, out, 1, ts.length - first);
        return out;
    }

    /**
     * {@code ts} (descending, ending at 0) without its times strictly between 0 and {@code below}; the first time (where
     * the sample starts, e.g. an SDEdit strength below {@code below}) always stays, so at least one step is taken.
     */
    static double[] finish(double[] ts, double below) {
        if (below <= 0) return ts;
        return java.util.stream.IntStream.range(0, ts.length).filter(i -> i == 0 || ts[i] >= below || ts[i] <= 0)
                .mapToDouble(i -> ts[i]).toArray();
    }

    private static float[] uniform(int b, float t) {
        float[] out = new float[b];
        java.util.Arrays.fill(out, t);
        return out;
    }

    /**
     * The model's velocity at t, guided at {@code scale} when {@code guided} (ctx is then [cond; uncond], or [cond;
     * uncond; mirror] with the contrast term added).
     */
    private static float[] velocity(VelocityModel model, float[] x, int[] shape, double t, TextContext ctx,
                                    boolean guided, double scale, Options opt) {
        int b = shape[0], n = x.length;
        if (!guided) {
            float[] tt = new float[b];
            java.util.Arrays.fill(tt, (float) t);
            return model.velocity(Tensor.of(x.clone(), shape.clone()), Tensor.of(tt, b), ctx).toArray();
        }
        int parts = ctx.batch() / b; // 2: [cond; uncond], 3: [cond; uncond; mirror]
        int[] s2 = shape.clone();
        s2[0] = parts * b;
        float[] x2 = new float[parts * n];
        for (int p = 0; p < parts; p++) System.arraycopy(x, 0, x2, p * n, n);
        float[] tt = new float[parts * b];
        java.util.Arrays.fill(tt, (float) t);
        float[] v = model.velocity(Tensor.of(x2, s2), Tensor.of(tt, parts * b), ctx).data();
        float[] vm = parts == 3 ? java.util.Arrays.copyOfRange(v, 2 * n, 3 * n) : null;
        if (parts == 3) v = java.util.Arrays.copyOf(v, 2 * n);
        if (opt.bands() != null && scale != 1.0) decouple(v, shape, scale, opt.bands()); // at scale 1 the guided velocity is v_c
        float[] out = switch (opt.mode()) {
            case CFG -> FlowMatching.guide(java.util.Arrays.copyOf(v, n), java.util.Arrays.copyOfRange(v, n, 2 * n), scale);
            case APG -> projected(x, v, b, t, scale);
        };
        if (vm != null) {
            float h = (float) opt.contrast(); // v[0, n) is still v_c: decouple rewrites only the unconditional half
            for (int k = 0; k < n; k++) out[k] += h * (v[k] - vm[k]);
        }
        return out;
    }

    /**
     * Rewrites the unconditional half of v ([v_c; v_u], each of {@code shape}) so that the guidance difference becomes
     * Δ' = L + r·(Δ − L) ({@link Bands}); every guidance formula here is linear in Δ, so (g − 1)·Δ' is the low band at
     * scale g and the high band at scale {@code high}.
     */
    static void decouple(float[] v, int[] shape, double g, Bands bands) {
        int n = v.length / 2;
        float[] d = new float[n];
        for (int k = 0; k < n; k++) d[k] = v[k] - v[n + k];
        float[] low = blur(d, shape, bands.time());
        float r = (float) ((bands.high() - 1) / (g - 1));
        for (int k = 0; k < n; k++) v[n + k] = v[k] - (low[k] + r * (d[k] - low[k]));
    }

    /** The binomial [1, 4, 6, 4, 1]/16 low-pass of {@code a} ([B, C, f, h, w]) along w and h (and f when {@code time}), edges repeated. */
    static float[] blur(float[] a, int[] shape, boolean time) {
        int f = shape[2], h = shape[3], w = shape[4];
        float[] out = pass(a, w, 1);
        out = pass(out, h, w);
        if (time) out = pass(out, f, h * w);
        return out;
    }

    /** One 5-tap binomial pass along an axis of {@code len} points {@code stride} apart (contiguous blocks of len·stride). */
    private static float[] pass(float[] a, int len, int stride) {
        float[] out = new float[a.length];
        float[] wt = {1 / 16f, 4 / 16f, 6 / 16f, 4 / 16f, 1 / 16f};
        int blocks = a.length / (len * stride);
        for (int blk = 0; blk < blocks; blk++)
            for (int s = 0; s < stride; s++) {
                int base = blk * len * stride + s;
                for (int i = 0; i < len; i++) {
                    float acc = 0;
                    for (int k = -2; k <= 2; k++) {
                        int j = Math.min(len - 1, Math.max(0, i + k));
                        acc += wt[k + 2] * a[base + j * stride];
                    }
                    out[base + i * stride] = acc;
                }
            }
        return out;
    }

    /** APG (see {@link Guidance}); v holds [v_cond; v_uncond], each of x's size; b samples. */
    static float[] projected(float[] x, float[] v, int b, double t, double g) {
        int n = x.length, per = n / b;
        float[] out = new float[n];
        float tf = (float) t, gm1 = (float) (g - 1);
        for (int i = 0; i < b; i++) {
            double dot = 0, norm = 0;
            for (int k = i * per; k < (i + 1) * per; k++) {
                float d = v[k] - v[n + k], dc = x[k] - tf * v[k];
                dot += (double) d * dc;
                norm += (double) dc * dc;
            }
            float c = norm > 0 ? (float) (dot / norm) : 0f;
            for (int k = i * per; k < (i + 1) * per; k++) {
                float d = v[k] - v[n + k], dc = x[k] - tf * v[k];
                out[k] = v[k] + gm1 * (d - c * dc);
            }
        }
        return out;
    }

    /**
     * One ancestral step from t to tn < t. With x̂₀ = x − t·v and ε̂ = x + (1−t)·v (the flow's clean-latent and noise
     * predictions) and σ = t/(1−t), σ' = tn/(1−tn): σ_up = σ'·√(1 − σ'²/σ²), σ_down = √(σ'² − σ_up²), and
     * x' = (1−tn)·(x̂₀ + σ_down·ε̂ + σ_up·ξ), ξ fresh standard-normal noise. At t = 1 (σ = ∞) σ_up = σ' and the step
     * lands on x̂₀ noised afresh; at tn = 0 it returns x̂₀ (the last step adds no noise).
     */
    static float[] ancestral(float[] x, float[] v, double t, double tn, Rng rng) {
        int n = x.length;
        float[] out = new float[n];
        if (tn <= 0) {
            for (int i = 0; i < n; i++) out[i] = x[i] - (float) t * v[i];
            return out;
        }
        double sp = tn / (1 - tn), ratio = t >= 1 ? 0 : sp * (1 - t) / t;
        double up = sp * Math.sqrt(Math.max(0, 1 - ratio * ratio)), down = Math.sqrt(Math.max(0, sp * sp - up * up));
        float[] noise = Tensor.randn(rng, n).data();
        float a = (float) (1 - tn), tf = (float) t, fd = (float) down, fu = (float) up;
        for (int i = 0; i < n; i++) {
            float x0 = x[i] - tf * v[i], eps = x[i] + (1 - tf) * v[i];
            out[i] = a * (x0 + fd * eps + fu * noise[i]);
        }
        return out;
    }

    private static float[] axpy(float[] x, float a, float[] y) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i] + a * y[i];
        return out;
    }
}
