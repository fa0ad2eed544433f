package dev.tessera.media.provenance;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.TestSupport;
import dev.tessera.media.Video;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WatermarkTest {
    static final long PAYLOAD = 0x5445535345524121L;
    static final Watermark WM = new Watermark(Watermark.Key.TESSERA_DEFAULT);
    @TempDir static Path dir;
    static Video original;

    @BeforeAll static void makeMarkedMp4() throws Exception {
        original = TestSupport.moving(256, 256, 48, 24, 11);
        Mp4Writer.write(WM.embed(original, PAYLOAD, Watermark.DEFAULT_ALPHA), dir.resolve("marked.mp4"));
        Mp4Writer.write(original, dir.resolve("plain.mp4"));
    }

    static Watermark.Detection check(String name, Path file) throws Exception {
        Watermark.Detection d = WM.detect(Mp4Reader.read(file));
        System.out.printf("watermark %-12s z=%6.1f crc=%s detected=%s raw bit errors=%d payload bit errors=%d cell=%.2f%n", name,
                d.z(), d.crcOk(), d.detected(), d.corrected(), d.bitErrors(PAYLOAD), d.cellSize());
        return d;
    }

    static void assertRecovered(Watermark.Detection d) {
        assertTrue(d.detected(), "not detected, z=" + d.z());
        assertEquals(0, d.bitErrors(PAYLOAD), "payload must be exact where detection is claimed");
    }

    @Test void survivesOwnEncode() throws Exception { assertRecovered(check("own-encode", dir.resolve("marked.mp4"))); }

    @Test void absentFromUnmarkedEncode() throws Exception { assertFalse(check("unmarked", dir.resolve("plain.mp4")).detected()); }

    @Test void survivesX264Crf28() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "marked.mp4", "-c:v", "libx264", "-crf", "28", "-pix_fmt", "yuv420p", "crf28.mp4");
        assertRecovered(check("crf28", dir.resolve("crf28.mp4")));
    }

    @Test void survivesBrightness() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "marked.mp4", "-vf", "eq=brightness=0.12", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "bright.mp4");
        assertRecovered(check("brightness", dir.resolve("bright.mp4")));
    }

    @Test void survivesTenPercentCrop() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "marked.mp4", "-vf", "crop=230:230:13:11", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "crop.mp4");
        assertRecovered(check("crop10", dir.resolve("crop.mp4")));
    }

    @Test void survivesHalfScale() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "marked.mp4", "-vf", "scale=128:128", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", "half.mp4");
        assertRecovered(check("half-scale", dir.resolve("half.mp4")));
    }

    /**
     * Small and wide frames, one second of video (cells at the 4 px floor): own encode, CRF 28, and half size where
     * the result is not tiny (192x128 halved to 96x64 is below what the mark survives: measured z 6.7, CRC fails).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"320,180,true", "192,128,false"})
    void smallFramesSurviveToo(int w, int h, boolean half) throws Exception {
        TestSupport.requireTool("ffmpeg");
        Path d = dir.resolve(w + "x" + h);
        java.nio.file.Files.createDirectories(d);
        Mp4Writer.write(WM.embed(TestSupport.moving(w, h, 24, 24, 5), PAYLOAD, Watermark.DEFAULT_ALPHA), d.resolve("m.mp4"));
        TestSupport.ffmpeg(d, "-i", "m.mp4", "-c:v", "libx264", "-crf", "28", "-pix_fmt", "yuv420p", "c.mp4");
        if (half) TestSupport.ffmpeg(d, "-i", "m.mp4", "-vf", "scale=" + w / 2 + ":" + h / 2, "-c:v", "libx264", "-pix_fmt", "yuv420p", "h.mp4");
        for (String f : half ? new String[] {"m.mp4", "c.mp4", "h.mp4"} : new String[] {"m.mp4", "c.mp4"})
            assertRecovered(check(w + "x" + h + " " + f, d.resolve(f)));
    }

    /** Not required by the issue; measured to know the margin: half size and CRF 28 together. */
    @Test void combinedHalfScaleAndCrf28() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "marked.mp4", "-vf", "scale=128:128", "-c:v", "libx264", "-crf", "28", "-pix_fmt", "yuv420p", "half28.mp4");
        Watermark.Detection d = check("half+crf28", dir.resolve("half28.mp4"));
        if (d.detected()) assertEquals(0, d.bitErrors(PAYLOAD));
    }

    /**
     * 200 unmarked clips of varied content and size, each through our encoder and decoder (codec blocking included):
     * count detections (must be none) and report the null z distribution.
     */
    @Test void falsePositivesOnUnmarkedVideos() throws Exception {
        int[][] sizes = {{128, 128}, {160, 96}, {96, 160}, {192, 192}, {256, 144}};
        int hits = 0;
        double maxZ = 0, sumZ = 0;
        Path f = dir.resolve("unmarked.mp4");
        for (int i = 0; i < 200; i++) {
            int[] s = sizes[i % sizes.length];
            // Every third clip is model-like noise (the content the texture masking and whitening were tuned on).
            Mp4Writer.write(i % 3 == 2 ? WatermarkSizesTest.noisy(s[0], s[1], 6, 1000 + i) : TestSupport.moving(s[0], s[1], 6, 12, 1000 + i), f);
            Watermark.Detection d = WM.detect(Mp4Reader.read(f));
            if (d.detected()) hits++;
            maxZ = Math.max(maxZ, d.z());
            sumZ += d.z();
        }
        System.out.printf("watermark false positives: %d/200 (encoded clips, 5 sizes, 1/3 noisy), null z mean %.2f max %.2f%n", hits, sumZ / 200, maxZ);
        assertEquals(0, hits);
    }

    /**
     * PSNR cost. Flat and smooth areas get exactly alpha at 256 x 256 (38.6 dB), textured ones up to MAX_GAIN times
     * more (texture masking), small frames up to MAX_SIZE_GAIN times more (see WatermarkSizesTest for 128 x 128).
     */
    @Test void markIsFaint() {
        Video smooth = WatermarkSizesTest.smooth(256, 256, 8, 3);
        double textured = minPsnr(original, WM.embed(original, PAYLOAD, Watermark.DEFAULT_ALPHA));
        double flat = minPsnr(smooth, WM.embed(smooth, PAYLOAD, Watermark.DEFAULT_ALPHA));
        System.out.printf("watermark alpha %.1f at 256x256: PSNR of marked vs original %.1f dB (smooth), %.1f dB (textured)%n",
                Watermark.DEFAULT_ALPHA, flat, textured);
        assertTrue(flat > 37, "PSNR " + flat);
        assertTrue(textured > 34, "PSNR " + textured);
    }

    static double minPsnr(Video a, Video b) {
        double min = 99;
        for (int i = 0; i < a.frameCount(); i++) min = Math.min(min, TestSupport.psnr(a.frames().get(i), b.frames().get(i)));
        return min;
    }

    @Test void otherKeyDoesNotDetect() throws Exception {
        Watermark other = new Watermark(Watermark.Key.of("someone else"));
        assertFalse(other.detect(Mp4Reader.read(dir.resolve("marked.mp4"))).detected());
    }
}
