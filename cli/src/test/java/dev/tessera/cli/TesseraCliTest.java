package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TesseraCliTest {

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        CommandLine cl = Tessera.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test void unknownFlagIsOneLineAndNonZero() {
        Result r = run("--no-such-flag");
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--no-such-flag"), r.err());
    }

    @Test void missingCommandIsAnError() {
        Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("tessera: "), r.err());
    }

    @Test void helpListsTheContractCommands() {
        Result r = run("--help");
        assertEquals(0, r.code());
        for (String c : new String[] {"generate", "world", "train", "eval", "verify", "bench"})
            assertTrue(r.out().contains(c), c);
    }

    @Test void everyCommandPrintsItsHelpEvenWithRequiredOptionsMissing() {
        for (String[] c : new String[][] {{"generate"}, {"world"}, {"train"}, {"eval"}, {"verify"}, {"bench"}, {"bench", "engine"},
                {"bench", "media"}, {"bench", "world"}, {"bench", "generate"}, {"bench", "eval"}, {"bench", "vae"}, {"bench", "direction"}}) {
            String[] args = java.util.Arrays.copyOf(c, c.length + 1);
            args[c.length] = "--help";
            Result r = run(args);
            assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.out().contains("Usage:") && r.out().contains(c[c.length - 1]), String.join(" ", args) + ": " + r.out());
        }
    }
}
