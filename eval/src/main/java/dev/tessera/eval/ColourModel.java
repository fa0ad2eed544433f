package dev.tessera.eval;

import dev.tessera.world.Vocab.Colour;

/**
 * Per-pixel colour naming against the world's palette, tolerant of shading. A Lambert-shaded surface under white
 * light keeps its chromaticity {@code (r, g, b) / (r + g + b)} and scales its intensity, so a pixel is compared to
 * each palette colour by chromaticity distance plus a lopsided intensity penalty (shadowed sides may be much darker
 * than the albedo, highlights only a little brighter). The nearest colour within {@link #MAX_D2} wins, else the
 * pixel is unnamed (-1). A 32x32x32 lookup table makes labelling one table read per pixel.
 *
 * <p>Limits: gold/yellow and orange/brown are close in chromaticity and separated mostly by intensity, so heavy
 * shading can confuse them; grey, silver and white differ only by intensity. Coloured light (neon, dusk) shifts
 * chromaticity and can rename pixels. The detectors use the majority label of a whole component, not single pixels.
 */
public final class ColourModel {
    public static final Colour[] PALETTE = Colour.values();
    static final double SIGMA_C = 0.035, MAX_D2 = 6.0;
    private static final byte[] LUT = new byte[32 * 32 * 32];
    private static final double[][] PAL = new double[PALETTE.length][3]; // chroma r, chroma g, intensity

    static {
        for (int i = 0; i < PALETTE.length; i++) PAL[i] = features(PALETTE[i].rgb);
        for (int r = 0; r < 32; r++)
            for (int g = 0; g < 32; g++)
                for (int b = 0; b < 32; b++)
                    LUT[(r << 10) | (g << 5) | b] = (byte) nearest(((r * 8 + 4) << 16) | ((g * 8 + 4) << 8) | (b * 8 + 4));
    }

    private ColourModel() {}

    static double[] features(int rgb) {
        double r = (rgb >> 16 & 255) / 255.0, g = (rgb >> 8 & 255) / 255.0, b = (rgb & 255) / 255.0;
        double s = r + g + b + 1e-6;
        return new double[] {r / s, g / s, s / 3};
    }

    /** Squared normalised distance of a pixel to palette colour {@code i}. */
    static double distance2(double[] f, int i) {
        double[] p = PAL[i];
        double dr = f[0] - p[0], dg = f[1] - p[1];
        // dark pixels have unreliable chromaticity: widen the chroma tolerance as intensity drops
        double sc = SIGMA_C * (1 + 0.12 / Math.max(0.02, f[2]));
        double d = (dr * dr + dg * dg) / (sc * sc);
        double rho = f[2] / p[2];
        double pen = rho < 1 ? (1 - rho) / 0.75 : (rho - 1) / 0.2;
        return d + pen * pen * 1.5;
    }

    static int nearest(int rgb) {
        double[] f = features(rgb);
        if (f[2] < 0.03) return -1;
        int best = -1;
        double bd = MAX_D2;
        for (int i = 0; i < PALETTE.length; i++) {
            double d = distance2(f, i);
            if (d < bd) { bd = d; best = i; }
        }
        return best;
    }

    /** Palette index of a packed 0xRRGGBB pixel, or -1 when it is no palette colour. */
    public static int label(int rgb) {
        return LUT[((rgb >> 19 & 31) << 10) | ((rgb >> 11 & 31) << 5) | (rgb >> 3 & 31)];
    }

    /** Palette index of a colour id ("red"), or -1. */
    public static int index(String colourId) {
        if (colourId == null) return -1;
        for (int i = 0; i < PALETTE.length; i++) if (PALETTE[i].id().equals(colourId)) return i;
        return -1;
    }

    public static void labels(int[] rgb, byte[] out) {
        for (int i = 0; i < rgb.length; i++) out[i] = (byte) label(rgb[i]);
    }
}
