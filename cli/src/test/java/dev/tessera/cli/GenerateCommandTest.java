package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.engine.DType;
import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Video;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tessera generate on a tiny untrained model folder: the plumbing, the messages and the exit codes. */
class GenerateCommandTest {
    @TempDir static Path dir;
    static Path model;

    @BeforeAll static void saveTinyModel() throws Exception {
        ModelConfig p = ModelConfig.preset("tiny");
        Capabilities caps = new Capabilities(List.of(new Capabilities.Size(32, 32), new Capabilities.Size(48, 32)), List.of(8), 0.5, 2);
        model = dir.resolve("tiny");
        TesseraModel.create(new ModelConfig("tiny", p.vae(), p.text(), p.dit(), caps, 0.5, 1.15), 7).save(model, DType.BF16);
    }

    @Test void writesAPlayableMp4AndPrintsStageTimes() throws Exception {
        Path out = dir.resolve("clip.mp4");
        var r = TesseraCliTest.run("generate", "一个红球从左向右弹跳", "--model", model.toString(), "--size", "48x32",
                "--seconds", "1", "--steps", "2", "--seed", "3", "--guidance-mode", "APG", "--out", out.toString(),
                "--identity", dir.resolve("id").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("wrote " + out), r.out());
        assertTrue(r.out().contains("encode text") && r.out().contains("sample") && r.out().contains("decode"), r.out());
        assertTrue(r.err().contains("ETA"), r.err());
        Video v = Mp4Reader.read(out);
        assertEquals(48, v.width());
        assertEquals(32, v.height());
        assertEquals(8, v.frameCount());
    }

    @Test void withoutSizeRateOrLengthTheModelsOwnAreUsed() throws Exception {
        // the tiny model makes 32x32 and 48x32 at 8 fps for 0.5 to 2 s: the defaults are 32x32, 8 fps and 2 s (4 s capped)
        Path out = dir.resolve("defaults.mp4");
        var r = TesseraCliTest.run("generate", "a red ball", "--model", model.toString(), "--steps", "1", "--out", out.toString(),
                "--identity", dir.resolve("id").toString());
        assertEquals(0, r.code(), r.out() + r.err());
        Video v = Mp4Reader.read(out);
        assertEquals(32, v.width());
        assertEquals(32, v.height());
        assertEquals(16, v.frameCount());
    }

    @Test void sizesAndDurationsTheModelCannotMakeNameTheAllowedValues() {
        var r = TesseraCliTest.run("generate", "a ball", "--model", model.toString(), "--size", "64x64", "--out", dir.resolve("x.mp4").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("allowed: 32x32, 48x32"), r.err());
        r = TesseraCliTest.run("generate", "a ball", "--model", model.toString(), "--size", "32x32", "--seconds", "9");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("0.5 to 2 s"), r.err());
        r = TesseraCliTest.run("generate", "a ball", "--model", model.toString(), "--size", "12 by 12");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("WxH"), r.err());
        r = TesseraCliTest.run("generate", "a ball", "--model", model.toString(), "--size", "32x32", "--guidance-mode", "loud",
                "--out", dir.resolve("x.mp4").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("allowed: cfg, apg"), r.err());
        assertFalse(Files.exists(dir.resolve("x.mp4")));
    }

    @Test void aMissingOrBrokenModelFolderIsOneClearLine() throws Exception {
        var r = TesseraCliTest.run("generate", "a ball", "--model", dir.resolve("none").toString());
        assertEquals(3, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("model.json"), "{\"preset\": 3}");
        r = TesseraCliTest.run("generate", "a ball", "--model", broken.toString());
        assertEquals(3, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("bad model config"), r.err());
    }

    @Test void benchVaeReportsHeldOutPsnrAgainstTheReference() throws Exception {
        var r = TesseraCliTest.run("bench", "vae", "--model", model.toString(), "--clips", "1", "--seconds", "1", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("TEST", json.get("split").asText());
        for (String row : new String[] {"32x32_image", "32x32_9f", "48x32_image", "48x32_9f"}) {
            double psnr = json.get(row).get("psnr_db").asDouble(), ref = json.get(row).get("reference_8x_downup_psnr_db").asDouble();
            // an untrained VAE decodes to about mid-grey: well below the no-learning reference, but a finite number
            assertTrue(psnr > 3 && psnr < ref, row + ": " + psnr + " vs reference " + ref);
        }
        // decoding noisy latents: one PSNR per σ and row, and the same numbers again (seeded noise)
        String[] noisyArgs = {"bench", "vae", "--model", model.toString(), "--clips", "1", "--seconds", "1", "--latent-noise", "0.5,2", "--json"};
        r = TesseraCliTest.run(noisyArgs);
        assertEquals(0, r.code(), r.out() + r.err());
        String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
        json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(last);
        for (String row : new String[] {"32x32_image", "32x32_9f", "48x32_image", "48x32_9f"})
            for (String sg : new String[] {"0.5", "2.0"}) {
                double p = json.get(row).get("psnr_db_latent_noise").get(sg).asDouble();
                assertTrue(p > 3 && p < 100, row + " σ=" + sg + ": " + p);
            }
        assertEquals(last.replaceAll("\"encode_decode_s_per_clip\":[0-9.]+", ""),
                TesseraCliTest.run(noisyArgs).out().strip().lines().reduce((a, b) -> b).orElseThrow().replaceAll("\"encode_decode_s_per_clip\":[0-9.]+", ""));
        r = TesseraCliTest.run("bench", "vae", "--model", dir.resolve("none").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("no model at"), r.err());
        // the VAE is convolutional: a length past the model's trained 2 s is measured too (a vae run's folder will do)
        r = TesseraCliTest.run("bench", "vae", "--model", model.toString(), "--clips", "1", "--seconds", "3", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\"32x32_25f\""), r.out());
        for (String[] bad : new String[][] {{"--clips", "0"}, {"--seconds", "-1"}, {"--seconds", "61"}, {"--latent-noise", "0"}, {"--latent-noise", "0.1,-1"}}) {
            r = TesseraCliTest.run("bench", "vae", "--model", model.toString(), bad[0], bad[1]);
            assertEquals(2, r.code(), String.join(" ", bad));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains(bad[0]), r.err());
        }
    }

    @Test void benchDirectionProbesBothLanguagesAndRejectsBadInput() throws Exception {
        var r = TesseraCliTest.run("bench", "direction", "--model", model.toString(), "--clips", "2", "--json");
        assertEquals(0, r.code(), r.out() + r.err());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("VALIDATION", json.get("split").asText());
        for (String lang : new String[] {"en", "zh"}) {
            assertEquals(3, json.get(lang).size(), lang);
            for (var row : json.get(lang)) {
                double t = row.get("true").asDouble(), m = row.get("mirrored").asDouble();
                assertTrue(t > 0 && m > 0 && Double.isFinite(row.get("gap").asDouble()), lang + ": " + row);
                assertEquals(m - t, row.get("gap").asDouble(), 1e-5, lang + ": " + row);
            }
        }
        r = TesseraCliTest.run("bench", "direction", "--model", dir.resolve("none").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("no model at"), r.err());
        r = TesseraCliTest.run("bench", "direction", "--model", model.toString(), "--clips", "1");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--clips"), r.err());
    }
}
