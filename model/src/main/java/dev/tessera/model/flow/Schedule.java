package dev.tessera.model.flow;

/**
 * Sampling time grid: {@code steps + 1} times from 1 (pure noise) down to 0 (data), uniform in t before the
 * resolution-dependent {@link TimeShift}, so longer/larger videos spend more steps at high noise.
 */
public final class Schedule {
    private Schedule() {}

    public static double[] times(int steps, int tokens, TimeShift shift) {
        if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000: " + steps);
        double[] t = new double[steps + 1];
        for (int i = 0; i <= steps; i++) t[i] = shift.apply(1.0 - i / (double) steps, tokens);
        t[0] = 1.0;
        t[steps] = 0.0;
        return t;
    }
}
