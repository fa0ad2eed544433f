package dev.tessera.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Connected components (4-connected) of equal colour labels in one frame, with the statistics the checks use:
 * area, centroid, bounding box, which frame borders the component touches, and silhouette shape features.
 * Large components touching several borders are the ground, sky or walls ({@link Blob#background}).
 */
public final class Blobs {
    private Blobs() {}

    /** One component. Coordinates are pixels, origin top-left; {@code pixels} holds y * width + x. */
    public record Blob(int label, int area, double cx, double cy, int x0, int y0, int x1, int y1, int borders,
                       int perimeter, int[] pixels, int width, int height) {
        public int w() { return x1 - x0 + 1; }
        public int h() { return y1 - y0 + 1; }
        /** Area over bounding-box area: 0.785 for a disc, 1 for an axis-aligned square, 0.5 for a triangle. */
        public double fill() { return area / (double) (w() * h()); }
        /** 4 pi A / P^2 with a pixel-boundary perimeter: about 0.7-0.8 for discs at small sizes, lower for corners. */
        public double compactness() { return 4 * Math.PI * area / Math.max(1.0, (double) perimeter * perimeter); }
        public int borderCount() { return Integer.bitCount(borders); }
        /** Ground, sky, walls and large backdrop regions, not things. */
        public boolean background() {
            double frac = area / (double) (width * height);
            return frac > 0.3 || (borderCount() >= 3 && frac > 0.04) || (borderCount() >= 2 && frac > 0.12);
        }
        /** Width of the silhouette in its top third over its bottom third: ~1 boxes, <0.5 cones and pyramids. */
        public double taper() {
            int[] rowMin = new int[h()], rowMax = new int[h()];
            java.util.Arrays.fill(rowMin, Integer.MAX_VALUE);
            java.util.Arrays.fill(rowMax, Integer.MIN_VALUE);
            for (int p : pixels) {
                int y = p / width - y0, x = p % width;
                rowMin[y] = Math.min(rowMin[y], x); rowMax[y] = Math.max(rowMax[y], x);
            }
            int third = Math.max(1, h() / 3);
            double top = 0, bot = 0;
            for (int y = 0; y < third; y++) top += Math.max(0, rowMax[y] - rowMin[y] + 1);
            for (int y = h() - third; y < h(); y++) bot += Math.max(0, rowMax[y] - rowMin[y] + 1);
            return top / Math.max(1, bot);
        }
    }

    /** Components of every non-negative label, ignoring those smaller than {@code minArea}. */
    public static List<Blob> find(byte[] labels, int width, int height, int minArea) {
        int n = width * height;
        int[] comp = new int[n];
        java.util.Arrays.fill(comp, -1);
        int[] stack = new int[n];
        List<Blob> out = new ArrayList<>();
        int id = 0;
        for (int s = 0; s < n; s++) {
            if (labels[s] < 0 || comp[s] >= 0) continue;
            byte lab = labels[s];
            int sp = 0, count = 0;
            stack[sp++] = s; comp[s] = id;
            int[] pix = new int[64];
            long sx = 0, sy = 0;
            int x0 = width, y0 = height, x1 = -1, y1 = -1, borders = 0, perim = 0;
            while (sp > 0) {
                int p = stack[--sp];
                if (count == pix.length) pix = java.util.Arrays.copyOf(pix, count * 2);
                pix[count++] = p;
                int x = p % width, y = p / width;
                sx += x; sy += y;
                x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
                if (x == 0) borders |= 1;
                if (x == width - 1) borders |= 2;
                if (y == 0) borders |= 4;
                if (y == height - 1) borders |= 8;
                for (int k = 0; k < 4; k++) {
                    int nx = x + (k == 0 ? -1 : k == 1 ? 1 : 0), ny = y + (k == 2 ? -1 : k == 3 ? 1 : 0);
                    if (nx < 0 || ny < 0 || nx >= width || ny >= height) { perim++; continue; }
                    int q = ny * width + nx;
                    if (labels[q] != lab) { perim++; continue; }
                    if (comp[q] < 0) { comp[q] = id; stack[sp++] = q; }
                }
            }
            id++;
            if (count < minArea) continue;
            out.add(new Blob(lab, count, sx / (double) count, sy / (double) count, x0, y0, x1, y1, borders, perim,
                    java.util.Arrays.copyOf(pix, count), width, height));
        }
        return out;
    }
}
