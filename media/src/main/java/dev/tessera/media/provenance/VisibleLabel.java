package dev.tessera.media.provenance;

import dev.tessera.media.Frame;
import dev.tessera.media.FrameSink;
import dev.tessera.media.Video;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The visible notice burned into every frame: a small, legible corner mark ("AI-generated · Tessera" or "AI生成 ·
 * Tessera" by default, any text allowed) as white text on a half-transparent dark plate.
 *
 * <p>Glyphs come from an embedded subset of GNU Unifont (8x16 and 16x16 bitmaps, Latin and CJK), not from system
 * fonts: headless JDKs here have no CJK font at all, and fonts differ between machines, so drawing with AWT would
 * be neither complete nor deterministic. The 16 px text is resampled by exact integer area averaging to a height of
 * about 1/20 of the frame (at least 10 px), shrunk further if it would be wider than 90% of the frame. Characters
 * outside the subset are drawn as a hollow box.
 */
public final class VisibleLabel {
    public static final String ENGLISH = "AI-generated · Tessera";
    public static final String CHINESE = "AI生成 · Tessera";

    public enum Corner { BOTTOM_RIGHT, BOTTOM_LEFT, TOP_RIGHT, TOP_LEFT }

    private final String text;
    private final Corner corner;

    public VisibleLabel(String text, Corner corner) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("label text must not be empty");
        if (text.codePointCount(0, text.length()) > 80) throw new IllegalArgumentException("label text longer than 80 characters");
        this.text = text;
        this.corner = corner;
    }

    /** The default label for a language: "en" or "zh" (anything starting with "zh"). */
    public static VisibleLabel forLanguage(String lang) {
        String l = lang == null ? "en" : lang.toLowerCase();
        if (l.startsWith("zh")) return new VisibleLabel(CHINESE, Corner.BOTTOM_RIGHT);
        if (l.startsWith("en")) return new VisibleLabel(ENGLISH, Corner.BOTTOM_RIGHT);
        throw new IllegalArgumentException("no default label for language '" + lang + "' (en or zh; or give the text)");
    }

    public String text() { return text; }

    /** A precomputed overlay for one frame size: where the plate is and the text coverage (0..255) inside it. */
    public record Overlay(int x0, int y0, int w, int h, int[] textAlpha) {}

    private static final int PLATE_ALPHA = 140; // of 255: dark plate keeps white text readable on any background

    public Overlay overlay(int frameW, int frameH) {
        int[] cps = text.codePoints().toArray();
        int srcW = 0;
        List<boolean[][]> glyphs = new ArrayList<>();
        for (int cp : cps) {
            boolean[][] g = Glyphs.get(cp);
            glyphs.add(g);
            srcW += g[0].length;
        }
        boolean[][] src = new boolean[16][srcW];
        int x = 0;
        for (boolean[][] g : glyphs) {
            for (int r = 0; r < 16; r++) System.arraycopy(g[r], 0, src[r], x, g[r].length);
            x += g[0].length;
        }
        int th = Math.max(10, Math.round(frameH / 20f));
        int tw = (int) Math.round((double) srcW * th / 16);
        int maxW = (int) (frameW * 0.9) - 4;
        if (tw > maxW) {
            th = Math.max(4, (int) Math.floor(th * (double) maxW / tw));
            tw = (int) Math.round((double) srcW * th / 16);
        }
        tw = Math.max(1, Math.min(tw, frameW - 2));
        th = Math.min(th, frameH - 2);
        int[] alpha = resample(src, srcW, tw, th);
        int pad = Math.max(1, th / 4), margin = Math.max(1, th / 3);
        int pw = Math.min(frameW, tw + 2 * pad), ph = Math.min(frameH, th + 2 * pad);
        boolean right = corner == Corner.BOTTOM_RIGHT || corner == Corner.TOP_RIGHT;
        boolean bottom = corner == Corner.BOTTOM_RIGHT || corner == Corner.BOTTOM_LEFT;
        int px = right ? Math.max(0, frameW - pw - margin) : Math.min(margin, frameW - pw);
        int py = bottom ? Math.max(0, frameH - ph - margin) : Math.min(margin, frameH - ph);
        int[] plate = new int[pw * ph];
        for (int r = 0; r < th && r + pad < ph; r++)
            for (int c = 0; c < tw && c + pad < pw; c++) plate[(r + pad) * pw + c + pad] = alpha[r * tw + c];
        return new Overlay(px, py, pw, ph, plate);
    }

    /** Exact area-average downsampling of a 16-row bitmap to {@code tw} x {@code th}, in integers. */
    private static int[] resample(boolean[][] src, int srcW, int tw, int th) {
        int[] out = new int[tw * th];
        long area = (long) srcW * 16; // each output pixel covers (srcW/tw) x (16/th) source pixels
        for (int oy = 0; oy < th; oy++)
            for (int ox = 0; ox < tw; ox++) {
                long acc = 0;
                // source span in units of 1/(tw) horizontally and 1/(th) vertically
                for (int sy = 0; sy < 16; sy++) {
                    long y0 = Math.max((long) sy * th, (long) oy * 16), y1 = Math.min((long) (sy + 1) * th, (long) (oy + 1) * 16);
                    if (y1 <= y0) continue;
                    for (int sx = 0; sx < srcW; sx++) {
                        if (!src[sy][sx]) continue;
                        long x0 = Math.max((long) sx * tw, (long) ox * srcW), x1 = Math.min((long) (sx + 1) * tw, (long) (ox + 1) * srcW);
                        if (x1 > x0) acc += (x1 - x0) * (y1 - y0);
                    }
                }
                out[oy * tw + ox] = (int) Math.min(255, (acc * 255 * 3 / 2 + area / 2) / area); // x1.5: keep thin strokes bright
            }
        return out;
    }

    public Frame apply(Frame f) { return apply(f, overlay(f.width(), f.height())); }

    public static Frame apply(Frame f, Overlay o) {
        int[] out = f.rgb().clone();
        for (int r = 0; r < o.h(); r++)
            for (int c = 0; c < o.w(); c++) {
                int i = (o.y0() + r) * f.width() + o.x0() + c;
                int p = out[i];
                int a = o.textAlpha()[r * o.w() + c];
                int[] ch = {(p >> 16) & 255, (p >> 8) & 255, p & 255};
                for (int k = 0; k < 3; k++) {
                    int v = ch[k] * (255 - PLATE_ALPHA) / 255; // darken under the plate
                    ch[k] = (v * (255 - a) + 255 * a) / 255; // then white text by coverage
                }
                out[i] = (ch[0] << 16) | (ch[1] << 8) | ch[2];
            }
        return new Frame(f.width(), f.height(), out);
    }

    public Video apply(Video v) {
        Overlay o = overlay(v.width(), v.height());
        List<Frame> frames = new ArrayList<>(v.frameCount());
        for (Frame f : v.frames()) frames.add(apply(f, o));
        return new Video(v.width(), v.height(), v.fps(), frames);
    }

    public FrameSink applying(FrameSink downstream, int width, int height) {
        Overlay o = overlay(width, height);
        return new FrameSink() {
            @Override public void accept(Frame frame) { downstream.accept(apply(frame, o)); }

            @Override public void close() { downstream.close(); }
        };
    }

    /** The embedded Unifont subset, loaded once. */
    static final class Glyphs {
        private static volatile Map<Integer, boolean[][]> table;

        static boolean[][] get(int cp) {
            boolean[][] g = load().get(cp);
            return g != null ? g : missing(cp);
        }

        static boolean has(int cp) { return load().containsKey(cp); }

        private static boolean[][] missing(int cp) {
            int w = Character.isIdeographic(cp) || cp > 0x2E80 ? 16 : 8;
            boolean[][] g = new boolean[16][w];
            for (int r = 2; r < 14; r++) { g[r][1] = true; g[r][w - 2] = true; }
            for (int c = 1; c < w - 1; c++) { g[2][c] = true; g[13][c] = true; }
            return g;
        }

        private static Map<Integer, boolean[][]> load() {
            Map<Integer, boolean[][]> t = table;
            if (t != null) return t;
            synchronized (Glyphs.class) {
                if (table != null) return table;
                Map<Integer, boolean[][]> m = new HashMap<>(32_768);
                try (InputStream in = VisibleLabel.class.getResourceAsStream("unifont-subset.hex.gz")) {
                    if (in == null) throw new IllegalStateException("label font resource missing from the jar");
                    BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII));
                    for (String line; (line = r.readLine()) != null; ) {
                        int colon = line.indexOf(':');
                        int cp = Integer.parseInt(line.substring(0, colon), 16);
                        String hex = line.substring(colon + 1);
                        int w = hex.length() == 64 ? 16 : 8, perRow = w / 4;
                        boolean[][] g = new boolean[16][w];
                        for (int row = 0; row < 16; row++) {
                            int bits = Integer.parseInt(hex.substring(row * perRow, (row + 1) * perRow), 16);
                            for (int c = 0; c < w; c++) g[row][c] = ((bits >> (w - 1 - c)) & 1) != 0;
                        }
                        m.put(cp, g);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the label font", e);
                }
                table = m;
                return m;
            }
        }
    }
}
