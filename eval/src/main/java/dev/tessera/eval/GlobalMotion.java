package dev.tessera.eval;

import dev.tessera.media.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Background (camera) motion between consecutive frames: block matching on luma over textured blocks that are not
 * on detected things, then a robust least-squares fit of a similarity flow field about the image centre,
 * {@code u = tx + s X - r Y, v = ty + s Y + r X} (X, Y measured from the centre). {@code tx, ty} are the background's
 * image shift in pixels per frame (a pan left moves the background right: tx > 0), {@code s} its expansion per frame
 * (zoom or dolly in: s > 0). {@code parallax} is the slope of the horizontal residual flow against image height: a
 * translating camera moves the near ground (low in the image) faster than the far background, a rotating one does not.
 *
 * <p>Limits: untextured backgrounds give no blocks ({@code blocks == 0}, the step reads as unknown); motions larger
 * than the search radius (a tenth of the width per frame) alias.
 */
public final class GlobalMotion {
    /** One frame-to-frame step of background motion. */
    public record Step(double tx, double ty, double s, double r, double parallax, double residual, int blocks) {
        public boolean known() { return blocks >= 4; }
        /** Background flow at pixel (x, y) for an image of the given size. */
        public double u(double x, double y, int w, int h) { return tx + s * (x - w / 2.0) - r * (y - h / 2.0); }
        public double v(double x, double y, int w, int h) { return ty + s * (y - h / 2.0) + r * (x - w / 2.0); }
    }

    private GlobalMotion() {}

