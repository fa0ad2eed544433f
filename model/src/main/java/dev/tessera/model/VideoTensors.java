package dev.tessera.model;

import dev.tessera.engine.Tensor;
import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversion between {@link Video} (sRGB bytes) and the model's pixel tensors [B, 3, F, H, W] with values in [−1, 1]
 * (v = byte/127.5 − 1). Lives here, not in media, so media never depends on the engine.
 */
public final class VideoTensors {
    private VideoTensors() {}

    /** [1, 3, F, H, W] in [−1, 1]. */
    public static Tensor toTensor(Video video) {
        return toTensor(video.frames(), video.width(), video.height());
    }

    public static Tensor toTensor(List<Frame> frames, int width, int height) {
        int f = frames.size(), plane = width * height, vol = f * plane;
        float[] d = new float[3 * vol];
        for (int t = 0; t < f; t++) {
            int[] rgb = frames.get(t).rgb();
            for (int i = 0; i < plane; i++) {
                int p = rgb[i];
                d[t * plane + i] = ((p >> 16) & 0xFF) / 127.5f - 1f;
                d[vol + t * plane + i] = ((p >> 8) & 0xFF) / 127.5f - 1f;
                d[2 * vol + t * plane + i] = (p & 0xFF) / 127.5f - 1f;
            }
        }
        return Tensor.of(d, 1, 3, f, height, width);
    }

    /** Item {@code b} of a [B, 3, F', H, W] tensor as a video of its first {@code frames} frames (values clamped). */
    public static Video toVideo(Tensor x, int b, int frames, double fps) {
        int[] s = x.shape();
        if (s.length != 5 || s[1] != 3) throw new IllegalArgumentException("expected [B,3,F,H,W], got " + java.util.Arrays.toString(s));
        if (frames > s[2]) throw new IllegalArgumentException("asked for " + frames + " frames of " + s[2]);
        int h = s[3], w = s[4], plane = h * w, vol = s[2] * plane;
        float[] d = x.data();
        int base = b * 3 * vol;
        List<Frame> out = new ArrayList<>(frames);
        for (int t = 0; t < frames; t++) {
            int[] rgb = new int[plane];
            for (int i = 0; i < plane; i++) {
                int o = base + t * plane + i;
                rgb[i] = (toByte(d[o]) << 16) | (toByte(d[vol + o]) << 8) | toByte(d[2 * vol + o]);
            }
            out.add(new Frame(w, h, rgb));
        }
        return new Video(w, h, fps, out);
    }

    static int toByte(float v) {
        float c = Math.max(-1f, Math.min(1f, v));
        return Math.round((c + 1f) * 127.5f);
    }
}
