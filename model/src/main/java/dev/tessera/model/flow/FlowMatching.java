package dev.tessera.model.flow;

/**
 * Rectified flow (Liu et al. 2022; SD3's recipe): data x0 at t = 0, Gaussian noise ε at t = 1, a straight path
 * {@code x_t = (1−t)·x0 + t·ε} whose velocity {@code dx_t/dt = ε − x0} the network learns to predict. Training draws
 * t from a logit-normal (SD3: m = 0, s = 1 puts most samples at mid noise, where the velocity is hardest to guess),
 * then shifts it by the token count exactly as the sampler does.
 *
 * <p>This class is the process only; the network is reached through {@code velocity(x, t, context)} and the solvers
 * live in {@code Sampler}s (STYLE.md §6). Everything here works on plain arrays so the process is testable alone.
 */
public record FlowMatching(double logitMean, double logitStd, TimeShift shift, double tMin, double tMax) {
    public static final FlowMatching DEFAULT = new FlowMatching(0.0, 1.0, TimeShift.FLUX);

    public FlowMatching {
        if (!(logitStd > 0)) throw new IllegalArgumentException("logitStd must be > 0: " + logitStd);
        if (!(tMin >= 0 && tMin < tMax && tMax <= 1)) throw new IllegalArgumentException("need 0 <= tMin < tMax <= 1: " + tMin + ", " + tMax);
    }

    /** Training times over all of (0, 1). */
    public FlowMatching(double logitMean, double logitStd, TimeShift shift) { this(logitMean, logitStd, shift, 0, 1); }

    /**
     * Training time from one standard-normal draw {@code n}: shift(sigmoid(m + s·n)), in (0, 1), mapped linearly into
     * (tMin, tMax) — the whole path by default, a part of it for an expert that only denoises there.
     */
    public double sampleTime(double n, int tokens) {
        double t = shift.apply(1.0 / (1.0 + Math.exp(-(logitMean + logitStd * n))), tokens);
        return tMin == 0 && tMax == 1 ? t : tMin + (tMax - tMin) * t;
    }

    /** x_t = (1−t)·x0 + t·ε, elementwise; t is one value per batch item, each item {@code x0.length / t.length} long. */
    public static float[] interpolate(float[] x0, float[] eps, float[] t) {
        check(x0, eps, t);
        int per = x0.length / t.length;
        float[] out = new float[x0.length];
        for (int b = 0; b < t.length; b++) {
            float tb = t[b], sb = 1f - tb;
            for (int i = b * per, e = i + per; i < e; i++) out[i] = sb * x0[i] + tb * eps[i];
        }
        return out;
    }

    /** The velocity target ε − x0 (what the network must output at any t on the path). */
    public static float[] target(float[] x0, float[] eps) {
        if (x0.length != eps.length) throw new IllegalArgumentException("x0 and eps differ in size");
        float[] out = new float[x0.length];
        for (int i = 0; i < out.length; i++) out[i] = eps[i] - x0[i];
        return out;
    }

    /** Classifier-free guidance: v = v_uncond + g·(v_cond − v_uncond); g = 1 is the conditional model alone. */
    public static float[] guide(float[] vCond, float[] vUncond, double g) {
        if (vCond.length != vUncond.length) throw new IllegalArgumentException("velocities differ in size");
        float[] out = new float[vCond.length];
        float gf = (float) g;
        for (int i = 0; i < out.length; i++) out[i] = vUncond[i] + gf * (vCond[i] - vUncond[i]);
        return out;
    }

    private static void check(float[] x0, float[] eps, float[] t) {
        if (x0.length != eps.length) throw new IllegalArgumentException("x0 and eps differ in size");
        if (t.length == 0 || x0.length % t.length != 0)
            throw new IllegalArgumentException("batch of " + t.length + " times does not divide " + x0.length + " values");
    }
}
