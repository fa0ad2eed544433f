package dev.tessera.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Still images in and out (PNG, JPEG, BMP, GIF's first frame, via the JDK's ImageIO), as {@link Frame}s. */
public final class Images {
    private Images() {}

    /** Reads an image file; anything ImageIO cannot decode is an IOException naming the file. */
    public static Frame read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new IOException(path + ": no such file");
        BufferedImage img;
        try {
            img = ImageIO.read(path.toFile());
        } catch (IOException | RuntimeException e) {
            throw new IOException(path + ": not a readable image (" + e.getMessage() + ")");
        }
        if (img == null) throw new IOException(path + ": not a readable image (PNG, JPEG, BMP or GIF expected)");
        return fromImage(img);
    }

    public static Frame fromImage(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            int a = argb[i] >>> 24;
            int p = argb[i] & 0xFFFFFF;
            if (a != 255) { // composite over black so transparent pixels do not keep arbitrary colours
                int r = ((p >> 16) & 255) * a / 255, g = ((p >> 8) & 255) * a / 255, b = (p & 255) * a / 255;
                p = (r << 16) | (g << 8) | b;
            }
            argb[i] = p;
        }
        return new Frame(w, h, argb);
    }

    public static BufferedImage toImage(Frame f) {
        BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, f.width(), f.height(), f.rgb(), 0, f.width());
        return img;
    }

    public static byte[] pngBytes(Frame f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(toImage(f), "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed in memory", e);
        }
        return out.toByteArray();
    }

    /**
     * Resizes a frame (for image-to-video and video-to-video inputs): exact area averaging when shrinking, bilinear
     * when enlarging, per axis, in plain Java doubles (no Java2D), so the result is the same on every machine.
     */
    public static Frame resize(Frame f, int width, int height) {
        if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
            throw new IllegalArgumentException("impossible size " + width + "x" + height);
        if (width == f.width() && height == f.height()) return f;
        double[][] rows = new double[3][f.width() * height];
        for (int c = 0; c < 3; c++) {
            int shift = 16 - 8 * c;
            double[] src = new double[f.width() * f.height()];
            for (int i = 0; i < src.length; i++) src[i] = (f.rgb()[i] >> shift) & 255;
            rows[c] = resample(src, f.width(), f.height(), height, false);
        }
        int[] out = new int[width * height];
        for (int c = 0; c < 3; c++) {
            double[] col = resample(rows[c], f.width(), height, width, true);
            int shift = 16 - 8 * c;
            for (int i = 0; i < out.length; i++) out[i] |= (int) Math.max(0, Math.min(255, Math.round(col[i]))) << shift;
        }
        return new Frame(width, height, out);
    }

    /** Resamples one axis of a w x h plane to {@code n} samples (x axis if {@code alongX}, else y). */
    private static double[] resample(double[] src, int w, int h, int n, boolean alongX) {
        int len = alongX ? w : h, other = alongX ? h : w;
        double[] out = new double[alongX ? n * h : w * n];
        double scale = (double) len / n;
        for (int o = 0; o < other; o++)
            for (int i = 0; i < n; i++) {
                double v;
                if (scale > 1) { // area average over [i*scale, (i+1)*scale)
                    double a = i * scale, b = a + scale, acc = 0;
                    for (int k = (int) a; k < Math.min(len, (int) Math.ceil(b)); k++)
                        acc += at(src, w, alongX, o, k) * (Math.min(b, k + 1) - Math.max(a, k));
                    v = acc / scale;
                } else { // bilinear between pixel centres
                    double p = Math.max(0, Math.min(len - 1, (i + 0.5) * scale - 0.5));
                    int k = (int) p;
                    double t = p - k;
                    v = at(src, w, alongX, o, k) * (1 - t) + at(src, w, alongX, o, Math.min(len - 1, k + 1)) * t;
                }
                if (alongX) out[o * n + i] = v;
                else out[i * w + o] = v;
            }
        return out;
    }

    private static double at(double[] src, int w, boolean alongX, int o, int k) { return alongX ? src[o * w + k] : src[k * w + o]; }

    /** Writes a lossless PNG atomically. */
    public static void writePng(Frame f, Path out) throws IOException { Media.writeAtomically(out, pngBytes(f)); }
}
