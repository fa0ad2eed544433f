package dev.tessera.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and repeated timing shared by the benchmarks (the machines are shared and noisy: we quote medians). */
final class Stats {
    private Stats() {}

    interface Task { void run() throws Exception; }

    /** The median of the values (the mean of the middle two for an even count); 0 for none. */
    /** {@code v} to six decimals, for the JSON lines of the model probes (direction, heldout). */
    static double round6(double v) { return Math.round(v * 1e6) / 1e6; }

    static double median(double[] values) {
        if (values.length == 0) return 0;
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double median(List<Double> values) {
        return median(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Median wall seconds of {@code reps} runs, after one untimed warm-up run when asked (JIT, buffers). */
    static double seconds(int reps, boolean warmUp, Task task) throws Exception {
        if (warmUp) task.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            task.run();
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        return median(t);
    }
}
