package dev.tessera.model;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a trained model can make: the sizes (W×H) and frame rates it was trained at, and the duration range. The
 * network itself (RoPE-3D positions, a causal VAE) accepts any multiple of 16 pixels and any frame count; these
 * limits are the ones its training covered, so a request outside them is refused with the allowed values named
 * rather than producing footage the model never learned.
 */
public record Capabilities(List<Size> sizes, List<Integer> fps, double minSeconds, double maxSeconds) {
    /** Issue 7's shipping set: 1:1, 16:9 and 9:16 at 8 fps, 1–8 s. */
    public static final Capabilities DEFAULT = new Capabilities(
            List.of(new Size(128, 128), new Size(160, 96), new Size(96, 160)), List.of(8), 1.0, 8.0);

    public record Size(int width, int height) {
        public Size {
            if (width <= 0 || height <= 0) throw new IllegalArgumentException("size must be positive: " + width + "x" + height);
        }

        /** Parses "WxH" (also "W×H"). */
        public static Size parse(String s) {
            String[] p = s.trim().toLowerCase(Locale.ROOT).replace('×', 'x').split("x");
            try {
                if (p.length == 2) return new Size(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()));
            } catch (NumberFormatException ignored) {
                // fall through to the one clear message below
            }
            throw new IllegalArgumentException("size must look like WxH (e.g. 128x128), got '" + s + "'");
        }

        @Override public String toString() { return width + "x" + height; }
    }

    public Capabilities {
        sizes = List.copyOf(sizes);
        fps = List.copyOf(fps);
        if (sizes.isEmpty() || fps.isEmpty()) throw new IllegalArgumentException("capabilities need sizes and fps");
        for (Size s : sizes)
            if (s.width() % 16 != 0 || s.height() % 16 != 0)
                throw new IllegalArgumentException("size " + s + " is not a multiple of 16 (VAE ×8 and 2×2 patches)");
        if (!(minSeconds > 0) || maxSeconds < minSeconds)
            throw new IllegalArgumentException("bad duration range " + minSeconds + ".." + maxSeconds);
    }

    /** Checks a request and returns its shape; one clear message naming the allowed values otherwise. */
    public VideoShape check(Size size, int framesPerSecond, double seconds) {
        if (!sizes.contains(size))
            throw new IllegalArgumentException("size " + size + " is not supported by this model; allowed: "
                    + sizes.stream().map(Size::toString).collect(Collectors.joining(", ")));
        if (!fps.contains(framesPerSecond))
            throw new IllegalArgumentException("fps " + framesPerSecond + " is not supported by this model; allowed: "
                    + fps.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        if (!(seconds >= minSeconds && seconds <= maxSeconds))
            throw new IllegalArgumentException("duration " + fmt(seconds) + " s is not supported by this model; allowed: "
                    + fmt(minSeconds) + " to " + fmt(maxSeconds) + " s");
        double f = seconds * framesPerSecond;
        long frames = Math.round(f);
        if (Math.abs(f - frames) > 1e-6)
            throw new IllegalArgumentException("duration " + fmt(seconds) + " s at " + framesPerSecond
                    + " fps is not a whole number of frames; use a multiple of " + fmt(1.0 / framesPerSecond) + " s");
        return new VideoShape((int) frames, size.height(), size.width());
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v)
                : java.math.BigDecimal.valueOf(v).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
