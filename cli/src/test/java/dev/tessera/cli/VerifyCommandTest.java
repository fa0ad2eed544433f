package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Frame;
import dev.tessera.media.Video;
import dev.tessera.media.provenance.GenerationRecord;
import dev.tessera.media.provenance.Provenance;
import dev.tessera.media.provenance.SigningIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
    @TempDir static Path dir;
    static Path published;

    @BeforeAll static void publish() throws Exception {
        List<Frame> frames = new ArrayList<>();
        for (int t = 0; t < 24; t++) {
            int[] px = new int[192 * 128];
            for (int i = 0; i < px.length; i++) {
                int x = i % 192, y = i / 192;
                px[i] = (((x * 3 + t * 4) & 255) << 16) | (((y * 2) & 255) << 8) | ((x + y) & 255);
            }
            frames.add(new Frame(192, 128, px));
        }
        published = dir.resolve("gen.mp4");
        Provenance.publish(new Video(192, 128, 12, frames), new GenerationRecord("a red ball bounces", 5, "test-model"), published,
                Provenance.PublishOptions.defaults().withIdentity(SigningIdentity.create(dir.resolve("keys"), "cli test")));
    }

    @Test void intactFileExitsZeroAndPrintsTheRecord() {
        var r = TesseraCliTest.run("verify", published.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("manifest:  valid"), r.out());
        assertTrue(r.out().contains("watermark: detected"), r.out());
        assertTrue(r.out().contains("prompt:    a red ball bounces"), r.out());
        assertTrue(r.out().contains("seed:      5"), r.out());
    }

    @Test void editedFileExitsTwo() throws Exception {
        byte[] b = Files.readAllBytes(published);
        b[b.length - 500] ^= 0x10;
        Path f = dir.resolve("edited.mp4");
        Files.write(f, b);
        var r = TesseraCliTest.run("verify", f.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("manifest:  invalid"), r.out());
    }

    @Test void badInputIsOneLineNoStackTrace() throws Exception {
        Path empty = dir.resolve("empty.mp4");
        Files.write(empty, new byte[0]);
        Path text = dir.resolve("text.mp4");
        Files.writeString(text, "hello, not a video");
        Path trunc = dir.resolve("trunc.mp4");
        byte[] b = Files.readAllBytes(published);
        Files.write(trunc, Arrays.copyOf(b, b.length / 2));
        for (Path p : List.of(empty, text, trunc, dir.resolve("missing.mp4"))) {
            var r = TesseraCliTest.run("verify", p.toString());
            assertTrue(r.code() == 1 || r.code() == 2, p + ": exit " + r.code());
            assertEquals(1, r.err().strip().lines().count(), p + ": " + r.err());
            assertTrue(r.err().startsWith("tessera: "), r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            System.out.println("verify " + p.getFileName() + " -> exit " + r.code() + ": " + r.err().strip());
        }
        assertEquals(2, TesseraCliTest.run("verify", trunc.toString()).code(), "truncated Tessera file still carries its mark");
    }
}
