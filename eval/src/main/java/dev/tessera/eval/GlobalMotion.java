package dev.tessera.eval;

import dev.tessera.media.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * Background (camera) motion between consecutive frames: block matching on luma over textured blocks that are not
 * on detected things, then a robust least-squares fit of a affine flow field about the image centre,
 * {@code u = tx + a X + b Y, v = ty + c X + d Y} (X, Y measured from the centre). {@code tx, ty} are the background's
 * image shift in pixels per frame (a pan left moves the background right: tx > 0), {@code s} its expansion per frame
 * (zoom or dolly in: s > 0); the fit is a full affine field, so a crane (vertical flow growing toward the near
 * ground, {@code d > 0} with {@code a ~ 0}) separates from a zoom ({@code a ~ d}). {@code parallax} is the slope of the horizontal residual flow against image height: a
 * translating camera moves the near ground (low in the image) faster than the far background, a rotating one does not.
 *
 * <p>Limits: untextured backgrounds give no blocks ({@code blocks == 0}, the step reads as unknown); motions larger
 * than the search radius (a tenth of the width per frame) alias.
 */
public final class GlobalMotion {
    /** One frame-to-frame step of background motion. */
    public record Step(double tx, double ty, double a, double b, double c, double d, double parallax, double residual, int blocks) {
        public boolean known() { return blocks >= 4; }
        /** Mean expansion (zoom/dolly in > 0). */
        public double s() { return (a + d) / 2; }
        /** Background flow at pixel (x, y) for an image of the given size. */
        public double u(double x, double y, int w, int h) { return tx + a * (x - w / 2.0) + b * (y - h / 2.0); }
        public double v(double x, double y, int w, int h) { return ty + c * (x - w / 2.0) + d * (y - h / 2.0); }
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
        return estimate(a, b, w, h, exclude, List.of());
    }

    /**
     * As above, plus anchor observations {x, y, u, v} (image coordinates) from things that stay put in the world
     * (their box corners between the two frames): on untextured ground they are the only evidence of a camera move.
     * Each anchor point weighs as much as a strongly textured block.
     */
    public static Step estimate(float[] a, float[] b, int w, int h, boolean[] exclude, List<double[]> anchors) {
        List<double[]> obs = new ArrayList<>(); // x, y, u, v, weight
        for (double[] an : anchors) obs.add(new double[] {an[0] - w / 2.0, an[1] - h / 2.0, an[2], an[3], 0.15});
        int anchorCount = obs.size();
        int bs = Math.max(6, Math.min(w, h) / 10), rad = Math.max(3, Math.min(w, h) / 10);
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
                if (var < 1e-4) continue; // flat: no information
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
        if (obs.size() - anchorCount < 4 && anchorCount < 4) return new Step(0, 0, 0, 0, 0, 0, 0, 0, obs.size());
        // most of the picture unmoved: the camera is still and whatever moved is things (or their shadows)
        // (the median block is exactly in place: identical pixels give a zero SAD at zero shift)
        int still = 0, blocks = obs.size() - anchorCount;
        for (int i = anchorCount; i < obs.size(); i++) if (Math.abs(obs.get(i)[2]) < 0.05 && Math.abs(obs.get(i)[3]) < 0.05) still++;
        if (blocks >= 4 && still >= 0.5 * blocks) return new Step(0, 0, 0, 0, 0, 0, 0, 0, obs.size());
        double[] p = fit(obs, null);
        double[] res = residuals(obs, p);
        boolean[] keep = new boolean[obs.size()];
        int kept = 0;
        // three rounds of trimming: blocks on things, shadows and aliased texture fall out
        for (int round = 0; round < 3; round++) {
            double[] sorted = res.clone();
            java.util.Arrays.sort(sorted);
            double cut = 2.0 * sorted[sorted.length / 2] + (round == 0 ? 0.35 : 0.15);
            kept = 0;
            for (int i = 0; i < keep.length; i++) { keep[i] = res[i] <= cut; if (keep[i]) kept++; }
            if (kept < 4) break;
            p = fit(obs, keep);
            res = residuals(obs, p);
        }
        // parallax: slope of the horizontal residual against Y (weighted), normalised per pixel of height
        double sy = 0, syy = 0, sxy = 0, sw = 0, rsum = 0;
        for (int i = 0; i < obs.size(); i++) {
            if (kept >= 4 && !keep[i]) continue;
            double[] o = obs.get(i);
            double ru = o[2] - (p[0] + p[1] * o[0] + p[3] * o[1]);
            sy += o[1]; syy += o[1] * o[1]; sxy += o[1] * ru; sw += 1; rsum += res[i];
        }
        double vy = syy / sw - (sy / sw) * (sy / sw);
        double par = vy > 1e-9 ? (sxy / sw - (sy / sw) * 0) / vy : 0;
        return new Step(p[0], p[2], p[1], p[3], p[4], p[5], par, rsum / sw, (int) sw);
    }

    private static double sadAt(float[] a, float[] b, int w, int bx, int by, int bs, int du, int dv) {
        double s = 0;
        for (int y = by; y < by + bs; y++) {
            int ra = y * w, rb = (y + dv) * w + du;
            for (int x = bx; x < bx + bs; x++) s += Math.abs(a[ra + x] - b[rb + x]);
        }
        return s;
    }

    /**
     * Weighted least squares for the affine flow {u = p0 + p1 X + p3 Y, v = p2 + p4 X + p5 Y}; u and v separate into
     * two 3x3 systems. Returned as {tx, a, ty, b, c, d}.
     */
    private static double[] fit(List<double[]> obs, boolean[] keep) {
        double[][] mu = new double[3][4], mv = new double[3][4];
        for (int i = 0; i < obs.size(); i++) {
            if (keep != null && !keep[i]) continue;
            double[] o = obs.get(i);
            double[] row = {1, o[0], o[1]};
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) { mu[j][k] += o[4] * row[j] * row[k]; mv[j][k] += o[4] * row[j] * row[k]; }
                mu[j][3] += o[4] * row[j] * o[2]; mv[j][3] += o[4] * row[j] * o[3];
            }
        }
        for (int j = 0; j < 3; j++) { mu[j][j] += 1e-6; mv[j][j] += 1e-6; }
        double[] pu = solve(mu), pv = solve(mv);
        return new double[] {pu[0], pu[1], pv[0], pu[2], pv[1], pv[2]};
    }

    private static double[] residuals(List<double[]> obs, double[] p) {
        double[] r = new double[obs.size()];
        for (int i = 0; i < r.length; i++) {
            double[] o = obs.get(i);
            double du = o[2] - (p[0] + p[1] * o[0] + p[3] * o[1]), dv = o[3] - (p[2] + p[4] * o[0] + p[5] * o[1]);
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
