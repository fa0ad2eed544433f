package dev.tessera.media;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.io.IOException;
import java.nio.file.Path;

/** Deterministic synthetic clips for tests: smooth gradients, moving shapes and a little texture. */
public final class TestSupport {
    private TestSupport() {}

    public static Video moving(int w, int h, int frames, double fps, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double phase = rnd.nextDouble() * 6.28, vx = 0.5 + rnd.nextDouble() * 2, vy = 0.5 + rnd.nextDouble() * 2;
        int c1 = rnd.nextInt(0xFFFFFF), c2 = rnd.nextInt(0xFFFFFF);
        int r = Math.max(3, Math.min(w, h) / 6);
        List<Frame> list = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            int[] px = new int[w * h];
            double cx = (w / 3.0 + t * vx * w / 100.0) % w, cy = (h / 2.0 + t * vy * h / 120.0) % h;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double g = 0.5 + 0.5 * Math.sin(phase + x * 6.0 / w + y * 3.0 / h + t * 0.05);
                    int rr = (int) (40 + 150 * g + 20 * Math.sin(x * 0.7 + y * 0.3));
                    int gg = (int) (60 + 120 * (1 - g));
                    int bb = (int) (90 + 100 * Math.sin(y * 0.05 + t * 0.1) * g);
                    int c = (clamp(rr) << 16) | (clamp(gg) << 8) | clamp(bb);
                    double dx = x - cx, dy = y - cy;
                    if (dx * dx + dy * dy < r * r) c = c1;
                    if (Math.abs(x - (w - 1 - cx)) < r / 2 && Math.abs(y - h / 3) < r) c = c2;
                    px[y * w + x] = c;
                }
            list.add(new Frame(w, h, px));
        }
        return new Video(w, h, fps, list);
    }

    static int clamp(int v) { return v < 0 ? 0 : Math.min(255, v); }

    /** Mean PSNR in dB over RGB channels between two equally sized frames. */
    public static double psnr(Frame a, Frame b) {
        double se = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            int p = a.rgb()[i], q = b.rgb()[i];
            for (int s = 0; s < 24; s += 8) {
                int d = ((p >> s) & 255) - ((q >> s) & 255);
                se += d * d;
            }
        }
        double mse = se / (a.rgb().length * 3.0);
        return mse == 0 ? 99 : 10 * Math.log10(255 * 255 / mse);
    }

    public static void requireTool(String cmd) { Tools.require(cmd); }

    public static void ffmpeg(Path dir, String... args) throws IOException, InterruptedException { Tools.ffmpeg(dir, args); }
}
