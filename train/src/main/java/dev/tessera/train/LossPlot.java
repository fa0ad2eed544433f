package dev.tessera.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The loss curve as a PNG, drawn with java.awt (headless): every step's loss as faint dots, an exponential moving
 * average (over ~2% of the run) as a line, log-scale y axis with decade ticks, step on x.
 */
public final class LossPlot {
    static { System.setProperty("java.awt.headless", "true"); }

    private LossPlot() {}

    public static void write(Path png, long[] steps, double[] loss, String title) throws IOException {
        int w = 900, h = 500, left = 70, right = 20, top = 40, bottom = 50;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(Color.DARK_GRAY);
        g.drawString(title, left, 22);
        int n = Math.min(steps.length, loss.length);
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++)
            if (loss[i] > 0 && Double.isFinite(loss[i])) {
                lo = Math.min(lo, Math.log10(loss[i]));
                hi = Math.max(hi, Math.log10(loss[i]));
            }
        if (lo > hi) { lo = -1; hi = 0; }
        lo = Math.floor(lo * 4) / 4;
        hi = Math.ceil(hi * 4) / 4;
        if (hi - lo < 0.25) hi = lo + 0.25;
        long s0 = n > 0 ? steps[0] : 0, s1 = n > 0 ? Math.max(steps[n - 1], s0 + 1) : 1;
        int pw = w - left - right, ph = h - top - bottom;
        g.setColor(new Color(235, 235, 235));
        for (double d = Math.ceil(lo); d <= hi; d += 1) {
            int y = top + (int) ((hi - d) / (hi - lo) * ph);
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.GRAY);
        g.drawRect(left, top, pw, ph);
        for (double d = lo; d <= hi + 1e-9; d += (hi - lo) > 2 ? 0.5 : 0.25) {
            int y = top + (int) ((hi - d) / (hi - lo) * ph);
            String label = String.format(Locale.ROOT, Math.abs(d) >= 3 ? "%.0e" : "%.3g", Math.pow(10, d));
            g.drawString(label, 5, y + 4);
            g.drawLine(left - 4, y, left, y);
        }
        for (int i = 0; i <= 5; i++) {
            long s = s0 + (s1 - s0) * i / 5;
            int x = left + (int) ((s - s0) / (double) (s1 - s0) * pw);
            g.drawLine(x, top + ph, x, top + ph + 4);
            g.drawString(Long.toString(s), x - 10, top + ph + 18);
        }
        g.drawString("step", left + pw / 2 - 10, h - 10);
        g.setColor(new Color(120, 160, 230, 90));
        for (int i = 0; i < n; i++) {
            if (!(loss[i] > 0) || !Double.isFinite(loss[i])) continue;
            int x = left + (int) ((steps[i] - s0) / (double) (s1 - s0) * pw);
            int y = top + (int) ((hi - Math.log10(loss[i])) / (hi - lo) * ph);
            g.fillRect(x - 1, y - 1, 2, 2);
        }
        g.setColor(new Color(20, 60, 170));
        g.setStroke(new BasicStroke(2f));
        double alpha = 2.0 / (Math.max(10, n / 50) + 1), avg = Double.NaN;
        int px = -1, py = -1;
        for (int i = 0; i < n; i++) {
            if (!(loss[i] > 0) || !Double.isFinite(loss[i])) continue;
            double l = Math.log10(loss[i]);
            avg = Double.isNaN(avg) ? l : avg + alpha * (l - avg);
            int x = left + (int) ((steps[i] - s0) / (double) (s1 - s0) * pw);
            int y = top + (int) ((hi - avg) / (hi - lo) * ph);
            if (px >= 0) g.drawLine(px, py, x, y);
            px = x;
            py = y;
        }
        g.dispose();
        writePng(img, png);
    }

    /** PNG written to a temp file beside the target, then renamed. */
    static void writePng(BufferedImage img, Path png) throws IOException {
        Path tmp = png.resolveSibling("." + png.getFileName() + ".tmp"); // not createTempFile: mode 0600 would stick
        try {
            if (!ImageIO.write(img, "png", tmp.toFile())) throw new IOException("no PNG writer");
            Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
