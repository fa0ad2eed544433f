package dev.tessera.media.provenance;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.media.Bmff;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.TestSupport;
import dev.tessera.media.Tools;
import dev.tessera.media.Video;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class C2paTest {
    @TempDir static Path dir;
    static SigningIdentity testChain;
    static Video video;
    static final GenerationRecord REC = new GenerationRecord("a red ball bounces from left to right", 42, "tessera-test");

    @BeforeAll static void setUp() throws Exception {
        testChain = SigningIdentity.create(dir.resolve("keys"), "Tessera test signer");
        video = TestSupport.moving(128, 96, 12, 12, 7);
        Mp4Writer.write(video, dir.resolve("plain.mp4"));
    }

    static byte[] signed() throws Exception {
        return C2pa.embed(Files.readAllBytes(dir.resolve("plain.mp4")), REC, testChain, C2pa.Generator.TESSERA);
    }

    @Test void embedsAVerifiableManifestAndTheVideoStillDecodes() throws Exception {
        byte[] s = signed();
        Path out = dir.resolve("signed.mp4");
        Files.write(out, s);
        List<String> top = Bmff.topLevelTypes(s);
        assertEquals("ftyp", top.get(0));
        assertEquals("uuid", top.get(1));
        C2pa.Report r = C2pa.verify(s);
        assertEquals(C2pa.Status.VALID, r.status(), r.summary());
        assertEquals(REC.prompt(), r.record().prompt());
        assertEquals(42L, r.record().seed());
        assertEquals(C2pa.DIGITAL_SOURCE_TYPE, r.digitalSourceType());
        Video back = Mp4Reader.read(out);
        Video ref = Mp4Reader.read(dir.resolve("plain.mp4"));
        assertEquals(ref.frameCount(), back.frameCount());
        for (int i = 0; i < ref.frameCount(); i++) assertArrayEquals(ref.frames().get(i).rgb(), back.frames().get(i).rgb());
        assertArrayEquals(s, signed(), "same key and video give the same bytes");
    }

    @Test void oneFlippedByteOfVideoDataIsCaught() throws Exception {
        byte[] s = signed();
        Bmff.Box mdat = Bmff.topLevel(s).stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
        s[(int) (mdat.payload() + mdat.size() / 2)] ^= 0x01;
        C2pa.Report r = C2pa.verify(s);
        assertEquals(C2pa.Status.INVALID, r.status());
        assertTrue(r.summary().contains("does not match the signed hash"), r.summary());
    }

    @Test void plainFileHasNoManifest() throws Exception {
        assertEquals(C2pa.Status.MISSING, C2pa.verify(Files.readAllBytes(dir.resolve("plain.mp4"))).status());
    }

    // ---- the official validator (c2pa-rs compiled to WebAssembly, from npm; installed by media/ci-setup.sh)

    static JsonNode officialVerdict(Path file) throws Exception { return verdict("validate.mjs", "@contentauth/c2pa-wasm", file); }

    static JsonNode verdict(String scriptName, String pkg, Path file) throws Exception {
        Path validator = Path.of("c2pa-validator");
        Path script = validator.resolve(scriptName).toAbsolutePath();
        if (!Files.isDirectory(validator.resolve("node_modules/" + pkg))) {
            if ("true".equals(System.getenv("CI"))) fail("C2PA validator not installed: run media/ci-setup.sh");
            org.junit.jupiter.api.Assumptions.abort("C2PA validator not installed (bash media/ci-setup.sh)");
        }
        String out = Tools.run(validator, "node", script.toString(), file.toAbsolutePath().toString());
        System.out.println(pkg + " on " + file.getFileName() + ": " + out.strip());
        return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElseThrow());
    }

    @Test void officialValidatorSaysValid() throws Exception {
        Path out = dir.resolve("official.mp4");
        Files.write(out, signed());
        JsonNode v = officialVerdict(out);
        assertEquals("Valid", v.get("state").asText(), v.toString());
        assertTrue(v.get("assertions").toString().contains(GenerationRecord.ASSERTION_LABEL));
    }

    @Test void officialValidatorRejectsOneFlippedByte() throws Exception {
        byte[] s = signed();
        Bmff.Box mdat = Bmff.topLevel(s).stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
        s[(int) (mdat.payload() + mdat.size() / 2)] ^= 0x01;
        Path out = dir.resolve("flipped.mp4");
        Files.write(out, s);
        JsonNode v = officialVerdict(out);
        assertEquals("Invalid", v.get("state").asText(), v.toString());
        assertTrue(v.get("failures").toString().contains("assertion.bmffHash.mismatch"), v.toString());
    }

    /** A second, independent implementation (TrustNXT c2pa-ts, pure TypeScript) agrees. */
    @Test void c2paTsAgrees() throws Exception {
        byte[] s = signed();
        Path ok = dir.resolve("ts-ok.mp4");
        Files.write(ok, s);
        JsonNode v = verdict("validate-c2pa-ts.mjs", "@trustnxt/c2pa-ts", ok);
        assertTrue(v.get("valid").asBoolean(), v.toString());
        assertTrue(v.get("codes").toString().contains("assertion.bmffHash.match"), v.toString());
        Bmff.Box mdat = Bmff.topLevel(s).stream().filter(b -> b.type().equals("mdat")).findFirst().orElseThrow();
        s[(int) (mdat.payload() + 10)] ^= 0x01;
        Path bad = dir.resolve("ts-bad.mp4");
        Files.write(bad, s);
        JsonNode w = verdict("validate-c2pa-ts.mjs", "@trustnxt/c2pa-ts", bad);
        assertFalse(w.get("valid").asBoolean(), w.toString());
        assertTrue(w.get("codes").toString().contains("assertion.bmffHash.mismatch"), w.toString());
    }
}
