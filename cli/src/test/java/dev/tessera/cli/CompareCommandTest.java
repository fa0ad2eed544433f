package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ./tessera compare: two real reports (the world's renders, two seeds), a folder or a file, and bad input. */
class CompareCommandTest {
    @Test void comparesTwoEvalRunsVideoByVideo(@TempDir Path dir) throws Exception {
        Path prompts = dir.resolve("prompts.txt");
        Files.writeString(prompts, "a red ball rolls from left to right on the grass\na blue cube falls onto the table\n");
        String[] common = {"eval", "--prompts", prompts.toString(), "--truth", "--size", "64x64", "--fps", "8", "--seconds", "2", "--no-null"};
        assertEquals(0, EvalCommandTest.run(EvalCommandTest.concat(common, "--seed", "3", "--out", dir.resolve("a").toString())).code());
        assertEquals(0, EvalCommandTest.run(EvalCommandTest.concat(common, "--seed", "3", "--out", dir.resolve("b").toString())).code());
        EvalCommandTest.Result r = EvalCommandTest.run("compare", dir.resolve("a").toString(), dir.resolve("b").resolve("report.json").toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out().strip().lines().toList().getLast());
        // the same seed renders the same frames and scores the same
        assertEquals(2, j.get("frames").get("same").asInt(), j.toString());
        assertEquals(0.0, j.get("per_video").get("mean").asDouble(), 0);
        assertTrue(r.err().contains("per video"), r.err());
    }

    @Test void badInputIsOneClearLine(@TempDir Path dir) throws Exception {
        EvalCommandTest.Result missing = EvalCommandTest.run("compare", dir.resolve("nope").toString(), dir.toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("report A not found"), missing.err());
        Path junk = dir.resolve("junk.json");
        Files.writeString(junk, "{not json");
        EvalCommandTest.Result bad = EvalCommandTest.run("compare", junk.toString(), junk.toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("not readable JSON"), bad.err());
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"overall\": 1}");
        EvalCommandTest.Result notReport = EvalCommandTest.run("compare", other.toString(), other.toString());
        assertEquals(2, notReport.code());
        assertTrue(notReport.err().contains("not a SimBench report"), notReport.err());
        assertEquals(1, notReport.err().strip().lines().count(), notReport.err());
    }
}
