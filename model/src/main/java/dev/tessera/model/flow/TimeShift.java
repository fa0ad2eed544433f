package dev.tessera.model.flow;

/**
 * Resolution-dependent time shift (SD3 §5.3.2, Flux): more tokens carry more redundant signal, so the same noise level
 * destroys less of the picture; shifting t toward 1 (more noise) for longer sequences keeps the effective
 * signal-to-noise ratio comparable across sizes and durations.
 *
 * <p>{@code shift(t) = s·t / (1 + (s−1)·t)} with {@code s = exp(mu)} and mu linear in the token count between
 * ({@link #baseTokens}, {@link #baseMu}) and ({@link #maxTokens}, {@link #maxMu}) — Flux's numbers, kept because our
 * token counts (a few hundred to a few thousand) sit in the same range.
 */
public record TimeShift(int baseTokens, double baseMu, int maxTokens, double maxMu) {
    public static final TimeShift FLUX = new TimeShift(256, 0.5, 4096, 1.15);
    /** No shift at any length (s = 1). */
    public static final TimeShift NONE = new TimeShift(256, 0.0, 4096, 0.0);

    public TimeShift {
        if (baseTokens <= 0 || maxTokens <= baseTokens)
            throw new IllegalArgumentException("need 0 < baseTokens < maxTokens: " + baseTokens + ", " + maxTokens);
    }

    /** mu for a sequence of {@code tokens} spacetime patches (linear, extrapolated outside the two anchors). */
    public double mu(int tokens) {
        return baseMu + (maxMu - baseMu) * (tokens - baseTokens) / (double) (maxTokens - baseTokens);
    }

    /** The shift factor s = exp(mu); grows with the token count. */
    public double factor(int tokens) { return Math.exp(mu(tokens)); }

    /** Shifted time for a sequence of {@code tokens}: maps 0→0 and 1→1, monotone. */
    public double apply(double t, int tokens) {
        double s = factor(tokens);
        return s * t / (1.0 + (s - 1.0) * t);
    }
}
