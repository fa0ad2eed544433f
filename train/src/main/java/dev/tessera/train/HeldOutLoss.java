package dev.tessera.train;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.WeightedMse;
import dev.tessera.model.text.TextContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Seen against unseen: a DiT's flow-matching loss on clips its run trained on and on clips from the same stream that
 * it never saw. A run over a fixed set of N clips ({@code train dit --clips N}) sees each clip many times; its training
 * loss can keep falling because it remembers those clips while the loss on new clips of the same world stays where it
 * was — and SimBench prompts are new scenes. This measures both with the same noise and the same times.
 *
 * <p>Seen: the run's first {@code batches} micro-batches (with {@code --clips N}, groups 0…K−1: clips 0…K·B−1 in the
 * bucket they were trained in). Unseen: micro-batches of the same stream past everything the run trained on (clip
 * indices from N on, or from the run's current micro-batch for an endless stream), so they come from the same world,
 * buckets and caption languages. Each micro-batch is noised at each of {@code times} with noise drawn from
 * (seed, batch ordinal, time index) — the k-th seen and the k-th unseen batch share a seed — and the loss is the
 * training objective ({@link WeightedMse} with the run's object weight, or the plain MSE without one), once with the
 * true captions and once with empty ones (how much the caption helps).
 */
public final class HeldOutLoss {
    private HeldOutLoss() {}

    /** Noise levels probed by default: the flow from nearly clean (0.1) to nearly pure noise (0.9). */
    public static final double[] TIMES = {0.1, 0.3, 0.5, 0.7, 0.9};

    /** Mean losses at one time t over the items: seen and unseen clips, each with the true and with the empty caption. */
    public record Row(double t, double seen, double unseen, double seenEmpty, double unseenEmpty) {}

    /**
     * The measurement: rows per time; the means over times of each column; the unseen − seen gap with its standard error
     * (items' time-averaged losses, two independent samples); the caption's gain per side — the mean over items of
     * (empty − true) / empty of their time-averaged losses — with standard errors; how many micro-batches and items
     * per side. A run that remembers its clips' captions gains more from the caption on seen clips than on unseen ones.
     */
    public record Result(int batches, int items, List<Row> rows, double seen, double unseen, double seenEmpty,
                         double unseenEmpty, double gap, double gapStdErr, double seenGain, double seenGainStdErr,
                         double unseenGain, double unseenGainStdErr) {}

    /** Where the two sides' micro-batches come from: the run's plan (seen) and the same stream past the run (unseen). */
    public record Plans(BatchPlan seen, BatchPlan unseen, long firstUnseen) {}

    /**
     * The seen and unseen plans of a run with config {@code cfg} that has trained {@code micro} micro-batches, its
     * clips' latents from {@code encoder} (behind {@code store} for the seen side when not null).
     */
    static Plans plans(TrainConfig cfg, ClipSource source, TesseraModel model, UnaryOperator<Tensor> encoder,
                              LatentStore store, long micro) {
        if (cfg.kind() != TrainKind.DIT) throw new IllegalArgumentException("a held-out loss needs a DiT run, not " + cfg.kind().word());
        boolean objects = cfg.objectWeight() > 0;
        int td = model.config.vae().timeDown();
        BatchPlan seen = new BatchPlan(source, cfg.buckets(), cfg.batch(), cfg.zhFraction(), cfg.seed(), encoder, cfg.clips(),
                256, store, objects, td);
        BatchPlan unseen = new BatchPlan(source, cfg.buckets(), cfg.batch(), cfg.zhFraction(), cfg.seed(), encoder, 0, 256,
                null, objects, td);
        long first = cfg.clips() > 0 ? (cfg.clips() + cfg.batch() - 1) / cfg.batch() : micro;
        return new Plans(seen, unseen, first);
    }

    /**
     * What {@link #ofRun} measured: the result, the run's config and step, whether seen latents came from its store, and
     * the frame-order probe when it was asked for (else null).
     */
    public record RunMeasure(Result result, TrainConfig config, long step, boolean storedLatents, OrderResult order) {}

    /**
     * Measures {@code model} (a snapshot of the run's model, or any model: its own VAE encodes the clips) against the
     * data of the DiT run in {@code runDir} at its checkpoint. When the model's VAE is the run's, the seen clips' latents
     * come from the run's latent store (read-only: nothing in the run folder changes); otherwise every clip is rendered
     * and encoded with the model's VAE. With {@code frameOrder} it also runs {@link #frameOrder} on the unseen side.
     */
    public static RunMeasure ofRun(Path runDir, TesseraModel model, int batches, double[] times, long seed, boolean frameOrder) throws IOException {
        Map<String, String> meta = Checkpoint.metadata(runDir);
        TrainConfig cfg = TrainConfig.fromJson(need(meta, "train_config", runDir));
        if (cfg.kind() != TrainKind.DIT) throw new IllegalArgumentException(runDir + " is a " + cfg.kind().word() + " run, not a DiT run");
        long step = Long.parseLong(need(meta, "step", runDir));
        boolean sameVae = ModelConfig.fromJson(need(meta, "model_config", runDir)).vae().equals(model.config.vae());
        UnaryOperator<Tensor> encoder = px -> model.normaliseLatent(model.vae.encode(px).mean());
        try (LatentStore store = sameVae ? LatentStore.openReadOnly(runDir) : null) {
            Plans p = plans(cfg, Sources.open(cfg), model, encoder, store, step * cfg.accum());
            Result r = measure(model, p, batches, cfg.objectWeight(), times, seed);
            OrderResult order = frameOrder ? frameOrder(model, p, batches, cfg.objectWeight(), times, seed) : null;
            return new RunMeasure(r, cfg, step, store != null, order);
        }
    }

    private static String need(Map<String, String> meta, String key, Path runDir) {
        String v = meta.get(key);
        if (v == null) throw new IllegalArgumentException(runDir.resolve(Checkpoint.FILE) + " lacks '" + key + "'");
        return v;
    }

    /** Measures {@code model} on {@code batches} seen and unseen micro-batches of {@code plans}. */
    public static Result measure(TesseraModel model, Plans plans, int batches, double objectWeight, double[] times, long seed) {
        if (batches < 1) throw new IllegalArgumentException("batches must be >= 1, got " + batches);
        if (times.length == 0) throw new IllegalArgumentException("no times");
        for (double t : times) if (!(t > 0 && t < 1)) throw new IllegalArgumentException("times must be in (0, 1), got " + t);
        List<double[][]> seen = new ArrayList<>(), unseen = new ArrayList<>(); // per item: [time][true, empty]
        for (int k = 0; k < batches; k++) {
            seen.addAll(batchLosses(model, plans.seen().build(k), objectWeight, times, seed, k));
            unseen.addAll(batchLosses(model, plans.unseen().build(plans.firstUnseen() + k), objectWeight, times, seed, k));
        }
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < times.length; s++)
            rows.add(new Row(times[s], mean(seen, s, 0), mean(unseen, s, 0), mean(seen, s, 1), mean(unseen, s, 1)));
        double[] a = perItem(seen, 0), b = perItem(unseen, 0), ga = gains(seen), gb = gains(unseen);
        double ma = mean(a), mb = mean(b), mga = mean(ga), mgb = mean(gb);
        double se = Math.sqrt(variance(a, ma) / a.length + variance(b, mb) / b.length);
        return new Result(batches, seen.size(), rows, ma, mb, mean(perItem(seen, 1)), mean(perItem(unseen, 1)), mb - ma, se,
                mga, Math.sqrt(variance(ga, mga) / ga.length), mgb, Math.sqrt(variance(gb, mgb) / gb.length));
    }

    /** Per item of micro-batch {@code b}: its loss at each time, with the true and with the empty captions. */
    private static List<double[][]> batchLosses(TesseraModel model, Batch b, double objectWeight, double[] times, long seed, int k) {
        Tensor x0 = b.latents();
        if (x0 == null) throw new IllegalStateException("micro-batch " + b.micro() + " carries no latents");
        int n = x0.size(0);
        Tensor weights = b.objects() == null ? null : b.objects().mul((float) objectWeight).add(1f);
        String[] empty = new String[n];
        Arrays.fill(empty, "");
        double[][][] out = new double[n][times.length][2];
        try (var g = Grad.off()) {
            TextContext[] ctx = {model.text.encode(b.captions()), model.text.encode(empty)};
            float[] x = x0.data();
            for (int s = 0; s < times.length; s++) {
                float[] t = new float[n];
                Arrays.fill(t, (float) times[s]);
                float[] eps = noise(x.length, seed, k, s);
                Tensor xt = Tensor.of(FlowMatching.interpolate(x, eps, t), x0.shape());
                Tensor target = Tensor.of(FlowMatching.target(x, eps), x0.shape());
                for (int c = 0; c < 2; c++) {
                    float[] per = WeightedMse.perItem(model.dit.velocity(xt, Tensor.of(t.clone(), n), ctx[c]), target, weights).data();
                    for (int i = 0; i < n; i++) out[i][s][c] = per[i];
                }
            }
        }
        return Arrays.asList(out);
    }

    /** Loss of the unseen multi-frame items at one time t: their latent frames in order and in a shuffled order. */
    public record OrderRow(double t, double inOrder, double shuffled) {}

    /**
     * The frame-order probe: rows per time, the means over times, and the mean over items of (shuffled − in order) /
     * in order of their time-averaged losses with its standard error. {@code items}: the unseen items with at least
     * three latent frames; {@code skipped}: those with fewer (one latent frame has no order; two keep the causal first).
     */
    public record OrderResult(int items, int skipped, List<OrderRow> rows, double inOrder, double shuffled, double rise,
                              double riseStdErr) {}

    /**
     * Does the DiT use the order of a clip's frames? On the unseen side's items (micro-batches
     * {@code firstUnseen … firstUnseen + batches − 1}, the same items and noise as {@link #measure}) with the true
     * captions, the loss as they are and with their latent frames after the first — the causal VAE's image frame —
     * in a shuffled order ({@link #shuffledOrder}; latent, noise and object weights permuted alike, so both losses are
     * means over the same cells and the time positions stay in order). A DiT that predicts each frame from that frame
     * alone scores the two the same; one that leans on its neighbours (motion, a thing that persists) loses more when
     * they are out of order. Per time it tells where on the path the frames are denoised together.
     */
    public static OrderResult frameOrder(TesseraModel model, Plans plans, int batches, double objectWeight, double[] times, long seed) {
        if (batches < 1) throw new IllegalArgumentException("batches must be >= 1, got " + batches);
        if (times.length == 0) throw new IllegalArgumentException("no times");
        List<double[][]> items = new ArrayList<>(); // per item: [time][in order, shuffled]
        int skipped = 0;
        for (int k = 0; k < batches; k++) {
            Batch b = plans.unseen().build(plans.firstUnseen() + k);
            Tensor x0 = b.latents();
            if (x0 == null) throw new IllegalStateException("micro-batch " + b.micro() + " carries no latents");
            int f = x0.size(2);
            if (f < 3) { skipped += x0.size(0); continue; }
            int[] order = shuffledOrder(f, new Rng(seed).fork("frame order").fork(k));
            items.addAll(orderLosses(model, b, order, objectWeight, times, seed, k));
        }
        if (items.isEmpty()) throw new IllegalArgumentException("no unseen item has three or more latent frames (the run's buckets are too short)");
        List<OrderRow> rows = new ArrayList<>();
        for (int s = 0; s < times.length; s++) rows.add(new OrderRow(times[s], mean(items, s, 0), mean(items, s, 1)));
        double[] a = perItem(items, 0), b = perItem(items, 1), rise = new double[a.length];
        for (int i = 0; i < a.length; i++) rise[i] = (b[i] - a[i]) / a[i];
        double mr = mean(rise);
        return new OrderResult(items.size(), skipped, rows, mean(a), mean(b), mr, Math.sqrt(variance(rise, mr) / rise.length));
    }

    /** A random order of {@code f >= 3} latent frames that keeps frame 0 first and moves at least one other frame. */
    static int[] shuffledOrder(int f, Rng rng) {
        if (f < 3) throw new IllegalArgumentException("need three or more frames to shuffle after the first, got " + f);
        int[] order = new int[f];
        boolean moved = false;
        while (!moved) {
            for (int i = 0; i < f; i++) order[i] = i;
            for (int i = f - 1; i > 1; i--) {
                int j = 1 + rng.nextInt(i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            for (int i = 1; i < f; i++) moved |= order[i] != i;
        }
        return order;
    }

    /** {@code x} [B, C, F, ...] with its frames in {@code order}: frame i of the result is frame order[i] of x. */
    static float[] permuteFrames(float[] x, int[] shape, int[] order) {
        int f = shape[2], cell = 1;
        for (int d = 3; d < shape.length; d++) cell *= shape[d];
        float[] out = new float[x.length];
        for (int bc = 0; bc < x.length / (f * cell); bc++)
            for (int i = 0; i < f; i++)
                System.arraycopy(x, (bc * f + order[i]) * cell, out, (bc * f + i) * cell, cell);
        return out;
    }

    /** Per item of micro-batch {@code b}: its loss at each time with the true captions, in order and with {@code order}. */
    private static List<double[][]> orderLosses(TesseraModel model, Batch b, int[] order, double objectWeight, double[] times, long seed, int k) {
        Tensor x0 = b.latents();
        int n = x0.size(0);
        int[] shape = x0.shape();
        Tensor weights = b.objects() == null ? null : b.objects().mul((float) objectWeight).add(1f);
        Tensor weightsShuffled = weights == null ? null : Tensor.of(permuteFrames(weights.data(), weights.shape(), order), weights.shape());
        float[] x = x0.data(), xs = permuteFrames(x, shape, order);
        double[][][] out = new double[n][times.length][2];
        try (var g = Grad.off()) {
            TextContext ctx = model.text.encode(b.captions());
            for (int s = 0; s < times.length; s++) {
                float[] t = new float[n];
                Arrays.fill(t, (float) times[s]);
                float[] eps = noise(x.length, seed, k, s);
                float[] epsShuffled = permuteFrames(eps, shape, order);
                for (int c = 0; c < 2; c++) {
                    float[] xc = c == 0 ? x : xs, ec = c == 0 ? eps : epsShuffled;
                    Tensor xt = Tensor.of(FlowMatching.interpolate(xc, ec, t), shape);
                    Tensor target = Tensor.of(FlowMatching.target(xc, ec), shape);
                    float[] per = WeightedMse.perItem(model.dit.velocity(xt, Tensor.of(t.clone(), n), ctx), target,
                            c == 0 ? weights : weightsShuffled).data();
                    for (int i = 0; i < n; i++) out[i][s][c] = per[i];
                }
            }
        }
        return Arrays.asList(out);
    }

    /**
     * The noise of micro-batch ordinal {@code k} at time index {@code s}: the same for the k-th seen and unseen batch and
     * for the frame-order probe's in-order items, so every comparison is on shared noise.
     */
    private static float[] noise(int length, long seed, int k, int s) {
        float[] eps = new float[length];
        new Rng(seed).fork(k).fork(s).fillNormal(eps, 0f, 1f);
        return eps;
    }

    private static double mean(List<double[][]> items, int s, int c) {
        double sum = 0;
        for (double[][] it : items) sum += it[s][c];
        return sum / items.size();
    }

    /** Each item's loss with the true (c = 0) or the empty caption (c = 1), averaged over the times. */
    private static double[] perItem(List<double[][]> items, int c) {
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            double sum = 0;
            for (double[] ts : items.get(i)) sum += ts[c];
            out[i] = sum / items.get(i).length;
        }
        return out;
    }

    /** Each item's caption gain: (empty − true) / empty of its time-averaged losses. */
    private static double[] gains(List<double[][]> items) {
        double[] t = perItem(items, 0), e = perItem(items, 1), out = new double[t.length];
        for (int i = 0; i < out.length; i++) out[i] = e[i] > 0 ? (e[i] - t[i]) / e[i] : 0;
        return out;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) sum += x;
        return sum / v.length;
    }

    private static double variance(double[] v, double mean) {
        if (v.length < 2) return 0;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        return ss / (v.length - 1);
    }
}
