package dev.tessera.media;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4RoundTripTest {
    @TempDir Path dir;

    @Test void encodesH264AndDecodesWithinPsnr() throws Exception {
        Video v = TestVideos.moving(256, 256, 48, 24, 1);
        Path out = dir.resolve("a.mp4");
        long t0 = System.nanoTime();
        Mp4Writer.write(v, out);
        long t1 = System.nanoTime();
        Video back = Mp4Reader.read(out);
        long t2 = System.nanoTime();
        assertEquals(48, back.frameCount());
        assertEquals(256, back.width());
        assertEquals(24.0, back.fps(), 1e-6);
        double min = 99, sum = 0;
        for (int i = 0; i < 48; i++) {
            double p = TestVideos.psnr(v.frames().get(i), back.frames().get(i));
            min = Math.min(min, p);
            sum += p;
        }
        System.out.printf("mp4 256x256x48: %d bytes, psnr mean %.2f min %.2f, enc %.0f ms dec %.0f ms%n", Files.size(out), sum / 48, min,
                (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        try (Mp4Reader r = Mp4Reader.open(out)) {
            System.out.println(r.info());
            assertEquals("h264", r.info().codec());
            assertEquals("yuv420p", r.info().pixelFormat());
            assertEquals("tv", r.info().colorRange());
            assertEquals("bt709", r.info().colorSpace());
        }
        assertTrue(min > 32, "min psnr " + min);
    }
}
