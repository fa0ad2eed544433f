package dev.tessera.train;

import dev.tessera.media.Frame;

/** Centre crop to an aspect ratio, then resize by area averaging (each output pixel averages its source footprint). */
final class Resize {
    private Resize() {}

    static Frame cropResize(Frame f, int width, int height) {
        if (f.width() == width && f.height() == height) return f;
        double target = width / (double) height, aspect = f.width() / (double) f.height();
        double cw = f.width(), ch = f.height();
        if (aspect > target) cw = ch * target; else ch = cw / target;
        double x0 = (f.width() - cw) / 2, y0 = (f.height() - ch) / 2, sx = cw / width, sy = ch / height;
        int[] src = f.rgb(), out = new int[width * height];
        int kx = Math.max(1, (int) Math.ceil(sx)), ky = Math.max(1, (int) Math.ceil(sy));
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                double r = 0, g = 0, b = 0;
                for (int j = 0; j < ky; j++)
                    for (int i = 0; i < kx; i++) {
                        int px = clamp((int) (x0 + (x + (i + 0.5) / kx) * sx), f.width());
                        int py = clamp((int) (y0 + (y + (j + 0.5) / ky) * sy), f.height());
                        int p = src[py * f.width() + px];
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                    }
                double n = kx * ky;
                out[y * width + x] = ((int) Math.round(r / n) << 16) | ((int) Math.round(g / n) << 8) | (int) Math.round(b / n);
            }
        return new Frame(width, height, out);
    }

    private static int clamp(int v, int n) { return Math.max(0, Math.min(n - 1, v)); }
}
