package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tessera.cli.ExitCodeException;
import dev.tessera.model.TesseraModel;
import dev.tessera.train.HeldOutLoss;
import java.io.PrintWriter;
import java.nio.file.Files;
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
 * {@code ./tessera bench heldout --run RUN [--model DIR] [--batches K] [--frame-order] [--json]}: is a DiT run remembering its clips
 * instead of learning the world? ({@link HeldOutLoss}): the flow-matching loss on K micro-batches the run trained on
 * and on K of the same stream it never saw, at five noise levels, with the true and with empty captions.
 */
@Command(name = "heldout", mixinStandardHelpOptions = true,
        description = "Seen vs unseen clips: a DiT's flow-matching loss on clips its run trained on and on new clips of the same stream.")
public final class HeldOutBench implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--run", required = true, paramLabel = "RUN", description = "the DiT run folder whose data is measured (its checkpoint's config and step)") Path run;
    @Option(names = "--model", paramLabel = "DIR", description = "model folder to measure (default RUN/model)") Path model;
    @Option(names = "--batches", defaultValue = "8", description = "micro-batches per side (default ${DEFAULT-VALUE})") int batches;
    @Option(names = "--seed", defaultValue = "1", description = "noise seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--frame-order", description = "also the unseen clips' loss with their latent frames after the first shuffled: does the DiT use the order of its frames?") boolean frameOrder;
    @Option(names = "--json", description = "end with one JSON line") boolean json;

    @Override public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (batches < 1 || batches > 1000) throw new ExitCodeException(2, "--batches must be 1..1000, got " + batches);
        if (!Files.isDirectory(run)) throw new ExitCodeException(2, "no run folder " + run);
        Path dir = model != null ? model : run.resolve("model");
        TesseraModel m = BenchModel.load(dir);
        long t0 = System.nanoTime();
        HeldOutLoss.RunMeasure rm;
        try {
            rm = HeldOutLoss.ofRun(run, m, batches, HeldOutLoss.TIMES, seed, frameOrder);
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(3, e.getMessage());
        }
        HeldOutLoss.Result r = rm.result();
        var cfg = rm.config();
        out.printf(Locale.ROOT, "held-out loss: model %s on the data of %s (step %d, %s; %s)%n", dir, run, rm.step(),
                cfg.clips() > 0 ? "a fixed set of " + cfg.clips() + " clips" : "an endless stream",
                cfg.objectWeight() > 0 ? "object weight " + cfg.objectWeight() : "plain MSE");
        out.printf(Locale.ROOT, "%d micro-batches x %d items per side; seen latents %s%n", r.batches(), r.items() / r.batches(),
                rm.storedLatents() ? "from the run's latent store" : "encoded with the model's VAE");
        out.printf(Locale.ROOT, "%5s %10s %10s %12s %14s%n", "t", "seen", "unseen", "seen, empty", "unseen, empty");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (var row : r.rows()) {
            out.printf(Locale.ROOT, "%5.2f %10.4f %10.4f %12.4f %14.4f%n", row.t(), row.seen(), row.unseen(), row.seenEmpty(), row.unseenEmpty());
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("t", row.t());
            j.put("seen", Stats.round6(row.seen()));
            j.put("unseen", Stats.round6(row.unseen()));
            j.put("seen_empty", Stats.round6(row.seenEmpty()));
            j.put("unseen_empty", Stats.round6(row.unseenEmpty()));
            rows.add(j);
        }
        out.printf(Locale.ROOT, "%5s %10.4f %10.4f %12.4f %14.4f%n", "mean", r.seen(), r.unseen(), r.seenEmpty(), r.unseenEmpty());
        out.printf(Locale.ROOT, "unseen - seen: %.4f ± %.4f (%.1f%% of seen)%n", r.gap(), r.gapStdErr(), 100 * r.gap() / r.seen());
        out.printf(Locale.ROOT, "the caption lowers an item's loss by %.1f%% ± %.1f on seen clips, %.1f%% ± %.1f on unseen ones%n",
                100 * r.seenGain(), 100 * r.seenGainStdErr(), 100 * r.unseenGain(), 100 * r.unseenGainStdErr());
        HeldOutLoss.OrderResult o = rm.order();
        List<Map<String, Object>> orderRows = new ArrayList<>();
        if (o != null) {
            out.printf(Locale.ROOT, "frame order: %d unseen items with 3+ latent frames (%d shorter ones skipped), true captions%n", o.items(), o.skipped());
            out.printf(Locale.ROOT, "%5s %10s %10s %8s%n", "t", "in order", "shuffled", "rise");
            for (var row : o.rows()) {
                out.printf(Locale.ROOT, "%5.2f %10.4f %10.4f %7.1f%%%n", row.t(), row.inOrder(), row.shuffled(), 100 * (row.shuffled() / row.inOrder() - 1));
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("t", row.t());
                j.put("in_order", Stats.round6(row.inOrder()));
                j.put("shuffled", Stats.round6(row.shuffled()));
                orderRows.add(j);
            }
            out.printf(Locale.ROOT, "%5s %10.4f %10.4f%n", "mean", o.inOrder(), o.shuffled());
            out.printf(Locale.ROOT, "shuffling the frames raises an item's loss by %.1f%% ± %.1f%n", 100 * o.rise(), 100 * o.riseStdErr());
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%.1f s%n", secs);
        if (json) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("model", dir.toString());
            j.put("run", run.toString());
            j.put("step", rm.step());
            j.put("batches", r.batches());
            j.put("items", r.items());
            j.put("stored_latents", rm.storedLatents());
            j.put("rows", rows);
            j.put("seen", Stats.round6(r.seen()));
            j.put("unseen", Stats.round6(r.unseen()));
            j.put("seen_empty", Stats.round6(r.seenEmpty()));
            j.put("unseen_empty", Stats.round6(r.unseenEmpty()));
            j.put("gap", Stats.round6(r.gap()));
            j.put("gap_stderr", Stats.round6(r.gapStdErr()));
            j.put("seen_caption_gain", Stats.round6(r.seenGain()));
            j.put("seen_caption_gain_stderr", Stats.round6(r.seenGainStdErr()));
            j.put("unseen_caption_gain", Stats.round6(r.unseenGain()));
            j.put("unseen_caption_gain_stderr", Stats.round6(r.unseenGainStdErr()));
            if (o != null) {
                Map<String, Object> fo = new LinkedHashMap<>();
                fo.put("items", o.items());
                fo.put("skipped", o.skipped());
                fo.put("rows", orderRows);
                fo.put("in_order", Stats.round6(o.inOrder()));
                fo.put("shuffled", Stats.round6(o.shuffled()));
                fo.put("rise", Stats.round6(o.rise()));
                fo.put("rise_stderr", Stats.round6(o.riseStdErr()));
                j.put("frame_order", fo);
            }
            j.put("seconds", Math.round(secs * 100) / 100.0);
            out.println(new ObjectMapper().writeValueAsString(j));
        }
        out.flush();
        return 0;
    }

}
