package dev.tessera.train;

import dev.tessera.media.Frame;
import java.util.List;

/**
 * One training example: frames of one size (already cut and resized to the batch's bucket) and its caption in
 * English and Chinese (either may be empty when a source has only one language).
 */
public record Clip(List<Frame> frames, int width, int height, String captionEn, String captionZh) {
    public Clip {
        frames = List.copyOf(frames);
        if (frames.isEmpty()) throw new IllegalArgumentException("a clip needs at least one frame");
        for (Frame f : frames)
            if (f.width() != width || f.height() != height)
                throw new IllegalArgumentException("frame " + f.width() + "x" + f.height() + " in a " + width + "x" + height + " clip");
        captionEn = captionEn == null ? "" : captionEn;
        captionZh = captionZh == null ? "" : captionZh;
    }

    /** The caption in the language asked for, falling back to the other when that one is empty. */
    public String caption(boolean chinese) {
        return caption(captionEn, captionZh, chinese);
    }

    /** {@link #caption(boolean)} for captions kept without their frames. */
    static String caption(String en, String zh, boolean chinese) {
        String c = chinese ? zh : en;
        return c.isEmpty() ? (chinese ? en : zh) : c;
    }
}
