package dev.tessera.eval;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A tiny 2D test scene painter for the detector tests: a textured backdrop (smooth value noise in desaturated
 * earth tones, shifted and scaled per frame to imitate camera moves) and Lambert-shaded discs, boxes (three faces)
 * and cones in palette colours. Not the world's renderer: it exists so detectors are tested on frames whose exact
 * geometry the test chooses.
 */
final class Synth {
    record Shape(String type, int rgb, double x, double y, double r) {}

    /** Per frame: the background offset (dx, dy), zoom factor and the shapes. */
    record Scene(double dx, double dy, double zoom, List<Shape> shapes) {}

    static Video video(int w, int h, double fps, int frames, long seed, IntFunction<Scene> scene) {
        List<Frame> out = new ArrayList<>();
        double[] noise = noise(256, seed);
        for (int t = 0; t < frames; t++) out.add(frame(w, h, noise, scene.apply(t)));
        return new Video(w, h, fps, out);
    }

    static double[] noise(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] grid = new double[17 * 17];
        for (int i = 0; i < grid.length; i++) grid[i] = r.nextDouble();
        double[] out = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                double gx = x / 16.0, gy = y / 16.0;
                int ix = (int) gx, iy = (int) gy;
                double fx = gx - ix, fy = gy - iy;
                double a = grid[iy * 17 + ix], b = grid[iy * 17 + ix + 1], c = grid[(iy + 1) * 17 + ix], d = grid[(iy + 1) * 17 + ix + 1];
                double v = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
                // plus a fine checker so block matching has texture at every scale
                v = 0.7 * v + 0.3 * (((x / 3 + y / 3) & 1) == 0 ? 1 : 0) * ((x * 7 + y * 13) % 5) / 4.0;
                out[y * n + x] = v;
            }
        return out;
    }

    static Frame frame(int w, int h, double[] noise, Scene s) {
        int[] p = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                // background seen through a camera: image point -> backdrop point
                double bx = (x - w / 2.0) / s.zoom() + w / 2.0 - s.dx() + 100, by = (y - h / 2.0) / s.zoom() + h / 2.0 - s.dy() + 100;
                int ix = Math.floorMod((int) Math.round(bx), 256), iy = Math.floorMod((int) Math.round(by), 256);
                double v = noise[iy * 256 + ix];
                int r = (int) (95 + 60 * v), g = (int) (88 + 52 * v), b = (int) (80 + 40 * v);
                p[y * w + x] = r << 16 | g << 8 | b;
            }
        for (Shape sh : s.shapes()) paint(p, w, h, sh);
        return new Frame(w, h, p);
    }

    static int shade(int rgb, double k) {
        int r = (int) Math.min(255, (rgb >> 16 & 255) * k), g = (int) Math.min(255, (rgb >> 8 & 255) * k), b = (int) Math.min(255, (rgb & 255) * k);
        return r << 16 | g << 8 | b;
    }

    static void paint(int[] p, int w, int h, Shape s) {
        int x0 = (int) Math.floor(s.x() - s.r() - 1), x1 = (int) Math.ceil(s.x() + s.r() + 1);
        int y0 = (int) Math.floor(s.y() - s.r() - 1), y1 = (int) Math.ceil(s.y() + s.r() + 1);
        for (int y = Math.max(0, y0); y <= Math.min(h - 1, y1); y++)
            for (int x = Math.max(0, x0); x <= Math.min(w - 1, x1); x++) {
                double u = (x + 0.5 - s.x()) / s.r(), v = (y + 0.5 - s.y()) / s.r();
                double k;
                switch (s.type()) {
                    case "ball" -> {
                        double rr = u * u + v * v;
                        if (rr > 1) continue;
                        double nz = Math.sqrt(1 - rr);
                        k = 0.35 + 0.75 * Math.max(0, (-0.4 * u - 0.5 * v + 0.77 * nz));
                    }
                    case "cube" -> {
                        // hexagon-ish: a square front face and a top face, flat brightness per face
                        if (Math.abs(u) > 0.85 || v > 0.85 || v < -1) continue;
                        k = v < -0.45 ? 1.0 : u < 0.2 ? 0.8 : 0.6;
                    }
                    case "cone" -> {
                        if (v < -1 || v > 0.9 || Math.abs(u) > (v + 1) / 1.9 * 0.95) continue;
                        k = 0.5 + 0.45 * (1 - (u + 1) / 2);
                    }
                    default -> throw new IllegalArgumentException(s.type());
                }
                p[y * w + x] = shade(s.rgb(), k);
            }
    }

    static Facts.Obj obj(String colour, String kind) { return new Facts.Obj(colour + " " + kind, kind, 1, colour, null, List.of()); }

    static Facts facts(List<Facts.Obj> objs, List<Facts.Motion> motions, List<Facts.Relation> rels, List<Facts.Event> events, String camera) {
        return new Facts("studio", objs, motions, rels, events, camera, null);
    }
}
