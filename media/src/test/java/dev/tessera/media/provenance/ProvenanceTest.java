package dev.tessera.media.provenance;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Bmff;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.TestSupport;
import dev.tessera.media.Video;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    @TempDir static Path dir;
    static SigningIdentity id;
    static Video video;
    static final GenerationRecord REC = new GenerationRecord("两艘海盗船在一杯咖啡里交战", 7, "tessera-test");
    static Path published;

    @BeforeAll static void publish() throws Exception {
        id = SigningIdentity.create(dir.resolve("keys"), "Tessera test signer");
        video = TestSupport.moving(256, 256, 36, 24, 21);
        published = dir.resolve("out.mp4");
        var p = Provenance.publish(video, REC, published, Provenance.PublishOptions.defaults().withIdentity(id).withLabelLanguage("zh"));
        assertEquals(REC.watermarkId(), p.watermarkId());
        Path sample = Path.of("target", "provenance-sample");
        Files.createDirectories(sample);
        Files.copy(published, sample.resolve("published.mp4"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static Verifier.Verification verify(Path f) throws Exception { return Verifier.verify(f, Watermark.Key.TESSERA_DEFAULT); }

    @Test void publishedVideoIsIntactWithAllLayers() throws Exception {
        Verifier.Verification v = verify(published);
        v.lines().forEach(l -> System.out.println("verify published: " + l));
        assertEquals(0, v.exitCode());
        assertTrue(v.watermark().detected());
        assertEquals(String.format("%016x", REC.watermarkId()), v.watermark().payloadHex());
        assertEquals(REC.prompt(), v.manifest().record().prompt());
        assertEquals(7L, v.manifest().record().seed());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().startsWith(".")).count(), "no temp files left");
        }
        // The label is visible: the bottom-right corner differs from the source.
        Video back = Mp4Reader.read(published);
        int diff = 0;
        for (int y = 230; y < 256; y++) for (int x = 150; x < 256; x++)
            if (Math.abs((back.frames().getFirst().get(x, y) & 255) - (video.frames().getFirst().get(x, y) & 255)) > 30) diff++;
        assertTrue(diff > 100, "label pixels " + diff);
    }

    @Test void officialValidatorAcceptsThePublishedFile() throws Exception {
        var v = C2paTest.officialVerdict(published);
        assertEquals("Valid", v.get("state").asText(), v.toString());
    }

    @Test void sameInputsGiveSameBytes() throws Exception {
        Path again = dir.resolve("again.mp4");
        Provenance.publish(video, REC, again, Provenance.PublishOptions.defaults().withIdentity(id).withLabelLanguage("zh"));
        assertArrayEquals(Files.readAllBytes(published), Files.readAllBytes(again));
    }

    @Test void noLabelKeepsWatermarkAndManifest() throws Exception {
        Path f = dir.resolve("nolabel.mp4");
        Provenance.publish(video, REC, f, Provenance.PublishOptions.defaults().withIdentity(id).withoutLabel());
        Verifier.Verification v = verify(f);
        assertEquals(0, v.exitCode());
        assertTrue(v.watermark().detected());
    }

    @Test void reencodedCopyIsMarkedButNotIntact() throws Exception {
        TestSupport.requireTool("ffmpeg");
        TestSupport.ffmpeg(dir, "-i", "out.mp4", "-c:v", "libx264", "-crf", "28", "-pix_fmt", "yuv420p", "reencoded.mp4");
        Verifier.Verification v = verify(dir.resolve("reencoded.mp4"));
        v.lines().forEach(l -> System.out.println("verify re-encoded: " + l));
        assertEquals(C2pa.Status.MISSING, v.manifest().status());
        assertTrue(v.watermark().detected());
        assertEquals(2, v.exitCode());
    }

    @Test void editedBytesBreakTheManifest() throws Exception {
        byte[] b = Files.readAllBytes(published);
        Bmff.Box mdat = Bmff.topLevel(b).stream().filter(x -> x.type().equals("mdat")).findFirst().orElseThrow();
        b[(int) (mdat.payload() + 100)] ^= 0x40;
        Path f = dir.resolve("edited.mp4");
        Files.write(f, b);
        Verifier.Verification v = verify(f);
        assertEquals(C2pa.Status.INVALID, v.manifest().status());
        assertEquals(2, v.exitCode());
    }

    @Test void badInputsAreOneProblemEach() throws Exception {
        byte[] b = Files.readAllBytes(published);
        Path trunc = dir.resolve("truncated.mp4");
        Files.write(trunc, Arrays.copyOf(b, b.length * 2 / 3));
        Verifier.Verification t = verify(trunc);
        assertNotNull(t.fileProblem());
        assertEquals(2, t.exitCode(), "the Tessera manifest is still there, so the mark is found: " + t.lines());

        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is not a video\n");
        Verifier.Verification n = verify(text);
        assertNotNull(n.fileProblem());
        assertEquals(1, n.exitCode());

        Path empty = dir.resolve("empty.mp4");
        Files.write(empty, new byte[0]);
        Verifier.Verification e = verify(empty);
        assertNotNull(e.fileProblem());
        assertEquals(1, e.exitCode());
    }

    @Test void unmarkedVideoHasNoMark() throws Exception {
        Path f = dir.resolve("plain.mp4");
        dev.tessera.media.Mp4Writer.write(video, f);
        Verifier.Verification v = verify(f);
        assertEquals(1, v.exitCode(), v.lines().toString());
    }
}
