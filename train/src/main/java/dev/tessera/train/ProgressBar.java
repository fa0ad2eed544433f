package dev.tessera.train;

import java.io.PrintStream;
import java.util.Locale;

/** One self-overwriting line on stderr: {@code [#####.....] 1200/5000 24% | 812 ms/step | ETA 51m12s}. */
public final class ProgressBar {
    private final PrintStream out;
    private final long total, first;
    private final long t0 = System.nanoTime();
    private final boolean enabled;

    public ProgressBar(PrintStream out, long first, long total, boolean enabled) {
        this.out = out;
        this.first = first;
        this.total = total;
        this.enabled = enabled;
    }

    public void update(long done) {
        if (!enabled) return;
        double frac = total == 0 ? 1 : done / (double) total;
        int width = 30, fill = (int) Math.round(frac * width);
        double per = done > first ? (System.nanoTime() - t0) / 1e9 / (done - first) : Double.NaN;
        String eta = Double.isNaN(per) ? "?" : duration(per * (total - done));
        out.printf(Locale.ROOT, "\r[%s%s] %d/%d %3.0f%% | %s/step | ETA %s   ", "#".repeat(fill), ".".repeat(width - fill),
                done, total, frac * 100, Double.isNaN(per) ? "?" : String.format(Locale.ROOT, "%.2fs", per), eta);
        out.flush();
    }

    /** Clears the bar's line so a log line can be printed cleanly. */
    public void clear() {
        if (!enabled) return;
        out.print("\r" + " ".repeat(90) + "\r");
        out.flush();
    }

    static String duration(double s) {
        long t = Math.round(s);
        if (t >= 3600) return String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60);
        if (t >= 60) return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
        return t + "s";
    }
}
