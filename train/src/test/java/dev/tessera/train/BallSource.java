package dev.tessera.train;

import dev.tessera.media.Frame;
import dev.tessera.model.data.Bucket;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal captioned clip source for tests that must not depend on the world module's pace: a red ball on a grey
 * floor moving left or right across the frame (even index: right, odd: left), captioned accordingly.
 */
class BallSource implements ClipSource {
    static final String RIGHT = "red ball moves right", LEFT = "red ball moves left";

    @Override public Clip clip(long index, Bucket b, double u) {
        boolean right = index % 2 == 0;
        int w = b.width(), h = b.height(), r = Math.max(3, Math.min(w, h) / 6);
        List<Frame> frames = new ArrayList<>();
        for (int t = 0; t < b.frames(); t++) {
            double p = b.frames() == 1 ? 0.5 : t / (double) (b.frames() - 1);
            double cx = (right ? 0.2 + 0.6 * p : 0.8 - 0.6 * p) * w, cy = h * 0.5;
            int[] rgb = new int[w * h];
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
                    rgb[y * w + x] = dx * dx + dy * dy <= r * r ? 0xE02020 : (y > h * 0.7 ? 0x606060 : 0x909090);
                }
            frames.add(new Frame(w, h, rgb));
        }
        return new Clip(frames, w, h, right ? RIGHT : LEFT, right ? "红球向右移动" : "红球向左移动");
    }

    @Override public Object key(long index, Bucket b, double u) { return index % 2; }

    @Override public String describe() { return "test balls"; }
}
