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

    public Observation(Video v, java.util.Set<Integer> thingColours) { this(v, thingColours, java.util.Set.of()); }

    /**
     * {@code anchorColours}: colours of things the prompt leaves in place (no motion stated, no event); the box
     * corners of their largest component join the background-motion fit as anchors.
     */
    public Observation(Video v, java.util.Set<Integer> thingColours, java.util.Set<Integer> anchorColours) {
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
            computeBands(t);
        }
        steps = new GlobalMotion.Step[Math.max(0, frames - 1)];
        for (int t = 0; t + 1 < frames; t++) steps[t] = step(t, t + 1, thingColours, anchorColours);
        // the camera is judged over strides of ~1/3 s: slow moves (a dolly, a crane) shift the picture by whole pixels
        // there, where one frame's shift drowns in sub-pixel noise
        stride = Math.max(1, (int) Math.round(fps / 3));
        List<GlobalMotion.Step> ls = new ArrayList<>();
        for (int t = 0; t + stride < frames; t += stride) ls.add(step(t, t + stride, thingColours, anchorColours));
        longSteps = ls.toArray(new GlobalMotion.Step[0]);
    }

    /** Frames per long step. */
    public final int stride;
    /** Background motion over strides of {@link #stride} frames (from frame k*stride to (k+1)*stride). */
    public final GlobalMotion.Step[] longSteps;

    private GlobalMotion.Step step(int t, int t2, java.util.Set<Integer> thingColours, java.util.Set<Integer> anchorColours) {
        {
            // things move on their own, and so do their shadows and anti-aliased rims: mask each thing's box grown by
            // half its size on every side (and in both frames) out of the background-motion estimate
            boolean[] ex = new boolean[width * height];
            for (int k : new int[] {t, t2})
                for (Blob b : blobs.get(k)) {
                    if (b.background() || !thingColours.contains((int) b.label())) continue;
                    int gx = Math.max(2, b.w() / 2), gy = Math.max(2, b.h() / 2);
                    for (int y = Math.max(0, b.y0() - gy); y <= Math.min(height - 1, b.y1() + gy); y++)
                        for (int x = Math.max(0, b.x0() - gx); x <= Math.min(width - 1, b.x1() + gx); x++) ex[y * width + x] = true;
                }
            List<double[]> anchors = new ArrayList<>();
            for (int c : anchorColours) {
                List<Blob> p = things(t, c), q = things(t2, c);
                if (p.isEmpty() || q.isEmpty()) continue;
                Blob a = p.getFirst(), b = q.getFirst();
                if (a.borders() != 0 || b.borders() != 0 || b.area() > 2 * a.area() || a.area() > 2 * b.area()) continue;
                anchors.add(new double[] {a.x0(), a.y0(), b.x0() - a.x0(), b.y0() - a.y0()});
                anchors.add(new double[] {a.x1() + 1, a.y0(), b.x1() - a.x1(), b.y0() - a.y0()});
                anchors.add(new double[] {a.x0(), a.y1() + 1, b.x0() - a.x0(), b.y1() - a.y1()});
                anchors.add(new double[] {a.x1() + 1, a.y1() + 1, b.x1() - a.x1(), b.y1() - a.y1()});
                anchors.add(new double[] {a.cx(), a.cy(), b.cx() - a.cx(), b.cy() - a.cy()});
            }
            return GlobalMotion.estimate(luma[t], luma[t2], width, height, ex, anchors);
        }
    }

    /** Smallest component counted as a thing: ~0.1% of the frame, at least 4 pixels. */
    public int minArea() { return Math.max(4, width * height / 1000); }

    /**
     * Candidate components of a thing of this colour, most thing-like first: larger, and not cut by the frame edge
     * (ground texture patches that happen to share the colour tend to be small or to run off the edge); colours that
     * shading and coding blur together are accepted for one another ({@link #sameColour}).
     */
    public List<Blob> things(int t, int colour) {
        List<Blob> out = new ArrayList<>();
        for (Blob b : blobs.get(t)) if (!b.background() && sameColour(b.label(), colour) && thingLike(b) && !inBand(t, b)) out.add(b);
        out.sort((a, b) -> Double.compare(weight(b), weight(a)));
        return out;
    }

    /**
     * Rendered things are solid silhouettes standing below the top edge; scraps of sky and of ground texture that
     * share a palette colour are ragged (low fill of their box) or hang from the top edge.
     */
    static boolean thingLike(Blob b) {
        if ((b.borders() & 4) != 0 && b.borderCount() >= 2) return false;
        // a strip across the whole frame (the sea, a far tree line) is scenery
        if ((b.borders() & 3) == 3 || (b.borders() & 12) == 12) return false;
        // a horizon band (the sea, far hills), even where things in front cut it into pieces; a lying plank or bar
        // seen from the side is as long, which this can miss
        if (b.w() > 0.25 * b.width() && b.h() * 4 < b.w()) return false;
        if (b.area() >= 12 && (b.fill() < 0.3 || b.compactness() < 0.18)) return false;
        return true;
    }

    /**
     * Rows where one colour covers over 40% of the width are a band of scenery (sea, sky glow, a lawn's far edge),
     * even where waves or things break it into pieces; a component lying mostly in such rows of its own colour is
     * part of the band, not a thing.
     */
    boolean inBand(int t, Blob b) {
        int[] share = bandRows.get(t).get((int) b.label());
        if (share == null) return false;
        int rows = 0, band = 0;
        for (int y = b.y0(); y <= b.y1(); y++) { rows++; if (share[y] * 10 > width * 4) band++; }
        return band * 2 > rows;
    }

    private final List<Map<Integer, int[]>> bandRows = new ArrayList<>();

    private void computeBands(int t) {
        Map<Integer, int[]> m = new HashMap<>();
        byte[] l = labels[t];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int lab = l[y * width + x];
                if (lab < 0) continue;
                m.computeIfAbsent(lab, k -> new int[height])[y]++;
            }
        bandRows.add(m);
    }

    static double weight(Blob b) { return b.area() * (b.borders() == 0 ? 1 : 0.3); }

    static final int GREY = ColourModel.index("grey"), SILVER = ColourModel.index("silver"), WHITE = ColourModel.index("white");

    static final int YELLOW = ColourModel.index("yellow"), GOLD = ColourModel.index("gold");

    /**
     * Palette colours that shading and video coding blur together count as one: grey/silver/white (brightness only)
     * and yellow/gold (a few degrees of hue apart; H.264's subsampled chroma moves one onto the other).
     */
    static boolean sameColour(int label, int colour) {
        if (label == colour) return true;
        if ((label == YELLOW || label == GOLD) && (colour == YELLOW || colour == GOLD)) return true;
        boolean a = label == GREY || label == SILVER || label == WHITE, b = colour == GREY || colour == SILVER || colour == WHITE;
        return a && b && (colour == SILVER || label == SILVER);
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
                        if (weight(b) < 0.5 * weight(cand.getFirst())) continue;
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
