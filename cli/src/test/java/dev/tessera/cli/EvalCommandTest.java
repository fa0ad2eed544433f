package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.eval.Perturb;
import dev.tessera.eval.WorldPrompts;
import dev.tessera.media.Mp4Writer;
import dev.tessera.engine.DType;
import dev.tessera.media.Video;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ./tessera eval end to end on small clips: --videos scoring, per-line parse errors, the report files, bad input. */
class EvalCommandTest {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        // the command prints its progress and summary to System.out/err: capture those before building the CLI
        PrintStream so = System.out, se = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        CommandLine cl = Tessera.commandLine();
        StringWriter pout = new StringWriter(), perr = new StringWriter();
        cl.setOut(new PrintWriter(pout, true));
        cl.setErr(new PrintWriter(perr, true));
        try {
            int code = cl.execute(args);
            return new Result(code, pout + out.toString(StandardCharsets.UTF_8), perr + err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(so);
            System.setErr(se);
        }
    }

    @Test void scoresVideosFromAFolderAndReportsBadLines(@TempDir Path dir) throws Exception {
        String good = "a red ball rolls from left to right on the grass";
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, good + "\n" + "a red bal rolls\n" + good + "\n", StandardCharsets.UTF_8);
        Path videos = Files.createDirectories(dir.resolve("videos"));
        Video v = WorldPrompts.render(good, 64, 64, 8, 2, 3);
        Mp4Writer.write(v, videos.resolve("0001.mp4"));
        Mp4Writer.write(Perturb.mirror(v), videos.resolve("0003.mp4"));
        Path out = dir.resolve("out");
        Result r = run("eval", "--prompts", prompts.toString(), "--videos", videos.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().strip().lines().toList();
        JsonNode summary = new ObjectMapper().readTree(lines.getLast());
        assertTrue(summary.has("overall"), lines.getLast());
        assertEquals(1, summary.get("errors").asInt());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertTrue(report.get("dimensions").has("motion_direction"));
        JsonNode ps = report.get("prompts");
        assertEquals(3, ps.size());
        assertTrue(ps.get(1).get("error").asText().contains("bal"), ps.get(1).toString());
        // the honest video moves left to right, its mirror does not
        assertTrue(ps.get(0).get("scores").get("motion_direction").asDouble() >= 0.9, ps.get(0).get("scores").toString());
        assertTrue(ps.get(2).get("scores").get("motion_direction").asDouble() <= 0.2, ps.get(2).get("scores").toString());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("data:image/png;base64,") && html.contains("motion_direction"));
    }

    @Test void seedsPoolTheRunsAndReportEachSeed(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "a red ball rolls from left to right on the grass\na blue cube falls onto the table\n");
        Path one = dir.resolve("one"), two = dir.resolve("two"), pooled = dir.resolve("pooled");
        String[] common = {"eval", "--prompts", prompts.toString(), "--truth", "--size", "64x64", "--fps", "8", "--seconds", "2"};
        assertEquals(0, run(concat(common, "--seed", "3", "--out", one.toString())).code());
        assertEquals(0, run(concat(common, "--seed", "4", "--out", two.toString())).code());
        Result r = run(concat(common, "--seed", "3", "--seeds", "2", "--out", pooled.toString()));
        assertEquals(0, r.code(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(one.resolve("report.json").toFile()), b = json.readTree(two.resolve("report.json").toFile());
        JsonNode p = json.readTree(pooled.resolve("report.json").toFile());
        // each seed's overall is that seed's own single run; the pooled entries name their seed
        assertEquals(a.get("overall").asDouble(), p.get("seeds").get("3").asDouble(), 1e-9);
        assertEquals(b.get("overall").asDouble(), p.get("seeds").get("4").asDouble(), 1e-9);
        assertEquals(4, p.get("prompts").size());
        assertEquals("seed 4", p.get("prompts").get(2).get("video").asText());
        // a dimension every prompt scores is the plain mean of the two runs (equal counts per seed)
        double mean = (a.get("dimensions").get("presence").get("score").asDouble()
                + b.get("dimensions").get("presence").get("score").asDouble()) / 2;
        assertEquals(mean, p.get("dimensions").get("presence").get("score").asDouble(), 1e-4);
        double sa = a.get("overall").asDouble(), sb = b.get("overall").asDouble();
        assertEquals(Math.abs(sa - sb) / 2, p.get("overall_se").asDouble(), 1e-4);
        JsonNode summary = json.readTree(r.out().strip().lines().toList().getLast());
        assertTrue(summary.has("seeds") && summary.has("overall_se"), summary.toString());
        // a folder of videos has one video per line: more seeds make no sense there
        Result bad = run("eval", "--prompts", prompts.toString(), "--videos", dir.toString(), "--seeds", "2", "--out", dir.resolve("x").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--seeds"), bad.err());
        assertEquals(2, run(concat(common, "--seeds", "0", "--out", dir.resolve("y").toString())).code());
        Result solver = run(concat(common, "--solver", "rk4", "--out", dir.resolve("z").toString()));
        assertEquals(2, solver.code());
        assertTrue(solver.err().contains("unknown solver 'rk4'") && solver.err().contains("ancestral"), solver.err());
    }

    /** Prompt-blind noise videos are scored beside every video unless --no-null; each entry names its frames' hash. */
    @Test void chanceLevelFromNullVideosAndFrameHashes(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "A red cube glides from left to right. On a lawn during the day.\n白天，在草坪上。一个红色的盒子向右滑行。\n");
        String[] common = {"eval", "--prompts", prompts.toString(), "--truth", "--size", "64x64", "--fps", "8", "--seconds", "2"};
        ObjectMapper json = new ObjectMapper();
        Result with = run(concat(common, "--out", dir.resolve("a").toString()));
        assertEquals(0, with.code(), with.err());
        JsonNode summary = json.readTree(with.out().strip().lines().toList().getLast());
        assertTrue(summary.has("overall_above_null") && summary.has("above_null"), summary.toString());
        JsonNode report = json.readTree(dir.resolve("a").resolve("report.json").toFile());
        for (String family : List.of("pixel_noise", "flicker_mosaic", "still_mosaic", "drifting_mosaic"))
            assertTrue(report.get("null").get("families").has(family), family);
        JsonNode presence = report.get("dimensions").get("presence");
        assertEquals(report.get("null").get("floor").get("presence").asDouble(), presence.get("null").asDouble(), 1e-9);
        String hash = report.get("prompts").get(0).get("frames_sha256").asText();
        assertTrue(hash.matches("[0-9a-f]{16}"), hash);
        assertTrue(Files.readString(dir.resolve("a").resolve("report.html")).contains("above chance"));
        Result without = run(concat(common, "--no-null", "--out", dir.resolve("b").toString()));
        assertEquals(0, without.code(), without.err());
        assertFalse(json.readTree(without.out().strip().lines().toList().getLast()).has("overall_above_null"));
        JsonNode plain = json.readTree(dir.resolve("b").resolve("report.json").toFile());
        assertFalse(plain.has("null"));
        // the same seed renders the same frames, with or without the nulls
        assertEquals(hash, plain.get("prompts").get(0).get("frames_sha256").asText());
        assertEquals(report.get("overall").asDouble(), plain.get("overall").asDouble(), 1e-12);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An untrained tiny model folder trained (nominally) for side × side at 8 fps, 0.125–2 s. */
    static Path tinyModel(Path dir, int side) throws java.io.IOException {
        ModelConfig p = ModelConfig.preset("tiny");
        TesseraModel m = TesseraModel.create(new ModelConfig("tiny", p.vae(), p.text(), p.dit(),
                new Capabilities(List.of(new Capabilities.Size(side, side)), List.of(8), 0.125, 2), 0.5, 1.15), 3);
        Path model = dir.resolve("model");
        m.save(model, DType.BF16);
        return model;
    }

    static Path rollingBall(Path dir) throws java.io.IOException {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "a red ball rolls from left to right on the grass\n");
        return prompts;
    }

    @Test void generateScoresTheModelsOwnVideos(@TempDir Path dir) throws Exception {
        // an untrained tiny model: the wiring is under test here, not the model (its scores are whatever it earns)
        Path model = tinyModel(dir, 32), prompts = rollingBall(dir);
        Path out = dir.resolve("out");
        Result r = run("eval", "--prompts", prompts.toString(), "--generate", "--model", model.toString(), "--seconds", "1",
                "--steps", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        JsonNode p0 = report.get("prompts").get(0);
        assertFalse(p0.has("error"), p0.toString());
        assertTrue(p0.get("scores").has("presence"), p0.toString());
        // SDEdit from the world's render: the wiring again (a tiny untrained model), and its bad inputs
        Path edit = dir.resolve("edit");
        r = run("eval", "--prompts", prompts.toString(), "--generate", "--from-truth", "0.5", "--model", model.toString(),
                "--seconds", "1", "--steps", "2", "--out", edit.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("noised to t = 0.5"), r.err());
        assertFalse(new ObjectMapper().readTree(edit.resolve("report.json").toFile()).get("prompts").get(0).has("error"));
        Result tooLong = run("eval", "--prompts", prompts.toString(), "--generate", "--model", model.toString(), "--seconds", "30",
                "--out", dir.resolve("x").toString());
        assertEquals(2, tooLong.code(), tooLong.err());
        assertTrue(tooLong.err().contains("duration 30 s is not supported"), tooLong.err());
        // a refiner DiT for the low-noise steps (here the same tiny model: the wiring)
        r = run("eval", "--prompts", prompts.toString(), "--generate", "--refiner", model.toString(), "--refine-below", "0.4", "--guidance-above", "0.5",
                "--guidance-below", "2", "--contrast", "3", "--finish-below", "0.3", "--guidance-high", "2", "--guidance-band-time", "--model", model.toString(), "--seconds", "1", "--steps", "2",
                "--out", dir.resolve("refined").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("at t <= 0.4") && r.err().contains("guidance 2.0 at and below t = 0.5") && r.err().contains("contrast 3.0 against the mirrored prompt") && r.err().contains("finishing from the lowest step time >= 0.3")
                && r.err().contains("high-band guidance 2.0 (space and time)"), r.err());
        for (String[] bad : new String[][] {{"--generate", "--from-truth", "0"}, {"--generate", "--from-truth", "1.5"}, {"--truth", "--from-truth", "0.5"},
                {"--truth", "--refiner", model.toString()}, {"--generate", "--refiner", model.toString(), "--refine-below", "1"},
                {"--generate", "--refiner", dir.resolve("none").toString()}, {"--generate", "--guidance-above", "1"}, {"--truth", "--guidance-above", "0.5"},
                {"--generate", "--finish-below", "1"}, {"--generate", "--finish-below", "-0.2"}, {"--reconstruct", "--finish-below", "0.3"},
                {"--generate", "--guidance-high", "-1"}, {"--generate", "--guidance-high", "60"}, {"--truth", "--guidance-high", "2"},
                {"--generate", "--guidance-band-time"}, {"--generate", "--guidance-below", "3"},
                {"--generate", "--guidance-above", "0.5", "--guidance-below", "60"}, {"--truth", "--contrast", "2"}, {"--generate", "--contrast", "-1"}}) {
            String[] args = new String[bad.length + 7];
            System.arraycopy(new String[] {"eval", "--prompts", prompts.toString(), "--model", model.toString(), "--out", dir.resolve("x").toString()}, 0, args, 0, 7);
            System.arraycopy(bad, 0, args, 7, bad.length);
            Result b = run(args);
            assertTrue(b.code() == 2 || b.code() == 3, String.join(" ", bad) + ": exit " + b.code());
            assertEquals(1, b.err().strip().lines().count(), b.err());
            assertTrue(b.err().contains("--from-truth") || b.err().contains("--refine") || b.err().contains("--guidance-above") || b.err().contains("--finish-below") || b.err().contains("--guidance-high") || b.err().contains("--guidance-below") || b.err().contains("--contrast") || b.err().contains("--guidance-band-time") || b.err().contains("cannot load model"), b.err());
        }
    }

    @Test void reconstructScoresTheWorldThroughTheModelsVae(@TempDir Path dir) throws Exception {
        // an untrained tiny VAE: its reconstructions are near-uniform, so the world's things vanish from them
        Path model = tinyModel(dir, 64), prompts = rollingBall(dir);
        Path out = dir.resolve("out"), truth = dir.resolve("truth");
        Result r = run("eval", "--prompts", prompts.toString(), "--reconstruct", "--model", model.toString(), "--seconds", "1",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("64x64, 8 fps"), r.err());
        Result t = run("eval", "--prompts", prompts.toString(), "--truth", "--size", "64x64", "--fps", "8", "--seconds", "1",
                "--out", truth.toString());
        assertEquals(0, t.code(), t.err());
        JsonNode rec = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("prompts").get(0);
        JsonNode world = new ObjectMapper().readTree(truth.resolve("report.json").toFile()).get("prompts").get(0);
        assertFalse(rec.has("error"), rec.toString());
        assertEquals(1.0, world.get("scores").get("presence").asDouble(), world.toString());
        assertTrue(rec.get("scores").get("presence").asDouble() < 0.5, "an untrained VAE loses the ball: " + rec);
        Path frames = dir.resolve("frames");
        Result pf = run("eval", "--prompts", prompts.toString(), "--reconstruct", "--per-frame", "--model", model.toString(),
                "--seconds", "1", "--out", frames.toString());
        assertEquals(0, pf.code(), pf.err());
        assertTrue(pf.err().contains("frame by frame"), pf.err());
        assertFalse(new ObjectMapper().readTree(frames.resolve("report.json").toFile()).get("prompts").get(0).has("error"));
        Result notRec = run("eval", "--prompts", prompts.toString(), "--truth", "--per-frame", "--out", dir.resolve("x").toString());
        assertEquals(2, notRec.code());
        assertTrue(notRec.err().contains("--per-frame needs --reconstruct"), notRec.err());
        Result odd = run("eval", "--prompts", prompts.toString(), "--reconstruct", "--model", model.toString(), "--seconds", "0.3",
                "--out", dir.resolve("x").toString());
        assertEquals(2, odd.code());
        assertEquals(1, odd.err().strip().lines().count(), odd.err());
        assertTrue(odd.err().contains("--seconds 0.3 at 8 fps is not a whole number of frames"), odd.err());
        Result size = run("eval", "--prompts", prompts.toString(), "--reconstruct", "--model", model.toString(), "--size", "60x60",
                "--out", dir.resolve("x").toString());
        assertEquals(2, size.code());
        assertTrue(size.err().contains("multiple of 8"), size.err());
        assertFalse(Files.exists(dir.resolve("x")), "nothing written on bad input");
    }

    @Test void badInputIsOneClearLine(@TempDir Path dir) throws Exception {
        Result missing = run("eval", "--prompts", dir.resolve("nope.txt").toString(), "--truth", "--out", dir.toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("prompt file not found"), missing.err());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        Path p = dir.resolve("p.txt");
        Files.writeString(p, "a red ball\n");
        Result two = run("eval", "--prompts", p.toString(), "--truth", "--videos", dir.toString(), "--out", dir.toString());
        assertEquals(2, two.code());
        Result size = run("eval", "--prompts", p.toString(), "--truth", "--size", "12xfoo", "--out", dir.toString());
        assertNotEquals(0, size.code());
        assertTrue(size.err().contains("--size"), size.err());
        assertFalse(Files.exists(dir.resolve("report.json")), "nothing written on bad input");
    }
}
