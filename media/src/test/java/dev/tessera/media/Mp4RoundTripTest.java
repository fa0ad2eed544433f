package dev.tessera.media;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4RoundTripTest {
    @TempDir Path dir;

    @Test void mp4IsH264Yuv420LimitedRangeFaststartAndDecodesWithinPsnr() throws Exception {
        Video v = TestSupport.moving(256, 256, 48, 24, 1);
        Path out = dir.resolve("a.mp4");
        Mp4Writer.write(v, out);
        Video back = Mp4Reader.read(out);
        assertEquals(48, back.frameCount());
        assertEquals(256, back.width());
        assertEquals(24.0, back.fps(), 1e-6);
        double min = 99;
        for (int i = 0; i < 48; i++) min = Math.min(min, TestSupport.psnr(v.frames().get(i), back.frames().get(i)));
        assertTrue(min > 32, "min PSNR " + min);
        try (Mp4Reader r = Mp4Reader.open(out)) {
            // The LGPL build has no libx264; a request for it once silently gave MPEG-4 Part 2. Check what we got.
            assertEquals("h264", r.info().codec(), "encoder " + Mp4Writer.encoder() + " must give H.264");
            assertEquals("yuv420p", r.info().pixelFormat());
            assertEquals("tv", r.info().colorRange());
            assertEquals("bt709", r.info().colorSpace());
        }
        List<String> top = Bmff.topLevelTypes(Files.readAllBytes(out));
        assertTrue(top.indexOf("moov") < top.indexOf("mdat"), "faststart: moov before mdat, got " + top);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(out), s.toList(), "no temp files left");
        }
    }

    @Test void sameFramesGiveSameBytes() throws Exception {
        Video v = TestSupport.moving(64, 48, 10, 10, 2);
        Mp4Writer.write(v, dir.resolve("a.mp4"));
        Mp4Writer.write(v, dir.resolve("b.mp4"));
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.mp4")), Files.readAllBytes(dir.resolve("b.mp4")));
    }

    @Test void failedWriteLeavesNothing() throws Exception {
        Path out = dir.resolve("x.mp4");
        Mp4Writer w = Mp4Writer.open(out, 64, 64, 10);
        w.accept(Frame.blank(64, 64));
        assertThrows(IllegalArgumentException.class, () -> w.accept(Frame.blank(32, 32)));
        w.abort();
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        assertThrows(IllegalArgumentException.class, () -> Mp4Writer.open(out, 63, 64, 10));
    }

    @Test void gifRoundTripWithinPsnr() throws Exception {
        Video v = TestSupport.moving(96, 64, 8, 10, 3);
        Path out = dir.resolve("a.gif");
        GifWriter.write(v, out);
        Video back = Mp4Reader.read(out);
        assertEquals(8, back.frameCount());
        for (int i = 0; i < 8; i++) {
            double p = TestSupport.psnr(v.frames().get(i), back.frames().get(i));
            assertTrue(p > 24, "GIF frame " + i + " PSNR " + p);
        }
    }

    @Test void pngFramesAreLossless() throws Exception {
        Video v = TestSupport.moving(40, 30, 5, 8, 4);
        Path folder = dir.resolve("frames");
        PngFrames.write(v, folder);
        Video back = PngFrames.read(folder, 8);
        for (int i = 0; i < 5; i++) assertArrayEquals(v.frames().get(i).rgb(), back.frames().get(i).rgb());
        assertTrue(Files.exists(folder.resolve("frame_00004.png")));
        assertThrows(IOException.class, () -> PngFrames.open(folder));
    }

    @Test void readsJpegAndPng() throws Exception {
        Frame f = TestSupport.moving(64, 64, 1, 1, 5).frames().getFirst();
        Path jpg = dir.resolve("a.jpg");
        ImageIO.write(Images.toImage(f), "jpg", jpg.toFile());
        assertTrue(TestSupport.psnr(f, Images.read(jpg)) > 25);
        Images.writePng(f, dir.resolve("a.png"));
        assertArrayEquals(f.rgb(), Images.read(dir.resolve("a.png")).rgb());
        Files.writeString(dir.resolve("b.png"), "not an image");
        IOException e = assertThrows(IOException.class, () -> Images.read(dir.resolve("b.png")));
        assertTrue(e.getMessage().contains("not a readable image"), e.getMessage());
    }

    @Test void resizeAveragesAndInterpolates() {
        int[] px = new int[4 * 2];
        for (int i = 0; i < px.length; i++) px[i] = (i % 2 == 0) ? 0xFFFFFF : 0x000000;
        Frame half = Images.resize(new Frame(4, 2, px), 2, 1);
        for (int p : half.rgb()) assertEquals(128, p & 255, 1); // black/white stripes average to grey
        Frame up = Images.resize(new Frame(2, 1, new int[] {0x000000, 0xFF0000}), 4, 1);
        assertEquals(0, up.get(0, 0) >> 16);
        assertEquals(255, up.get(3, 0) >> 16);
        assertTrue((up.get(1, 0) >> 16) > 0 && (up.get(1, 0) >> 16) < (up.get(2, 0) >> 16));
        Frame f = TestSupport.moving(64, 48, 1, 1, 9).frames().getFirst();
        assertTrue(TestSupport.psnr(f, Images.resize(Images.resize(f, 128, 96), 64, 48)) > 30);
        assertThrows(IllegalArgumentException.class, () -> Images.resize(f, 0, 10));
    }

    /** libx264 High profile with B-frames (from Debian ffmpeg): frames must come back in display order. */
    @Test void bFrameFileDecodesInDisplayOrder() throws Exception {
        Tools.require("ffmpeg");
        List<Frame> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            int level = 20 + i * 7;
            Frame f = TestSupport.moving(128, 96, 1, 1, 6).frames().getFirst();
            int[] px = f.rgb().clone();
            for (int k = 0; k < 128 * 20; k++) px[k] = level * 0x010101; // a top band that encodes the frame index
            frames.add(new Frame(128, 96, px));
        }
        PngFrames.write(new Video(128, 96, 10, frames), dir.resolve("src"));
        Tools.ffmpeg(dir, "-framerate", "10", "-i", "src/frame_%05d.png", "-c:v", "libx264", "-profile:v", "high",
                "-bf", "3", "-b_strategy", "0", "-pix_fmt", "yuv420p", "b.mp4");
        try (Mp4Reader r = Mp4Reader.open(dir.resolve("b.mp4"))) {
            assertTrue(r.info().hasBFrames(), "sample has B-frames: " + r.info());
            assertEquals("High", r.info().profile());
            int i = 0;
            for (Frame f; (f = r.next()) != null; i++) {
                double mean = 0;
                for (int k = 0; k < 128 * 16; k++) mean += f.rgb()[k] & 255;
                mean /= 128 * 16;
                assertEquals(20 + i * 7, mean, 3, "frame " + i + " out of order");
            }
            assertEquals(30, i);
        }
    }
}
