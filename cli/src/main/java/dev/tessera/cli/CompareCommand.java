package dev.tessera.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.eval.Comparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tessera compare A B}: two SimBench reports of the same prompts, video by video (B minus A). The readable
 * table goes to stderr, the JSON as the last stdout line. Each argument is a report.json or the folder holding one.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two SimBench reports of the same prompts video by video (B - A): paired differences per "
                + "dimension and per video with standard errors, videos better/worse, and how many judged the same frames.")
public final class CompareCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "A", description = "the baseline: report.json or its folder") Path a;
    @Parameters(index = "1", paramLabel = "B", description = "the candidate: report.json or its folder") Path b;

    @Override public Integer call() {
        Comparison c;
        try {
            c = Comparison.of(read(a, "A"), read(b, "B"));
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(2, e.getMessage());
        }
        System.err.print(c.table());
        System.out.println(c.toJson().toString());
        return 0;
    }

    static JsonNode read(Path p, String name) {
        Path file = Files.isDirectory(p) ? p.resolve("report.json") : p;
        if (!Files.isRegularFile(file)) throw new ExitCodeException(2, "report " + name + " not found: " + file);
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new ExitCodeException(2, "report " + name + " is not readable JSON: " + file + " (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }
}
