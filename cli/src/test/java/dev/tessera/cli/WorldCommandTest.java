package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.tessera.media.Mp4Reader;
import dev.tessera.media.Video;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WorldCommandTest {
    record Result(int code, String err) {}

    static Result run(String... args) {
        CommandLine cl = Tessera.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), err.toString());
    }

    @Test void rendersAPromptToMp4AndTruth(@TempDir Path dir) throws Exception {
        Path mp4 = dir.resolve("out.mp4"), json = dir.resolve("truth.json");
        Result r = run("world", "一个红色的球从左到右滚动。在草地上。", "--seconds", "1", "--size", "64x48", "--fps", "8", "--out", mp4.toString(), "--truth", json.toString());
        assertEquals(0, r.code(), r.err());
        Video v = Mp4Reader.read(mp4);
        assertEquals(8, v.frameCount());
        assertEquals(64, v.width());
        assertTrue(Files.readString(json).contains("\"camera_move\""));
    }

    @Test void badInputIsOneLineNonZeroAndWritesNothing(@TempDir Path dir) {
        Path mp4 = dir.resolve("bad.mp4");
        for (String[] args : new String[][] {
                {"world", "a red flibber rolls", "--out", mp4.toString()},
                {"world", "a ball", "--size", "65x64", "--out", mp4.toString()},
                {"world", "a ball", "--size", "big", "--out", mp4.toString()},
                {"world", "a ball", "--seconds", "61", "--out", mp4.toString()},
                {"world", "the red ball pushes the dominoes", "--seconds", "1", "--size", "32x32", "--out", mp4.toString()},
                {"world", "--out", mp4.toString()},
                {"world", "--sample", "0", "--out", dir.resolve("s").toString()},
                {"world", "--sample", "2", "--split", "nope", "--out", dir.resolve("s").toString()}}) {
            Result r = run(args);
            assertNotEquals(0, r.code(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("tessera: "), r.err());
            assertFalse(Files.exists(mp4), "nothing half-written");
        }
        assertTrue(run("world", "a red flibber rolls", "--out", mp4.toString()).err().contains("flibber"));
        assertTrue(run("world", "the dominoes fall", "--seconds", "1", "--size", "32x32", "--out", mp4.toString()).err().contains("needs at least 1.9 s"));
    }

    @Test void writesShards(@TempDir Path dir) throws Exception {
        Result r = run("world", "--sample", "3", "--size", "16x16", "--frames", "2", "--out", dir.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, new dev.tessera.world.Shards.Reader(dir).count);
    }
}
