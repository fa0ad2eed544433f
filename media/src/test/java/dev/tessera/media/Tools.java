package dev.tessera.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** Outside tools the tests use to make attack and B-frame files (installed in CI by media/ci-setup.sh). */
public final class Tools {
    private Tools() {}

    static boolean has(String cmd) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Skips outside CI when the tool is missing; in CI (CI=true) a missing tool is a failure, not a skip. */
    static void require(String cmd) {
        if (has(cmd)) return;
        if ("true".equals(System.getenv("CI"))) throw new AssertionError(cmd + " is missing in CI: media/ci-setup.sh should install it");
        Assumptions.abort(cmd + " not installed");
    }

    public static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        Process p = new ProcessBuilder(c).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    /** Debian ffmpeg with libx264: the re-encoding attack and the B-frame sample. */
    static void ffmpeg(Path dir, String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-loglevel", "error", "-y"));
        c.addAll(List.of(args));
        run(dir, c.toArray(String[]::new));
    }
}
