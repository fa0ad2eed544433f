package dev.tessera.train;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Sample videos as one PNG: a row per video, up to {@code columns} frames evenly spread over its duration. */
public final class SampleGrid {
    private SampleGrid() {}

    public static void write(Path png, List<Video> rows, int columns) throws IOException {
        int gap = 2, cw = 0, chTotal = gap;
        for (Video v : rows) {
            cw = Math.max(cw, v.width());
            chTotal += v.height() + gap;
        }
        int cols = 1;
        for (Video v : rows) cols = Math.max(cols, Math.min(columns, v.frameCount()));
        BufferedImage img = new BufferedImage(gap + cols * (cw + gap), chTotal, BufferedImage.TYPE_INT_RGB);
        int y = gap;
        for (Video v : rows) {
            int n = Math.min(cols, v.frameCount());
            for (int c = 0; c < n; c++) {
                int idx = n == 1 ? 0 : (int) Math.round(c * (v.frameCount() - 1) / (double) (n - 1));
                Frame f = v.frames().get(idx);
                img.setRGB(gap + c * (cw + gap), y, f.width(), f.height(), f.rgb(), 0, f.width());
            }
            y += v.height() + gap;
        }
        LossPlot.writePng(img, png);
    }

    /** Videos of one size stacked vertically into one video (for a single preview MP4); shorter ones hold their last frame. */
    public static Video stack(List<Video> videos) {
        int w = videos.getFirst().width(), h = 0, frames = 0;
        for (Video v : videos) {
            if (v.width() != w) throw new IllegalArgumentException("stacked videos need one width");
            h += v.height();
            frames = Math.max(frames, v.frameCount());
        }
        List<Frame> out = new ArrayList<>();
        for (int t = 0; t < frames; t++) {
            int[] rgb = new int[w * h];
            int y = 0;
            for (Video v : videos) {
                Frame f = v.frames().get(Math.min(t, v.frameCount() - 1));
                System.arraycopy(f.rgb(), 0, rgb, y * w, f.rgb().length);
                y += v.height();
            }
            out.add(new Frame(w, h, rgb));
        }
        return new Video(w, h, videos.getFirst().fps(), out);
    }
}
