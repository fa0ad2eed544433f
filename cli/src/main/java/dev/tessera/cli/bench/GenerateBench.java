package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.cli.ExitCodeException;
import dev.tessera.engine.F;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.kernels.Parallel;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.TextToVideo;
import dev.tessera.model.VideoShape;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.TextContext;
import dev.tessera.train.Flops;
import dev.tessera.train.PeakFlops;
import dev.tessera.train.Trainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera bench generate [--json]}: generation and training speed of the S preset at the default request
 * (128×128, 4 s at 8 fps = 32 frames → latent 9×16×16 → 576 spacetime tokens).
 * <ul>
 * <li>{@code step_seconds}: one sampler step (the guided velocity, a batch of 2: conditional + empty prompt), median;
 * <li>{@code generate_seconds_4s}: the whole pipeline once (text, {@code --steps} Euler steps, VAE decode);
 * <li>{@code train_samples_per_s}, {@code train_mfu}: DiT + text encoder training steps (flow-matching loss, backward,
 *     AdamW) on 4 s clips, batch 1, MFU against the measured FMA peak ({@link PeakFlops});
 * <li>the same DiT config in PyTorch ({@code bench/dit_torch.py}, run here with the same thread count): forward of the
 *     guided batch and a DiT training step, timed beside Tessera's own DiT-only forward and training step; the ratio
 *     is torch time / Tessera time (above 1: Tessera faster);
 * <li>{@code peak_rss_mb}: the process's peak resident memory (VmHWM).
 * </ul>
 * Weights: {@code --model DIR}, otherwise freshly initialised S — speed does
 * not depend on the weights' values.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generation and training speed of the S preset at 128x128, 4 s (with a PyTorch reference).")
