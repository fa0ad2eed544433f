package dev.tessera.engine.optim;

/** Learning rate as a function of the step (0-based). */
@FunctionalInterface
public interface LrSchedule {
    double at(long step);

    static LrSchedule constant(double lr) { return s -> lr; }

    /** Linear warmup from 0 to {@code peak} over {@code warmup} steps, then cosine decay to {@code min} at {@code total}. */
    static LrSchedule warmupCosine(double peak, long warmup, long total, double min) {
        if (warmup < 0 || total <= 0 || warmup > total) throw new IllegalArgumentException("bad schedule: warmup " + warmup + ", total " + total);
        return s -> {
            if (s < warmup) return peak * (s + 1) / warmup;
            if (s >= total) return min;
            double p = (double) (s - warmup) / Math.max(1, total - warmup);
            return min + 0.5 * (peak - min) * (1 + Math.cos(Math.PI * p));
        };
    }
}