    public static float[] luma(Frame f) {
        int[] p = f.rgb();
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++)
            out[i] = (0.299f * (p[i] >> 16 & 255) + 0.587f * (p[i] >> 8 & 255) + 0.114f * (p[i] & 255)) / 255f;
        return out;
    }

    /**
     * Motion from frame a to frame b. {@code exclude} marks pixels of things (may be null): blocks mostly on them
     * are skipped, since they move on their own.
     */
    public static Step estimate(float[] a, float[] b, int w, int h, boolean[] exclude) {
        int bs = Math.max(6, Math.min(w, h) / 10), rad = Math.max(3, Math.min(w, h) / 10);
        List<double[]> obs = new ArrayList<>(); // x, y, u, v, weight
        for (int by = rad; by + bs + rad <= h; by += bs / 2 + 1) {
            for (int bx = rad; bx + bs + rad <= w; bx += bs / 2 + 1) {
                double mean = 0, var = 0;
                int masked = 0;
                for (int y = by; y < by + bs; y++)
                    for (int x = bx; x < bx + bs; x++) {
                        mean += a[y * w + x];
                        if (exclude != null && exclude[y * w + x]) masked++;
                    }
                if (masked > bs * bs / 4) continue;
                mean /= bs * bs;
                for (int y = by; y < by + bs; y++) for (int x = bx; x < bx + bs; x++) { double d = a[y * w + x] - mean; var += d * d; }
                var /= bs * bs;
                if (var < 4e-4) continue; // flat: no information
                double[] sad = new double[(2 * rad + 1) * (2 * rad + 1)];
                double best = Double.MAX_VALUE, second = Double.MAX_VALUE;
                int bu = 0, bv = 0;
                for (int dv = -rad; dv <= rad; dv++)
                    for (int du = -rad; du <= rad; du++) {
                        double s = 0;
                        for (int y = by; y < by + bs && s < best; y++) {
                            int ra = y * w, rb = (y + dv) * w + du;
                            for (int x = bx; x < bx + bs; x++) s += Math.abs(a[ra + x] - b[rb + x]);
                        }
                        sad[(dv + rad) * (2 * rad + 1) + du + rad] = s;
                        if (s < best) { second = best; best = s; bu = du; bv = dv; } else if (s < second) second = s;
                    }
                // refine to sub-pixel with a parabola through the neighbours (needs full SADs: recompute the cross)
                double fu = bu, fv = bv;
                if (Math.abs(bu) < rad) {
                    double l = sadAt(a, b, w, bx, by, bs, bu - 1, bv), r = sadAt(a, b, w, bx, by, bs, bu + 1, bv);
                    double den = l - 2 * best + r;
                    if (den > 1e-9) fu += Math.max(-0.5, Math.min(0.5, 0.5 * (l - r) / den));
                }
                if (Math.abs(bv) < rad) {
                    double u = sadAt(a, b, w, bx, by, bs, bu, bv - 1), d = sadAt(a, b, w, bx, by, bs, bu, bv + 1);
                    double den = u - 2 * best + d;
                    if (den > 1e-9) fv += Math.max(-0.5, Math.min(0.5, 0.5 * (u - d) / den));
                }
                double weight = Math.sqrt(var);
                obs.add(new double[] {bx + bs / 2.0 - w / 2.0, by + bs / 2.0 - h / 2.0, fu, fv, weight});
            }
        }
        if (obs.size() < 4) return new Step(0, 0, 0, 0, 0, 0, obs.size());
        double[] p = fit(obs, null);
        double[] res = residuals(obs, p);
        double[] sorted = res.clone();
        java.util.Arrays.sort(sorted);
        double cut = 2.5 * sorted[sorted.length / 2] + 0.35;
        boolean[] keep = new boolean[obs.size()];
        int kept = 0;
        for (int i = 0; i < keep.length; i++) if (res[i] <= cut) { keep[i] = true; kept++; }
        if (kept >= 4) p = fit(obs, keep);
        res = residuals(obs, p);
        // parallax: slope of the horizontal residual against Y (weighted), normalised per pixel of height
        double sy = 0, syy = 0, sxy = 0, sw = 0, rsum = 0;
        for (int i = 0; i < obs.size(); i++) {
            if (keep != null && kept >= 4 && !keep[i]) continue;
            double[] o = obs.get(i);
            double ru = o[2] - (p[0] + p[2] * o[0] - p[3] * o[1]);
            sy += o[1]; syy += o[1] * o[1]; sxy += o[1] * ru; sw += 1; rsum += res[i];
        }
        double vy = syy / sw - (sy / sw) * (sy / sw);
        double par = vy > 1e-9 ? (sxy / sw - (sy / sw) * 0) / vy : 0;
        return new Step(p[0], p[1], p[2], p[3], par, rsum / sw, (int) sw);
    }

    private static double sadAt(float[] a, float[] b, int w, int bx, int by, int bs, int du, int dv) {
        double s = 0;
        for (int y = by; y < by + bs; y++) {
            int ra = y * w, rb = (y + dv) * w + du;
            for (int x = bx; x < bx + bs; x++) s += Math.abs(a[ra + x] - b[rb + x]);
        }
        return s;
    }

    /** Weighted least squares for (tx, ty, s, r); the normal equations separate because X, Y are about the centre. */
    private static double[] fit(List<double[]> obs, boolean[] keep) {
        double[][] m = new double[4][5];
        for (int i = 0; i < obs.size(); i++) {
            if (keep != null && !keep[i]) continue;
            double[] o = obs.get(i);
            double x = o[0], y = o[1], u = o[2], v = o[3], wt = o[4];
            // rows: u = tx + s x - r y ; v = ty + s y + r x
            double[][] rows = {{1, 0, x, -y, u}, {0, 1, y, x, v}};
            for (double[] row : rows)
                for (int j = 0; j < 4; j++) for (int k = 0; k < 5; k++) m[j][k] += wt * row[j] * row[k];
        }
        for (int j = 0; j < 4; j++) m[j][j] += 1e-6;
        return solve(m);
    }

    private static double[] residuals(List<double[]> obs, double[] p) {
        double[] r = new double[obs.size()];
        for (int i = 0; i < r.length; i++) {
            double[] o = obs.get(i);
            double du = o[2] - (p[0] + p[2] * o[0] - p[3] * o[1]), dv = o[3] - (p[1] + p[2] * o[1] + p[3] * o[0]);
            r[i] = Math.sqrt(du * du + dv * dv);
        }
        return r;
    }

    static double[] solve(double[][] m) {
        int n = m.length;
        for (int c = 0; c < n; c++) {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
            double[] t = m[c]; m[c] = m[piv]; m[piv] = t;
            for (int r = 0; r < n; r++) {
                if (r == c || m[c][c] == 0) continue;
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = m[i][i] == 0 ? 0 : m[i][n] / m[i][i];
        return x;
    }
}
