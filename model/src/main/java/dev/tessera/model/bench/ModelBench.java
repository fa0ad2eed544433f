package dev.tessera.model.bench;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.VideoShape;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.DitTrainStep;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.text.TextContext;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Model timings on this machine: parameter counts per preset, DiT forward at a request's latent size (B = 1 and
 * the guided B = 2 that a sampling step costs), VAE decode of the latent, and one DiT+text training step. Medians of
 * {@code reps} runs after one warm-up. Run: {@code java -cp cli/target/tessera-cli.jar:cli/target/lib/*
 * dev.tessera.model.bench.ModelBench [preset ...] [--no-vae]} (sizes: 128×128, 4 s at 8 fps).
 */
public final class ModelBench {
    private ModelBench() {}

    /** Median wall milliseconds of {@code reps} runs after warm-ups (JIT) — two, or one for single-run timings. */
    public static double medianMs(int reps, Runnable r) {
        r.run();
        if (reps > 1) r.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /** Measures one preset; keys: params_*, dit_forward_ms_b1, dit_forward_ms_b2, vae_decode_ms, train_step_ms. */
    public static Map<String, Double> measure(String preset, VideoShape shape, int reps, boolean train, boolean vae) {
        TesseraModel m = TesseraModel.create(ModelConfig.preset(preset), 1);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("params_dit", (double) m.dit.parameterCount());
        out.put("params_text", (double) m.text.parameterCount());
        out.put("params_vae", (double) m.vae.parameterCount());
        int zc = m.config.vae().latentChannels();
        shape = shape.withTimeDown(m.config.vae().timeDown());
        int[] lat = {1, zc, shape.latentFrames(), shape.latentHeight(), shape.latentWidth()};
        Rng rng = new Rng(9);
        Tensor x1 = Tensor.randn(rng, lat);
        int[] lat2 = lat.clone();
        lat2[0] = 2;
        Tensor x2 = Tensor.randn(rng, lat2);
        try (var g = Grad.off()) {
            TextContext c1 = m.text.encode("a red ball bounces from left to right");
            TextContext c2 = m.text.encode("a red ball bounces from left to right", "");
            out.put("text_encode_ms", medianMs(reps, () -> m.text.encode("a red ball bounces from left to right", "")));
            out.put("dit_forward_ms_b1", medianMs(reps, () -> m.dit.velocity(x1, Tensor.vector(0.5f), c1)));
            out.put("dit_forward_ms_b2", medianMs(reps, () -> m.dit.velocity(x2, Tensor.vector(0.5f, 0.5f), c2)));
            if (vae) out.put("vae_decode_ms", medianMs(1, () -> m.vae.decode(x1)));
        }
        if (train) {
            DitTrainStep step = new DitTrainStep(m.dit, m.text, new FlowMatchingLoss(FlowMatching.DEFAULT, 0.1), 1e-4);
            Rng r = new Rng(3);
            out.put("train_step_ms_b1", medianMs(Math.max(1, reps / 2), () -> step.step(x1, new String[] {"a red ball"}, r)));
        }
        return out;
    }

    /**
     * Whole pipeline of an untrained preset at 128×128, 4 s, 8 fps, {@code steps} Euler steps, guidance 4 (a guided
     * batch of 2 per step): the stage times `./tessera generate` prints, without model load and MP4 writing.
     */
    public static dev.tessera.model.TextToVideo.Timings generate(String preset, int steps) {
        TesseraModel m = TesseraModel.create(ModelConfig.preset(preset), 1);
        var req = new dev.tessera.model.TextToVideo.Request("a red ball bounces from left to right",
                new dev.tessera.model.Capabilities.Size(128, 128), 8, 4.0, steps, 4.0, 0, dev.tessera.model.sample.Sampler.Solver.EULER);
        return new dev.tessera.model.TextToVideo(m).generate(req, dev.tessera.model.sample.Sampler.Progress.NONE).timings();
    }

    public static void main(String[] args) {
        if (args.length == 3 && args[0].equals("init")) {
            // an untrained model folder (bf16), for timing ./tessera generate end to end
            TesseraModel m = TesseraModel.create(ModelConfig.preset(args[1]), 1);
            try {
                m.save(java.nio.file.Path.of(args[2]), dev.tessera.engine.DType.BF16);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.out.println(m.summary());
            return;
        }
        if (args.length >= 2 && args[0].equals("decode")) {
            TesseraModel m = TesseraModel.create(ModelConfig.preset(args[1]), 1);
            Tensor z = Tensor.randn(new Rng(1), 1, m.config.vae().latentChannels(), 9, 16, 16);
            try (var g = Grad.off()) {
                System.out.printf(Locale.ROOT, "vae decode %s 9x16x16 latent -> 33x128x128: %.0f ms%n", args[1], medianMs(3, () -> m.vae.decode(z)));
            }
            return;
        }
        if (args.length >= 2 && args[0].equals("generate")) {
            int steps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
            generate(args[1], 2);  // warm-up (JIT)
            var t = generate(args[1], steps);
            System.out.printf(Locale.ROOT, "generate %s 128x128 4s %d steps: text %d ms | sample %d ms (%.0f ms/step) | decode %d ms | total %.1f s%n",
                    args[1], steps, t.textMs(), t.sampleMs(), t.sampleMs() / (double) steps, t.decodeMs(), t.totalMs() / 1e3);
            return;
        }
        boolean vae = !java.util.List.of(args).contains("--no-vae");
        String[] presets = java.util.Arrays.stream(args).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        if (presets.length == 0) presets = new String[] {"tiny", "S"};
        VideoShape shape = new VideoShape(32, 128, 128);
        System.out.println("shape " + shape + ", latent " + shape.latentFrames() + "x" + shape.latentHeight() + "x"
                + shape.latentWidth() + ", DiT tokens " + shape.tokens(1, 2) + ", threads " + Runtime.getRuntime().availableProcessors());
        for (String p : presets) {
            System.out.println(ModelConfig.preset(p));
            Map<String, Double> r = measure(p, shape, p.equals("tiny") ? 5 : 3, true, vae);
            StringBuilder sb = new StringBuilder(p);
            r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, " | %s %s", k, k.startsWith("params") ? String.format("%,d", v.longValue()) : String.format(Locale.ROOT, "%.1f", v))));
            System.out.println(sb);
        }
    }
}
