package dev.tessera.eval;

import dev.tessera.eval.Observation.Track;
import dev.tessera.media.Frame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Key frames for the HTML report (first, a third, two thirds, last), enlarged, with each tracked thing's path up to
 * that frame drawn in its own colour and its current box outlined, as inline PNG data URIs.
 */
public final class Keyframes {
    private Keyframes() {}

    public static List<String> draw(Observation o, Facts facts) {
        int scale = Math.max(1, 192 / Math.max(o.width, o.height));
        List<Track> tracks = new ArrayList<>();
        for (Checks.Subject s : Checks.subjects(facts, o)) tracks.add(s.track());
        List<String> out = new ArrayList<>();
        int n = o.frames;
        for (int t : new int[] {0, n / 3, 2 * n / 3, n - 1}) out.add(png(render(o.frame(t), scale, tracks, t)));
        return out;
    }

    static BufferedImage render(Frame f, int s, List<Track> tracks, int upTo) {
        int w = f.width() * s, h = f.height() * s;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, f.rgb()[(y / s) * f.width() + x / s]);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_ANTIALIASING, java.awt.RenderingHints.VALUE_ANTIALIAS_ON);
        for (Track tr : tracks) {
            int rgb = ColourModel.PALETTE[tr.colour()].rgb;
            // a contrasting outline (black or white) under the thing's own colour keeps the path visible on any ground
            int lum = (rgb >> 16 & 255) * 3 + (rgb >> 8 & 255) * 6 + (rgb & 255);
            java.awt.Color under = lum > 1280 ? java.awt.Color.BLACK : java.awt.Color.WHITE;
            for (int pass = 0; pass < 2; pass++) {
                g.setColor(pass == 0 ? under : new java.awt.Color(rgb));
                g.setStroke(new java.awt.BasicStroke(pass == 0 ? 3.5f : 1.5f));
                int px = -1, py = -1;
                for (int t = 0; t <= upTo; t++) {
                    if (!tr.present()[t]) { px = -1; continue; }
                    int x = (int) ((tr.x()[t] + 0.5) * s), y = (int) ((tr.y()[t] + 0.5) * s);
                    if (px >= 0) g.drawLine(px, py, x, y);
                    px = x; py = y;
                }
                if (tr.present()[upTo])
                    g.drawRect((int) (tr.left()[upTo] * s), (int) (tr.top()[upTo] * s),
                            (int) ((tr.right()[upTo] - tr.left()[upTo] + 1) * s), (int) ((tr.bottom()[upTo] - tr.top()[upTo] + 1) * s));
            }
        }
        g.dispose();
        return img;
    }

    static String png(BufferedImage img) {
        try {
            ByteArrayOutputStream bo = new ByteArrayOutputStream();
            ImageIO.write(img, "png", bo);
            return "data:image/png;base64," + Base64.getEncoder().encodeToString(bo.toByteArray());
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed: " + e.getMessage(), e);
        }
    }
}
