package dev.tessera.media;

import java.util.ArrayList;
import java.util.List;

/**
 * A short video held in memory: frames of one size at a fixed frame rate. Shared by the world, the model and the
 * server; conversions to and from tensors live in the model module, not here.
 */
public record Video(int width, int height, double fps, List<Frame> frames) {
    public Video {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("video size must be positive: " + width + "x" + height);
        if (!(fps > 0) || fps > 1000) throw new IllegalArgumentException("fps must be in (0, 1000]: " + fps);
        frames = List.copyOf(frames);
        for (Frame f : frames)
            if (f.width() != width || f.height() != height)
                throw new IllegalArgumentException("frame " + f.width() + "x" + f.height() + " in a " + width + "x" + height + " video");
    }

    public int frameCount() { return frames.size(); }

    public double seconds() { return frames.size() / fps; }

    /** A sink that collects frames into a {@link Video}. */
    public static final class Collector implements FrameSink {
        private final int width, height;
        private final double fps;
        private final List<Frame> frames = new ArrayList<>();

        public Collector(int width, int height, double fps) {
            this.width = width; this.height = height; this.fps = fps;
        }

        @Override public void accept(Frame frame) { frames.add(frame); }

        @Override public void close() {}

        public Video video() { return new Video(width, height, fps, frames); }
    }
}
