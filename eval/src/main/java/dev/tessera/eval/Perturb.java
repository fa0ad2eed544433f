package dev.tessera.eval;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;

/**
 * The edits the floor calibration attacks SimBench with: each one breaks one kind of fact while keeping the rest of
 * the video real, so a dimension that still scores well on it is blind to what it claims to measure.
 */
public final class Perturb {
    private Perturb() {}

    /** Left-right mirror: left/right relations, directions and pans flip. */
    public static Video mirror(Video v) {
        List<Frame> out = new ArrayList<>();
        for (Frame f : v.frames()) {
            int w = f.width(), h = f.height();
            int[] p = new int[w * h];
            for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y * w + x] = f.rgb()[y * w + (w - 1 - x)];
            out.add(new Frame(w, h, p));
        }
        return new Video(v.width(), v.height(), v.fps(), out);
    }

    /** Time reversal: effects come undone, events run backwards. */
    public static Video reverse(Video v) {
        List<Frame> out = new ArrayList<>(v.frames());
        java.util.Collections.reverse(out);
        return new Video(v.width(), v.height(), v.fps(), out);
    }

    /** Every frame from {@code from} on replaced by the frame just before it: the effect never happens. */
    public static Video freezeFrom(Video v, int from) {
        if (from < 1 || from >= v.frameCount()) throw new IllegalArgumentException("freeze frame out of range: " + from);
        List<Frame> out = new ArrayList<>(v.frames().subList(0, from));
        while (out.size() < v.frameCount()) out.add(v.frames().get(from - 1));
        return new Video(v.width(), v.height(), v.fps(), out);
    }

    /** The first frame repeated for the whole clip. */
    public static Video still(Video v) {
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < v.frameCount(); i++) out.add(v.frames().getFirst());
        return new Video(v.width(), v.height(), v.fps(), out);
    }

    /**
     * Interpenetration: in every frame where both are seen, the pixels of {@code a}'s tracked silhouette are copied
     * so that its centre lands on {@code b}'s centre, as if {@code a} were inside {@code b}. With {@code move} its
     * old place is painted over with the colour just left of (or else right of) its box in the same row, so the thing
     * has moved rather than been doubled. The tracks must come from an observation of {@code v} at its own size.
     */
    public static Video moveInto(Video v, Observation.Track a, Observation.Track b, boolean move) {
        List<Frame> out = new ArrayList<>();
        for (int t = 0; t < v.frameCount(); t++) {
            Frame f = v.frames().get(t);
            int w = f.width(), h = f.height();
            if (a.main()[t] == null || b.main()[t] == null || !a.present()[t] || !b.present()[t]) { out.add(f); continue; }
            if (a.main()[t].width() != w) throw new IllegalArgumentException("tracks observed at " + a.main()[t].width() + " px wide, video " + w);
            int[] src = f.rgb(), p = src.clone();
            var ba = a.main()[t];
            int dx = (int) Math.round(b.x()[t] - a.x()[t]), dy = (int) Math.round(b.y()[t] - a.y()[t]);
            if (move)
                for (int q : ba.pixels()) {
                    int x = q % w, y = q / w;
                    int fill = ba.x0() > 0 ? src[y * w + ba.x0() - 1] : ba.x1() + 1 < w ? src[y * w + ba.x1() + 1] : src[q];
                    p[q] = fill;
                }
            for (int q : ba.pixels()) {
                int x = q % w + dx, y = q / w + dy;
                if (x >= 0 && x < w && y >= 0 && y < h) p[y * w + x] = src[q];
            }
            out.add(new Frame(w, h, p));
        }
        return new Video(v.width(), v.height(), v.fps(), out);
    }
}
