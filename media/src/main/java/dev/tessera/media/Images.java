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

    /** Writes a lossless PNG atomically. */
    public static void writePng(Frame f, Path out) throws IOException { Media.writeAtomically(out, pngBytes(f)); }
}