public final class GenerateBench implements Callable<Integer> {
    @Option(names = "--json", description = "last line: one JSON object") boolean json;
    @Option(names = "--model", description = "model folder (default: a fresh S model; e.g. --model models/default)") Path modelDir;
    @Option(names = "--steps", defaultValue = "20", description = "sampler steps of the full generation (default: ${DEFAULT-VALUE}, as generate)") int steps;
    @Option(names = "--reps", defaultValue = "3", description = "timed repetitions per measurement; medians are reported (default: ${DEFAULT-VALUE})") int reps;
    @Option(names = "--threads", description = "compute threads (default: all cores)") Integer threads;
    @Option(names = "--no-torch", description = "skip the PyTorch reference") boolean noTorch;
    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "python with torch for the reference (default: ${DEFAULT-VALUE})") String python;

    static final int FPS = 8, SECONDS = 4, CONTEXT_LEN = 48;

    @Override public Integer call() throws Exception {
        if (reps < 1 || reps > 100) throw new ExitCodeException(2, "--reps must be in 1..100, got " + reps);
        if (steps < 1 || steps > 1000) throw new ExitCodeException(2, "--steps must be in 1..1000, got " + steps);
        if (threads != null) {
            if (threads < 1) throw new ExitCodeException(2, "--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
        TesseraModel model = loadModel();
        ModelConfig mc = model.config;
        VideoShape shape = new VideoShape(FPS * SECONDS, 128, 128, mc.vae().timeDown());
        int[] latent = {1, mc.vae().latentChannels(), shape.latentFrames(), shape.latentHeight(), shape.latentWidth()};
        int tokens = shape.tokens(mc.dit().patchT(), mc.dit().patchS());
        String prompt = "a red ball rolls from left to right on a studio floor";
        double peak = PeakFlops.gflops(Parallel.threads());
        say("model %s (%s), %d threads, FMA peak %.0f GFLOP/s; request 128x128, %d s at %d fps -> latent %s, %d tokens",
                mc.preset(), modelDir == null ? "fresh weights" : modelDir, Parallel.threads(), peak, SECONDS, FPS,
                Arrays.toString(latent), tokens);

        // one sampler step: the guided velocity of a batch of 2
        TextContext cond, uncond;
        try (var g = Grad.off()) {
            cond = model.text.encode(prompt);
            uncond = model.text.encode("");
        }
        TextContext both = TextContext.stack(cond, uncond);
        int[] two = latent.clone();
        two[0] = 2;
        Tensor x2 = Tensor.randn(new Rng(1), two), t2 = Tensor.of(new float[] {0.5f, 0.5f}, 2);
        double stepS = median(reps, () -> {
            try (var g = Grad.off()) {
                model.dit.velocity(x2, t2, both);
            }
        });
        say("sampler step (guided, batch 2): %.3f s", stepS);

        // the whole pipeline once
        TextToVideo.Request req = new TextToVideo.Request(prompt, new Capabilities.Size(128, 128), FPS, SECONDS, steps, 4.0, 0,
                Sampler.Solver.EULER);
        long g0 = System.nanoTime();
        TextToVideo.Result res = new TextToVideo(model).generate(req, shape, Sampler.Progress.NONE);
        double genS = (System.nanoTime() - g0) / 1e9;
        say("generate 4 s at 128x128, %d steps: %.1f s (text %d ms, sample %d ms, decode %d ms)", steps, genS,
                res.timings().textMs(), res.timings().sampleMs(), res.timings().decodeMs());

        // training: DiT + text encoder jointly, as `train dit` does
        Map<String, Tensor> params = new LinkedHashMap<>();
        model.dit.namedParameters().forEach((k, v) -> params.put("dit." + k, v));
        model.text.namedParameters().forEach((k, v) -> params.put("text." + k, v));
        AdamW opt = new AdamW(params, 1e-4, 0.01f);
        FlowMatchingLoss fm = new FlowMatchingLoss(new FlowMatching(0, 1, mc.timeShift()), 0.1);
        Tensor x1 = Tensor.randn(new Rng(2), latent);
        Rng rng = new Rng(3);
        double trainS = median(reps, () -> {
            opt.zeroGrad();
            fm.compute(model.dit, model.text, x1, new String[] {prompt}, tokens, rng).loss().backward();
            opt.step();
        });
        int capLen = model.text.tokenizer.encode(prompt).length;
        double trainFlops = 3 * (Flops.dit(mc.dit(), tokens, capLen) + Flops.text(mc.text(), capLen));
        double mfu = trainFlops / trainS / 1e9 / peak;
        say("train step (dit + text, batch 1, 4 s clip): %.3f s -> %.3f samples/s, %.1f GFLOP/s, MFU %.1f%%",
                trainS, 1 / trainS, trainFlops / trainS / 1e9, 100 * mfu);

        // DiT alone, the PyTorch twin's exact workload: random context of CONTEXT_LEN tokens
        Tensor ctx2 = Tensor.randn(new Rng(4), 2, CONTEXT_LEN, mc.dit().contextDim());
        Tensor ones2 = Tensor.ones(2, CONTEXT_LEN);
        TextContext c2 = new TextContext(ctx2, ones2);
        double ditFwd = median(reps, () -> {
            try (var g = Grad.off()) {
                model.dit.velocity(x2, t2, c2);
            }
        });
        TextContext c1 = new TextContext(ctx2.narrow(0, 0, 1).contiguous(), Tensor.ones(1, CONTEXT_LEN));
        Map<String, Tensor> ditParams = new LinkedHashMap<>(model.dit.namedParameters());
        AdamW ditOpt = new AdamW(ditParams, 1e-4, 0.01f);
        Tensor target = Tensor.randn(new Rng(5), latent), t1 = Tensor.of(new float[] {0.5f}, 1);
        model.text.namedParameters().values().forEach(p -> p.zeroGrad());
        double ditTrain = median(reps, () -> {
            ditOpt.zeroGrad();
            F.mse(model.dit.velocity(x1, t1, c1), target).backward();
            ditOpt.step();
        });
        say("DiT alone: forward (batch 2) %.3f s, train step (batch 1) %.3f s", ditFwd, ditTrain);

        ObjectNode out = new ObjectMapper().createObjectNode();
        out.put("preset", mc.preset());
        out.put("threads", Parallel.threads());
        out.put("tokens", tokens);
        out.put("sampler_steps", steps);
        out.put("step_seconds", round(stepS));
        out.put("generate_seconds_4s", round(genS));
        out.put("train_samples_per_s", round(1 / trainS));
        out.put("train_mfu", round(mfu));
        out.put("fma_peak_gflops", round(peak));
        out.put("dit_forward_seconds", round(ditFwd));
        out.put("dit_train_step_seconds", round(ditTrain));
        if (!noTorch) {
            JsonNode torch = torch(mc.dit(), latent);
            if (torch != null) {
                double tf = torch.get("forward_seconds").asDouble(), tt = torch.get("train_step_seconds").asDouble();
                say("PyTorch %s: forward %.3f s, train step %.3f s -> Tessera/PyTorch time ratio: forward %.2f, train %.2f (below 1: Tessera faster)",
                        torch.get("torch").asText(), tf, tt, ditFwd / tf, ditTrain / tt);
                out.put("torch_forward_seconds", round(tf));
                out.put("torch_train_step_seconds", round(tt));
                out.put("forward_time_ratio_tessera_over_torch", round(ditFwd / tf));
                out.put("train_time_ratio_tessera_over_torch", round(ditTrain / tt));
            }
        }
        out.put("peak_rss_mb", peakRssMb());
        if (json) System.out.println(out);
        return 0;
    }

    private TesseraModel loadModel() throws IOException {
        if (modelDir != null) return TesseraModel.load(Trainer.modelFolder(modelDir));
        // The benchmark measures the S preset (issue #5); the shipped default model may be smaller, so it is used only
        // when asked for with --model. Speed does not depend on the weights' values.
        return TesseraModel.create(ModelConfig.preset("S"), 0);
    }

    /** Runs bench/dit_torch.py with this DiT config; null (with a note) when python/torch or the script is missing. */
    private JsonNode torch(DitConfig d, int[] latent) throws IOException, InterruptedException {
        Path script = Path.of("bench", "dit_torch.py");
        if (!Files.isRegularFile(script)) {
            say("PyTorch reference skipped: %s not found (run from the repository root)", script);
            return null;
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(), "--threads", String.valueOf(Parallel.threads()),
                "--dim", String.valueOf(d.dim()), "--depth", String.valueOf(d.depth()), "--heads", String.valueOf(d.heads()),
                "--mlp-ratio", String.valueOf(d.mlpRatio()), "--latent-channels", String.valueOf(d.latentChannels()),
                "--context-dim", String.valueOf(d.contextDim()), "--context-len", String.valueOf(CONTEXT_LEN),
                "--latent", latent[2] + "," + latent[3] + "," + latent[4], "--reps", String.valueOf(reps)));
        Process p;
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            // OpenMP's default spin-waiting collapses when the cores are shared (measured here: a 14 s forward with
            // it vs 1.5 s without on a machine at load 8), so the reference gets the policy a shared machine needs
            pb.environment().putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
            p = pb.start();
        } catch (IOException e) {
            say("PyTorch reference skipped: cannot run %s (%s)", python, e.getMessage());
            return null;
        }
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            say("PyTorch reference failed: %s", text.lines().reduce((a, b) -> b).orElse("no output"));
            return null;
        }
        String last = text.strip().lines().reduce((a, b) -> b).orElse("{}");
        return new ObjectMapper().readTree(last);
    }

    static double median(int reps, Runnable r) {
        try {
            return Stats.seconds(reps, true, r::run);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        } catch (IOException | NumberFormatException e) {
            // not Linux: fall through
        }
        return -1;
    }

    static double round(double v) { return Math.round(v * 10000) / 10000.0; }

    private void say(String fmt, Object... args) { System.out.println(String.format(Locale.ROOT, fmt, args)); }
}
