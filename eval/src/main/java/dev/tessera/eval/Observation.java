package dev.tessera.eval;

import dev.tessera.eval.Blobs.Blob;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything SimBench sees in one video, computed once from pixels: palette labels and components per frame, luma,
 * background motion per frame step (with the prompt's things masked out) and the per-thing tracks. Nothing here
 * reads ground truth; the only input besides pixels is which palette colours the prompt's things have.
 */
public final class Observation {
    public final int width, height, frames;
    public final double fps;
    final List<Frame> video;
    final byte[][] labels;
    final float[][] luma;
    final List<List<Blob>> blobs = new ArrayList<>();
    /** steps[t]: background motion from frame t to t + 1. */
    public final GlobalMotion.Step[] steps;
    private final Map<String, Track> tracks = new HashMap<>();

    public Observation(Video v, java.util.Set<Integer> thingColours) {
        width = v.width(); height = v.height(); frames = v.frameCount(); fps = v.fps();
        if (frames < 1) throw new IllegalArgumentException("video has no frames");
        video = v.frames();
        labels = new byte[frames][width * height];
        luma = new float[frames][];
        int minArea = minArea();
        for (int t = 0; t < frames; t++) {
            ColourModel.labels(video.get(t).rgb(), labels[t]);
            luma[t] = GlobalMotion.luma(video.get(t));
            blobs.add(Blobs.find(labels[t], width, height, minArea));
        }
        steps = new GlobalMotion.Step[frames - 1];
        for (int t = 0; t + 1 < frames; t++) {
            boolean[] ex = new boolean[width * height];
            for (Blob b : blobs.get(t))
                if (!b.background() && thingColours.contains((int) b.label())) for (int p : b.pixels()) ex[p] = true;
            steps[t] = GlobalMotion.estimate(luma[t], luma[t + 1], width, height, ex);
        }
    }

    /** Smallest component counted as a thing: ~0.1% of the frame, at least 4 pixels. */
    public int minArea() { return Math.max(4, width * height / 1000); }

    public List<Blob> things(int t, int colour) {
        List<Blob> out = new ArrayList<>();
        for (Blob b : blobs.get(t)) if (b.label() == colour && !b.background()) out.add(b);
        out.sort((a, b) -> Integer.compare(b.area(), a.area()));
        return out;
    }

    /** Cumulative background shift at frame t (sum of steps before it) of the image centre. */
    public double[] cumulative(int t) {
        double x = 0, y = 0, s = 0;
        for (int i = 0; i < t; i++) { x += steps[i].tx(); y += steps[i].ty(); s += steps[i].s(); }
        return new double[] {x, y, s};
    }

    /**
     * A thing's track: per frame the chosen component(s) of its colour. {@code count} components are kept (groups);
     * the centre is the area-weighted mean of the kept ones. Continuity breaks ties: among similar-sized candidates
     * the one nearest the previous position wins.
     */
    public record Track(String ref, int colour, boolean[] present, double[] x, double[] y, double[] area,
                        double[] top, double[] bottom, double[] left, double[] right, int[] components, Blob[] main) {
        public int presentCount() { int n = 0; for (boolean p : present) if (p) n++; return n; }
        public int first() { for (int i = 0; i < present.length; i++) if (present[i]) return i; return -1; }
        public int last() { for (int i = present.length - 1; i >= 0; i--) if (present[i]) return i; return -1; }
    }

    public Track track(String ref, int colour, int count) {
        String key = ref + "|" + colour + "|" + count;
        Track cached = tracks.get(key);
        if (cached != null) return cached;
        int n = frames;
        boolean[] pres = new boolean[n];
        double[] x = new double[n], y = new double[n], area = new double[n], top = new double[n], bot = new double[n], le = new double[n], ri = new double[n];
        int[] comps = new int[n];
        Blob[] main = new Blob[n];
        double px = Double.NaN, py = Double.NaN;
        for (int t = 0; t < n; t++) {
            List<Blob> cand = things(t, colour);
            comps[t] = cand.size();
            if (cand.isEmpty()) continue;
            List<Blob> keep;
            if (count <= 1) {
                Blob best = cand.getFirst();
                if (!Double.isNaN(px) && cand.size() > 1) {
                    double bestCost = Double.MAX_VALUE;
                    for (Blob b : cand) {
                        if (b.area() < 0.5 * cand.getFirst().area()) continue;
                        double d = Math.hypot(b.cx() - px, b.cy() - py);
                        if (d < bestCost) { bestCost = d; best = b; }
                    }
                }
                keep = List.of(best);
            } else keep = cand.subList(0, Math.min(count, cand.size()));
            double sx = 0, sy = 0, sa = 0, t0 = Double.MAX_VALUE, b0 = -1, l0 = Double.MAX_VALUE, r0 = -1;
            for (Blob b : keep) {
                sx += b.cx() * b.area(); sy += b.cy() * b.area(); sa += b.area();
                t0 = Math.min(t0, b.y0()); b0 = Math.max(b0, b.y1()); l0 = Math.min(l0, b.x0()); r0 = Math.max(r0, b.x1());
            }
            pres[t] = true; x[t] = sx / sa; y[t] = sy / sa; area[t] = sa; top[t] = t0; bot[t] = b0; le[t] = l0; ri[t] = r0;
            main[t] = keep.getFirst();
            px = x[t]; py = y[t];
        }
        Track tr = new Track(ref, colour, pres, x, y, area, top, bot, le, ri, comps, main);
        tracks.put(key, tr);
        return tr;
    }

    /**
     * Displacement of a tracked point from frame a to frame b relative to the background: the image motion minus the
     * background flow at the point, summed step by step over frames where it is present at both ends.
     */
    public double[] relativeMotion(Track tr, int a, int b) {
        double dx = 0, dy = 0;
        for (int t = a; t < b; t++) {
            if (!tr.present()[t] || !tr.present()[t + 1]) continue;
            GlobalMotion.Step s = steps[t];
            double ux = s.known() ? s.u(tr.x()[t], tr.y()[t], width, height) : 0, uy = s.known() ? s.v(tr.x()[t], tr.y()[t], width, height) : 0;
            dx += tr.x()[t + 1] - tr.x()[t] - ux;
            dy += tr.y()[t + 1] - tr.y()[t] - uy;
        }
        return new double[] {dx, dy};
    }

    public Frame frame(int t) { return video.get(t); }
}
