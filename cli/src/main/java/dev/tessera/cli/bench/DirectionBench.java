package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.cli.ExitCodeException;
import dev.tessera.model.TesseraModel;
import dev.tessera.train.DirectionProbe;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera bench direction [--model DIR] [--clips N] [--json]}: does the model's DiT read "left" and "right"?
 * ({@link DirectionProbe}): on VALIDATION world clips whose caption names a side or direction, the object cells' error
 * of the DiT's clean-latent prediction with the true caption, with left and right exchanged, and with no caption, per
 * noise level and language. A gap (mirrored − true) within a few standard errors of zero means the direction words
 * are ignored.
 */
@Command(name = "direction", mixinStandardHelpOptions = true,
        description = "Does the DiT read left/right? Object error with the true caption vs left and right exchanged vs empty, on VALIDATION world clips.")
public final class DirectionBench implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default models/default)") Path model;
    @Option(names = "--clips", defaultValue = "12", description = "clips per language (default ${DEFAULT-VALUE})") int clips;
    @Option(names = "--seed", defaultValue = "1", description = "noise seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--json", description = "end with one JSON line") boolean json;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = BenchModel.dir(model);
        if (clips < 2 || clips > 500) throw new ExitCodeException(2, "--clips must be 2..500, got " + clips);
        TesseraModel m = BenchModel.load(dir);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("model", dir.toString());
        result.put("split", "VALIDATION");
        result.put("clips_per_language", clips);
        out.printf(Locale.ROOT, "direction probe: %s, %d VALIDATION clips per language; object-cell error of the DiT's clean-latent prediction%n", dir, clips);
        out.printf(Locale.ROOT, "%-4s %5s %10s %10s %10s %22s %10s%n", "lang", "t", "true", "mirrored", "empty", "gap (mirrored-true)", "true wins");
        for (String lang : new String[] {"en", "zh"}) {
            long t0 = System.nanoTime();
            var r = DirectionProbe.measure(m.dit, m.text, DirectionProbe.worldItems(m, clips, lang), DirectionProbe.TIMES, seed);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (var row : r.rows()) {
                out.printf(Locale.ROOT, "%-4s %5.2f %10.4f %10.4f %10.4f %12.5f ± %.5f %9.0f%%%n", lang, row.t(), row.trueCaption(),
                        row.mirrored(), row.empty(), row.gap(), row.gapStdErr(), 100 * row.trueWins());
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("t", row.t());
                j.put("true", Stats.round6(row.trueCaption()));
                j.put("mirrored", Stats.round6(row.mirrored()));
                j.put("empty", Stats.round6(row.empty()));
                j.put("gap", Stats.round6(row.gap()));
                j.put("gap_stderr", Stats.round6(row.gapStdErr()));
                j.put("true_wins", Stats.round6(row.trueWins()));
                rows.add(j);
            }
            result.put(lang, rows);
            result.put(lang + "_seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
            out.flush();
        }
        if (json) out.println(new ObjectMapper().writeValueAsString(result));
        out.flush();
        return 0;
    }

}
