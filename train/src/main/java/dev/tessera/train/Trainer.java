package dev.tessera.train;

import dev.tessera.engine.DType;
import dev.tessera.engine.F;
import dev.tessera.engine.Grad;
import dev.tessera.engine.Rng;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.kernels.Parallel;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;
import dev.tessera.engine.optim.AdamW;
import dev.tessera.engine.optim.GradClip;
import dev.tessera.engine.optim.LrSchedule;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.Video;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.TextToVideo;
import dev.tessera.model.VideoTensors;
import dev.tessera.model.config.DitConfig;
import dev.tessera.model.config.ModelConfig;
import dev.tessera.model.config.TextConfig;
import dev.tessera.model.config.VaeConfig;
import dev.tessera.model.data.Bucket;
import dev.tessera.model.dit.DiffusionTransformer;
import dev.tessera.model.flow.FlowMatching;
import dev.tessera.model.loss.FlowMatchingLoss;
import dev.tessera.model.loss.TeacherAnchor;
import dev.tessera.model.loss.VaeLoss;
import dev.tessera.model.loss.WeightedMse;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.ByteTokenizer;
import dev.tessera.world.Split;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training loop for all three networks (nanoGPT-shaped: one loop, one log line per step).
 * <pre>
 * for step: lr = warmup-cosine(step)
 *   for k in accum: batch = loader.next()            micro-batch step·accum + k, built in the background
 *                   loss_k = objective(batch, rng(seed, micro)); (loss_k / accum).backward()
 *   clip grad norm; AdamW step; EMA update
 *   log line, loss.csv; every ckpt-every steps: checkpoint + model folder + loss.png; every sample-every: previews
 * </pre>
 * Objectives: VAE — reconstruction MSE + β·KL ({@link VaeLoss}); DiT — rectified-flow velocity MSE with caption
 * dropout, text encoder trained jointly ({@link FlowMatchingLoss}); text — masked byte prediction over the captions
 * (15% of bytes hidden, a linear head predicts them), an optional warm start for the DiT's text encoder.
 *
 * <p>Run folder: see docs/train.md. Everything random is forked from the config's seed by step or micro-batch number,
 * so a run resumed from a checkpoint continues bit-exactly, and the thread and producer counts never change results.
 */
public final class Trainer {
    public static final double MASK_FRACTION = 0.15;

    /** What a finished (or stopped) run reports. */
    public record Result(Path runDir, long step, double firstLoss, double lastLoss, double medianStepMs,
                         double samplesPerSecond, double mfu, Path modelDir) {}

    private final TrainConfig cfg;
    private final Path runDir;
    private final ClipSource source;
    private TesseraModel model;
    private final Module head;                       // text runs only: masked-byte Linear or FactsObjective.Head
    private final FactsObjective facts;              // text runs with the facts objective only
    private final LinkedHashMap<String, Tensor> trained = new LinkedHashMap<>();
    private final AdamW opt;
    private final EmaWeights ema;
    private final LrSchedule schedule;
    private long step;
    private double wallSeconds;
    private PrintStream log = System.out;
    private boolean progress = false;
    private int producers = 1;
    private java.util.function.LongPredicate stopAfter = s -> false;
    private final TeacherAnchor anchor;              // dit runs with --anchor only

    private Trainer(TrainConfig cfg, Path runDir, ClipSource source, TesseraModel model, TeacherAnchor anchor) {
        this.cfg = cfg;
        this.anchor = anchor;
        this.runDir = runDir;
        this.source = source;
        this.model = model;
        Rng init = new Rng(cfg.seed()).fork("init");
        this.facts = cfg.factsObjective() ? new FactsObjective(cfg.seed(), maxSeconds(cfg), cfg.fps()) : null;
        this.head = cfg.kind() != TrainKind.TEXT ? null
                : facts != null ? FactsObjective.head(model.text.config.dim(), init.fork("head"))
                : new Linear(model.text.config.dim(), ByteTokenizer.VOCAB, true, init.fork("head"));
        switch (cfg.kind()) {
            case VAE -> {
                if (cfg.decoderOnly()) {
                    // the encoder (and so the latent space a DiT was trained on) stays as loaded
                    model.vae.namedParameters().forEach((k, t) -> {
                        if (k.startsWith("decoder.")) trained.put("vae." + k, t);
                        else t.requiresGrad(false);
                    });
                } else put("vae", model.vae);
            }
            case TEXT -> {
                put("text", model.text);
                put("head", head);
            }
            case DIT -> {
                put("dit", model.dit);
                if (!cfg.freezeText()) put("text", model.text);
            }
        }
        for (String c : TesseraModel.COMPONENTS)
            if (!trained.keySet().stream().anyMatch(k -> k.startsWith(c + ".")))
                model.component(c).namedParameters().values().forEach(t -> t.requiresGrad(false));
        opt = new AdamW(trained, cfg.lr(), (float) cfg.weightDecay());
        ema = new EmaWeights(trained, cfg.emaDecay());
        schedule = LrSchedule.warmupCosine(cfg.lr(), Math.min(cfg.warmup(), cfg.steps()), cfg.steps(), cfg.minLr());
    }

    private static double maxSeconds(TrainConfig cfg) {
        return Math.max(1, (cfg.frames().stream().mapToInt(Integer::intValue).max().orElse(1) - 1) / (double) cfg.fps());
    }

    private void put(String prefix, Module m) { m.namedParameters().forEach((k, t) -> trained.put(prefix + "." + k, t)); }

    // ------------------------------------------------------------------ creating and resuming

    /** A fresh run in {@code runDir} (created; must not already hold a checkpoint). */
    public static Trainer start(TrainConfig cfg, Path runDir, ClipSource source) throws IOException {
        if (Checkpoint.exists(runDir))
            throw new IllegalArgumentException("run folder " + runDir + " already holds a run; use --resume " + runDir + " or another --out");
        TesseraModel model = buildModel(cfg); // validates everything before anything is written
        TeacherAnchor anchor = anchor(cfg, model);
        Files.createDirectories(runDir);
        Trainer t = new Trainer(cfg, runDir, source, model, anchor);
        Files.deleteIfExists(runDir.resolve("loss.csv"));
        writeAtomically(runDir.resolve("run.json"), "{\n\"train\": " + cfg.toJson() + ",\n\"model\": " + model.config.toJson() + "\n}\n");
        return t;
    }

    /**
     * Continues the run in {@code runDir} from its checkpoint; {@code steps} (if &gt; 0) extends or shortens the total
     * and the intervals may change, nothing else (the config comes from the checkpoint).
     */
    public static Trainer resume(Path runDir, long steps, int sampleEvery, int ckptEvery, ClipSource source) throws IOException {
        Checkpoint ck = Checkpoint.load(runDir);
        TrainConfig cfg = TrainConfig.fromJson(ck.meta("train_config"));
        if (steps > 0) cfg = cfg.withSteps(steps);
        if (sampleEvery >= 0 || ckptEvery > 0)
            cfg = cfg.withIntervals(sampleEvery >= 0 ? sampleEvery : cfg.sampleEvery(), ckptEvery > 0 ? ckptEvery : cfg.ckptEvery());
        ModelConfig mc = ModelConfig.fromJson(ck.meta("model_config"));
        TesseraModel model = TesseraModel.create(mc, cfg.seed());
        for (String c : TesseraModel.COMPONENTS) model.component(c).loadStateDict(ck.under("model." + c), true);
        Trainer t = new Trainer(cfg, runDir, source == null ? Sources.open(cfg) : source, model, anchor(cfg, model));
        if (t.head != null) t.head.loadStateDict(ck.under("head"), true);
        t.opt.loadState(ck.under("optim"), optimMeta(ck.metadata()));
        t.ema.load(ck.under("ema"), Long.parseLong(ck.meta("ema_updates")));
        t.step = Long.parseLong(ck.meta("step"));
        t.wallSeconds = Double.parseDouble(ck.metadata().getOrDefault("wall_seconds", "0"));
        t.truncateLossCsv();
        return t;
    }

    private static Map<String, String> optimMeta(Map<String, String> meta) {
        Map<String, String> out = new LinkedHashMap<>();
        meta.forEach((k, v) -> { if (k.startsWith("optim.")) out.put(k.substring(6), v); });
        return out;
    }

    /**
     * The teacher of {@link TrainConfig#anchor} (frozen; null without one, reading captions with its own text encoder):
     * it must read the run's latents (same VAE) cut into the same patches, else its velocities would mean something else.
     */
    static TeacherAnchor anchor(TrainConfig cfg, TesseraModel model) throws IOException {
        if (cfg.anchor() == null) return null;
        TesseraModel teacher = TesseraModel.load(modelFolder(Path.of(cfg.anchor())));
        if (!teacher.config.vae().equals(model.config.vae()))
            throw new IllegalArgumentException("--anchor " + cfg.anchor() + " was trained on another VAE than the run's (its velocities would mean something else)");
        if (teacher.config.dit().patchT() != model.config.dit().patchT() || teacher.config.dit().patchS() != model.config.dit().patchS())
            throw new IllegalArgumentException("--anchor " + cfg.anchor() + " cuts the latent into other patches than the run's DiT");
        for (String c : TesseraModel.COMPONENTS) teacher.component(c).namedParameters().values().forEach(t -> t.requiresGrad(false));
        return new TeacherAnchor(teacher.dit, teacher.text,
                new FlowMatching(0.0, 1.0, model.config.timeShift(), 0, cfg.anchorBelow()), cfg.dropCaption());
    }

    /** The model a fresh run starts from: the preset, with the VAE (and text encoder) of the folders named. */
    static TesseraModel buildModel(TrainConfig cfg) throws IOException {
        ModelConfig preset = ModelConfig.preset(cfg.preset());
        TesseraModel vaeFrom = null, textFrom = null;
        if (cfg.kind() == TrainKind.DIT || cfg.decoderOnly()) {
            if (cfg.vae() == null) throw new IllegalArgumentException("train dit needs --vae DIR (a model folder or a 'train vae' run folder)");
            vaeFrom = TesseraModel.load(modelFolder(Path.of(cfg.vae())));
        }
        if (cfg.text() != null && cfg.kind() != TrainKind.VAE) textFrom = TesseraModel.load(modelFolder(Path.of(cfg.text())));
        TesseraModel init = cfg.init() == null ? null : TesseraModel.load(modelFolder(Path.of(cfg.init())));
        if (init != null && cfg.kind() == TrainKind.VAE) {
            // a full VAE run from another VAE's weights: its configuration, at the run's time compression
            vaeFrom = init;
            init = null;
        }
        if (init != null) {
            if (!cfg.initTransfer() && !init.config.vae().equals(vaeFrom.config.vae()))
                throw new IllegalArgumentException("--init " + cfg.init() + " was trained on another VAE than --vae " + cfg.vae()
                        + " (its latents would mean something else; --init-transfer starts all but the latent-facing layers from it)");
            if (cfg.initTransfer() && init.config.vae().equals(vaeFrom.config.vae()))
                throw new IllegalArgumentException("--init-transfer: --init " + cfg.init() + " was trained on the VAE of --vae " + cfg.vae()
                        + " (plain --init keeps every layer)");
            // --text replaces the init model's encoder (e.g. a facts pre-trained one); it must fit the DiT's context
            if (textFrom != null && textFrom.config.text().dim() != init.config.dit().contextDim())
                throw new IllegalArgumentException("--text " + cfg.text() + " is " + textFrom.config.text().dim()
                        + " wide but the DiT of --init " + cfg.init() + " reads a " + init.config.dit().contextDim() + "-wide context");
            if (textFrom == null) textFrom = init;
        }
        VaeConfig vc = vaeFrom != null ? vaeFrom.config.vae() : preset.vae();
        if (cfg.latentChannels() > 0) vc = vc.withLatentChannels(cfg.latentChannels());
        if (cfg.timeDown() > 0) vc = vc.withTimeDown(cfg.timeDown());
        if (cfg.decoderOnly() && cfg.shortcutUpsample() != null) vc = vc.withShortcutUpsample(cfg.shortcutUpsample());
        TextConfig tc = textFrom != null ? textFrom.config.text() : preset.text();
        DitConfig dc = init == null ? DitConfig.preset(cfg.preset(), vc.latentChannels(), tc.dim())
                : cfg.initTransfer() ? transferred(init.config, vc, cfg.patchT()) : init.config.dit();
        // a zero table added to a DiT that has none starts as that DiT, bit for bit (TextPositionsTest)
        boolean addTable = cfg.textPositions() && dc.textPositions() == 0;
        if (cfg.textPositions() && !addTable)
            throw new IllegalArgumentException("--init " + cfg.init() + " already has a text position table (--text-positions adds one)");
        if (addTable) dc = dc.withTextPositions(tc.maxLength());
        ModelConfig mc = init != null
                ? new ModelConfig(init.config.preset(), vc, tc, dc, capabilities(cfg), init.config.shiftBaseMu(), init.config.shiftMaxMu(), init.config.guidance(), init.config.guidanceMode())
                : new ModelConfig(cfg.preset(), vc, tc, dc, capabilities(cfg), preset.shiftBaseMu(), preset.shiftMaxMu());
        TesseraModel m = TesseraModel.create(mc, new Rng(cfg.seed()).fork("init").nextLong());
        if (vaeFrom != null) m.vae.loadStateDict(vaeFrom.vae.stateDict(), true);
        if (textFrom != null) m.text.loadStateDict(textFrom.text.stateDict(), true);
        if (init != null) {
            Map<String, Tensor> state = new java.util.LinkedHashMap<>(init.dit.stateDict());
            if (addTable) state.put(DiffusionTransformer.TEXT_POSITIONS, m.dit.yPos); // zeros, as created
            if (cfg.initTransfer() && cfg.patchT() > 0) // the latent-facing layers spread over the new patch's frames
                state.putAll(inflated(init.dit, m.dit));
            else if (cfg.initTransfer()) // the layers that read and write the latent start as a fresh DiT's
                for (String k : DiffusionTransformer.LATENT_FACING) state.put(k, m.dit.stateDict().get(k));
            m.dit.loadStateDict(state, true);
        }
        return m;
    }

    /**
     * The DiT of {@code from} moved onto a VAE of config {@code vae}: its latent width, and its time positions per
     * video frame kept — a latent frame of a ×2 VAE spans half the video time of a ×4 one's, so its time scale halves
     * (docs/train.md).
     */
    static DitConfig transferred(ModelConfig from, VaeConfig vae, int patchT) {
        int pt = patchT > 0 ? patchT : from.dit().patchT();
        if (patchT > 0 && vae.latentChannels() != from.dit().latentChannels())
            throw new IllegalArgumentException("--patch-t starts the latent-facing layers from --init's, which reads "
                    + from.dit().latentChannels() + " latent channels; --vae's latent has " + vae.latentChannels());
        if (patchT > 0 && pt % from.dit().patchT() != 0)
            throw new IllegalArgumentException("--patch-t " + pt + " must be a multiple of --init's patch of "
                    + from.dit().patchT() + " latent frames");
        return from.dit().withLatentChannels(vae.latentChannels()).withPatchT(pt)
                .withTimeScale(from.dit().timeScale() * vae.timeDown() * pt / (from.vae().timeDown() * from.dit().patchT()));
    }

    /**
     * The patch embedding and output projection of {@code from} for {@code fresh}, a DiT with {@code pt} latent frames
     * per patch (a multiple k of {@code from}'s). Input: each frame of a new patch gets the old weights of its
     * position divided by k, plus the fresh DiT's own weights for that frame minus their mean over the k frames — so
     * k equal frames embed exactly as one old frame did, and the differences between frames (the motion inside a
     * patch) still reach the blocks; without that term they would lie in the embedding's null space and the k output
     * rows, equal at the start, could not learn them apart. Output: each frame the old output weights (a patch of k
     * equal frames predicts what the old patch predicted). Vector order inside a patch is (c, pt, ph, pw).
     */
    static Map<String, Tensor> inflated(DiffusionTransformer from, DiffusionTransformer fresh) {
        int c = from.config.latentChannels(), p0 = from.config.patchT(), ps = from.config.patchS(), pt = fresh.config.patchT();
        int k = pt / p0, cell = ps * ps, d = from.config.dim();
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        // x_embedder.proj.weight [D, c·p0·cell] -> [D, c·pt·cell]
        float[] w = from.xEmbedder.proj.weight.toArray(), r = fresh.xEmbedder.proj.weight.toArray(), nw = new float[d * c * pt * cell];
        for (int o = 0; o < d; o++)
            for (int ch = 0; ch < c; ch++)
                for (int j = 0; j < pt; j++)
                    for (int q = 0; q < cell; q++) {
                        double mean = 0;
                        for (int i = j / k * k; i < j / k * k + k; i++) mean += r[o * c * pt * cell + (ch * pt + i) * cell + q];
                        int at = o * c * pt * cell + (ch * pt + j) * cell + q;
                        nw[at] = (float) (w[o * c * p0 * cell + (ch * p0 + j / k) * cell + q] / k + (r[at] - mean / k));
                    }
        out.put("x_embedder.proj.weight", Tensor.of(nw, d, c * pt * cell));
        out.put("x_embedder.proj.bias", Tensor.of(from.xEmbedder.proj.bias.toArray(), d));
        // final_layer.linear.weight [c·p0·cell, D] -> [c·pt·cell, D]; bias likewise
        float[] fw = from.finalLayer.linear.weight.toArray(), fb = from.finalLayer.linear.bias.toArray();
        float[] nfw = new float[c * pt * cell * d], nfb = new float[c * pt * cell];
        for (int ch = 0; ch < c; ch++)
            for (int j = 0; j < pt; j++)
                for (int q = 0; q < cell; q++) {
                    int row = (ch * pt + j) * cell + q, src = (ch * p0 + j / k) * cell + q;
                    System.arraycopy(fw, src * d, nfw, row * d, d);
                    nfb[row] = fb[src];
                }
        out.put("final_layer.linear.weight", Tensor.of(nfw, c * pt * cell, d));
        out.put("final_layer.linear.bias", Tensor.of(nfb, c * pt * cell));
        return out;
    }

    /** A model folder itself, or a run folder's {@code model/}. */
    public static Path modelFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve("model.json"))) return dir;
        if (Files.isRegularFile(dir.resolve("model").resolve("model.json"))) return dir.resolve("model");
        throw new IllegalArgumentException(dir + " is neither a model folder (model.json) nor a run folder with model/");
    }

    /** The sizes and durations the buckets cover, so generate accepts exactly what was trained. */
    static Capabilities capabilities(TrainConfig cfg) {
        List<Capabilities.Size> sizes = new ArrayList<>();
        for (String s : cfg.sizes()) sizes.add(Capabilities.Size.parse(s));
        int maxFrames = cfg.frames().stream().mapToInt(Integer::intValue).max().orElse(1);
        double max = Math.max(1.0, (maxFrames - 1) / (double) cfg.fps());
        return new Capabilities(sizes, List.of(cfg.fps()), Math.min(1.0, max), max);
    }

    // ------------------------------------------------------------------ options

    public Trainer log(PrintStream out) { this.log = out; return this; }

    public Trainer progress(boolean on) { this.progress = on; return this; }

    public Trainer producers(int n) { this.producers = Math.max(1, n); return this; }

    /** Stops (after checkpointing) once this returns true for a completed step — tests use it to interrupt a run. */
    public Trainer stopAfter(java.util.function.LongPredicate p) { this.stopAfter = p; return this; }

    public TrainConfig config() { return cfg; }

    public TesseraModel model() { return model; }

    public long step() { return step; }

    /** Trained parameters by prefixed name ("dit.blocks.0.attn.qkv.weight"). */
    public Map<String, Tensor> trainedParameters() { return java.util.Collections.unmodifiableMap(trained); }

    // ------------------------------------------------------------------ the loop

    public Result run() throws IOException, InterruptedException {
        double peak = PeakFlops.gflops(Parallel.threads());
        log.println(model.summary());
        log.printf(Locale.ROOT, "train %s: %d steps x %d clips (batch %d, accum %d), lr %.3g, seed %d, data %s, %d threads, peak %.0f GFLOP/s%n",
                cfg.kind().word(), cfg.steps(), cfg.effectiveBatch(), cfg.batch(), cfg.accum(), cfg.lr(), cfg.seed(),
                source.describe(), Parallel.threads(), peak);
        if (step > 0) log.printf("resuming at step %d%n", step);
        Rng noiseRoot = new Rng(cfg.seed()).fork("noise");
        double[] range = cfg.times();
        FlowMatchingLoss fm = new FlowMatchingLoss(new FlowMatching(0.0, 1.0, model.config.timeShift(), range[0], range[1]), cfg.dropCaption(),
                cfg.directionContrast() > 0 ? new FlowMatchingLoss.Contrast(cfg.directionContrast(), TrainConfig.CONTRAST_SHARPNESS) : null,
                cfg.temporalWeight());
        List<Double> stepMs = new ArrayList<>();
        double firstLoss = Double.NaN, lastLoss = Double.NaN, samples = 0, secs = 0, flopsSum = 0;
        ProgressBar bar = new ProgressBar(System.err, step, cfg.steps(), progress);
        long startStep = step;
        try (LatentStore store = cfg.kind() == TrainKind.DIT && cfg.clips() > 0 ? LatentStore.open(runDir) : null;
             BatchLoader loader = facts != null ? null
                     : new BatchLoader(plan(cfg.batch(), store), step * cfg.accum(), producers, Math.max(2, producers + 1));
             BufferedWriter csv = Files.newBufferedWriter(runDir.resolve("loss.csv"), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            if (Files.size(runDir.resolve("loss.csv")) == 0) csv.write(anchor == null ? "step,loss,lr,ms,grad_norm\n" : "step,loss,lr,ms,grad_norm,held\n");
            while (step < cfg.steps()) {
                long t0 = System.nanoTime();
                double lr = schedule.at(step);
                opt.setLr(lr);
                opt.zeroGrad();
                double lossSum = 0, flops = 0, anchorSum = 0;
                for (int k = 0; k < cfg.accum(); k++) {
                    if (facts != null) {
                        // scenes, not clips: batch/2 scenes per micro-batch, each captioned in English and Chinese
                        int scenes = Math.max(1, cfg.batch() / 2);
                        List<FactsObjective.Item> items = facts.batch((step * cfg.accum() + k) * scenes, scenes, Split.TRAIN);
                        Tensor loss = FactsObjective.loss(model.text, (FactsObjective.Head) head, items);
                        float l = loss.item();
                        if (!Float.isFinite(l)) throw new IllegalStateException("loss became " + l + " at step " + step + " (lower --lr?)");
                        lossSum += l;
                        (cfg.accum() == 1 ? loss : loss.mul(1f / cfg.accum())).backward();
                        flops += factsFlops(items);
                        continue;
                    }
                    Batch b = loader.next();
                    Rng rng = noiseRoot.fork(b.micro());
                    int mirrored = 0; // items the direction contrast ran a second time
                    Tensor loss;
                    switch (cfg.kind()) {
                        case VAE -> loss = vaeLoss(b.pixels(), b.objects(), rng);
                        case DIT -> {
                            int tokens = b.bucket().shape(model.config.vae().timeDown()).tokens(model.config.dit().patchT(), model.config.dit().patchS());
                            Tensor weights = b.objects() == null ? null : b.objects().mul((float) cfg.objectWeight()).add(1f);
                            FlowMatchingLoss.Result r = fm.compute(model.dit, model.text, b.latents(), b.captions(), tokens, rng, weights);
                            loss = r.loss();
                            mirrored = r.mirrored();
                            if (anchor != null) {
                                Tensor held = anchor.compute(model.dit, model.text, b.latents(), b.captions(), tokens, rng.fork("anchor"), weights);
                                anchorSum += held.item();
                                loss = loss.add(held.mul((float) cfg.anchorWeight()));
                            }
                        }
                        default -> loss = maskedByteLoss(b.captions(), rng);
                    }
                    float l = loss.item();
                    if (!Float.isFinite(l)) throw new IllegalStateException("loss became " + l + " at step " + step + " (lower --lr?)");
                    lossSum += l;
                    (cfg.accum() == 1 ? loss : loss.mul(1f / cfg.accum())).backward();
                    flops += trainFlops(b) * (1 + mirrored / (double) b.size() + (anchor != null ? 4 / 3.0 : 0));
                }
                double norm = cfg.clipNorm() > 0 ? GradClip.clipGradNorm(trained.values(), cfg.clipNorm()) : 0;
                opt.step();
                if (cfg.emaDecay() > 0) ema.update();
                step++;
                double ms = (System.nanoTime() - t0) / 1e6, loss = lossSum / cfg.accum();
                wallSeconds += ms / 1000;
                if (Double.isNaN(firstLoss)) firstLoss = loss;
                lastLoss = loss;
                stepMs.add(ms);
                samples += cfg.effectiveBatch();
                secs += ms / 1000;
                flopsSum += flops;
                double gflops = flops / (ms / 1000) / 1e9;
                csv.write(String.format(Locale.ROOT, "%d,%.6g,%.6g,%.1f,%.4g", step, loss, lr, ms, norm)
                        + (anchor == null ? "\n" : String.format(Locale.ROOT, ",%.6g%n", anchorSum / cfg.accum())));
                csv.flush();
                bar.clear();
                log.printf(Locale.ROOT, "step %d | loss %.4f%s | lr %.2g | %.0f ms | %.1f GFLOP/s | MFU %.1f%%%n",
                        step, loss, anchor == null ? "" : String.format(Locale.ROOT, " (held %.5f)", anchorSum / cfg.accum()),
                        lr, ms, gflops, 100 * gflops / peak);
                bar.update(step);
                boolean stop = stopAfter.test(step);
                if (step % cfg.ckptEvery() == 0 || step == cfg.steps() || stop) {
                    if (facts != null) logFactsF1();
                    checkpoint();
                    plotLoss();
                }
                if ((cfg.sampleEvery() > 0 && step % cfg.sampleEvery() == 0) || step == cfg.steps()) previews();
                if (stop) break;
            }
        }
        bar.clear();
        List<Double> sorted = new ArrayList<>(stepMs);
        sorted.sort(Comparator.naturalOrder());
        double median = sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() / 2);
        double mfu = secs > 0 ? flopsSum / secs / 1e9 / peak : Double.NaN;
        if (step > startStep)
            log.printf(Locale.ROOT, "done: step %d, loss %.4f -> %.4f, median %.0f ms/step, %.2f samples/s, MFU %.1f%%, model in %s%n",
                    step, firstLoss, lastLoss, median, samples / secs, 100 * mfu, runDir.resolve("model"));
        return new Result(runDir, step, firstLoss, lastLoss, median, samples / secs, mfu, runDir.resolve("model"));
    }

    /**
     * {@link VaeLoss}'s objective (reconstruction MSE + β·KL), except that during the autoencoder warm-up the decoder
     * gets the posterior mean instead of a sample (see {@link TrainConfig#aeWarmup()}).
     */
    private Tensor vaeLoss(Tensor x, Tensor objects, Rng rng) {
        if (cfg.decoderOnly()) return decoderLoss(x, objects, rng);
        Tensor w = objects == null ? null : ObjectCover.pixelWeights(objects, x.size(2), cfg.objectWeight(), model.config.vae().timeDown());
        if (step >= cfg.aeWarmup()) return VaeLoss.compute(model.vae, x, rng, w).loss();
        var post = model.vae.encode(x);
        return WeightedMse.of(model.vae.decode(post.mean()), x, w).add(post.kl().mul((float) model.vae.config.klWeight()));
    }

    /**
     * Decoder fine-tuning ({@link TrainConfig#decoderNoise()}): the frozen encoder's mean latent plus N(0, σ²) per clip,
     * σ uniform in [0, decoderNoise] in normalised units (divided by the latent scale in the VAE's own units), decoded
     * and compared with the clip (MSE). No KL term: the posterior does not change. With {@code --object-weight λ} the
     * squared error of a pixel counts 1 + λ·(its latent cell's object cover), Σ w·(y − x)² / (3 · Σ w): the small
     * objects, which the plain MSE all but ignores, keep their colour and shape.
     */
    private Tensor decoderLoss(Tensor x, Tensor objects, Rng rng) {
        Tensor z;
        try (var g = Grad.off()) {
            z = model.vae.encode(x).mean();
        }
        int b = z.size(0), per = z.numel() / b;
        float[] noise = Tensor.randn(rng.fork("noise"), z.shape()).toArray();
        Rng sig = rng.fork("sigma");
        double unit = cfg.decoderNoise() / model.config.vae().latentScale();
        for (int i = 0; i < b; i++) {
            float s = (float) (sig.nextFloat() * unit);
            for (int k = i * per; k < (i + 1) * per; k++) noise[k] *= s;
        }
        Tensor y = model.vae.decode(z.add(Tensor.of(noise, z.shape())));
        return WeightedMse.of(y, x, objects == null ? null : ObjectCover.pixelWeights(objects, x.size(2), cfg.objectWeight(), model.config.vae().timeDown()));
    }

    /** The run's data; a DiT run over a fixed set of clips keeps their latents in {@code store} (RUN/latents.bin). */
    BatchPlan plan(int batch, LatentStore store) {
        java.util.function.UnaryOperator<Tensor> enc = cfg.kind() == TrainKind.DIT
                ? px -> model.normaliseLatent(model.vae.encode(px).mean()) : null;
        var buckets = cfg.kind() == TrainKind.TEXT ? smallestImageBucket() : cfg.buckets();
        return new BatchPlan(source, buckets, batch, cfg.zhFraction(), cfg.seed(), enc, cfg.clips(), cfg.latentCache(), store,
                cfg.objectWeight() > 0, model.config.vae().timeDown());
    }

    /** Text pre-training needs only captions: draw them with the cheapest bucket (one frame, smallest size). */
    private dev.tessera.model.data.Buckets smallestImageBucket() {
        Bucket best = null;
        for (Bucket b : cfg.buckets().buckets())
            if (best == null || (long) b.frames() * b.width() * b.height() < (long) best.frames() * best.width() * best.height()) best = b;
        return new dev.tessera.model.data.Buckets(List.of(new Bucket(1, best.height(), best.width())), new double[] {1});
    }

    /** BERT-style masked bytes: 15% of the real (non-end) tokens become UNK; the head must name the byte. */
    private Tensor maskedByteLoss(String[] captions, Rng rng) {
        ByteTokenizer.Batch tb = model.text.tokenizer.batch(captions);
        int b = tb.batch(), l = tb.length();
        int[] ids = tb.ids().clone(), targets = new int[b * l];
        java.util.Arrays.fill(targets, -1);
        int masked = 0;
        for (int i = 0; i < ids.length; i++)
            if (ids[i] >= ByteTokenizer.OFFSET && rng.nextFloat() < MASK_FRACTION) {
                targets[i] = ids[i];
                ids[i] = ByteTokenizer.UNK;
                masked++;
            }
        if (masked == 0) {
            for (int i = 0; i < ids.length; i++)
                if (ids[i] >= ByteTokenizer.OFFSET) {
                    targets[i] = ids[i];
                    ids[i] = ByteTokenizer.UNK;
                    break;
                }
        }
        Tensor ctx = model.text.encode(new ByteTokenizer.Batch(b, l, ids, tb.mask())).tokens(); // [B, L, D]
        Tensor logits = ((Linear) head).forward(ctx).reshape(b * l, ByteTokenizer.VOCAB);               // [B·L, V]
        return F.crossEntropy(logits, targets, -1);
    }

    /** Training FLOPs of a facts micro-batch: 3× (encoder + head) per caption. */
    private double factsFlops(List<FactsObjective.Item> items) {
        String[] caps = items.stream().map(FactsObjective.Item::caption).toArray(String[]::new);
        int len = model.text.tokenizer.batch(caps).length();
        int d = model.text.config.dim(), q = FactsObjective.Head.QUERIES;
        return 3 * (Flops.text(model.config.text(), len) + 2.0 * d * d * len + 4.0 * q * d * len + 2.0 * (q + 1) * d * FactsObjective.BUCKETS) * caps.length;
    }

    /**
     * Facts F1 on 128 VALIDATION-split scenes (never trained on), per language: how well the pooled caption vector
     * names its scene's facts and their bindings. Logged at each checkpoint and written to RUN/facts.csv.
     */
    private void logFactsF1() throws IOException {
        double[] f1 = FactsObjective.f1(model.text, (FactsObjective.Head) head, facts.batch(0, 128, Split.VALIDATION));
        log.printf(Locale.ROOT, "facts F1 at step %d (128 validation scenes): en %.3f zh %.3f%n", step, f1[0], f1[1]);
        Path f = runDir.resolve("facts.csv");
        if (!Files.exists(f)) Files.writeString(f, "step,f1_en,f1_zh\n", StandardCharsets.UTF_8);
        Files.writeString(f, String.format(Locale.ROOT, "%d,%.4f,%.4f%n", step, f1[0], f1[1]), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Training FLOPs of one micro-batch: 3× the forward of the trained networks (+ the forward of a frozen text encoder). */
    double trainFlops(Batch b) {
        int len = model.text.tokenizer.batch(b.captions()).length();
        ModelConfig mc = model.config;
        double text = Flops.text(mc.text(), len);
        double per = switch (cfg.kind()) {
            case VAE -> 3 * Flops.vae(mc.vae(), b.bucket().frames(), b.bucket().height(), b.bucket().width());
            case TEXT -> 3 * (text + 2.0 * len * mc.text().dim() * ByteTokenizer.VOCAB);
            case DIT -> 3 * Flops.dit(mc.dit(), b.bucket().shape(mc.vae().timeDown()).tokens(mc.dit().patchT(), mc.dit().patchS()), len)
                    + (cfg.freezeText() ? 1 : 3) * text;
        };
        return per * b.size();
    }

    // ------------------------------------------------------------------ checkpoints, export, previews

    /** Writes the checkpoint (atomically) and then the model folder. */
    public void checkpoint() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (String c : TesseraModel.COMPONENTS) model.component(c).stateDict().forEach((k, v) -> t.put("model." + c + "." + k, v));
        if (head != null) head.stateDict().forEach((k, v) -> t.put("head." + k, v));
        ema.weights().forEach((k, v) -> t.put("ema." + k, v));
        opt.state().forEach((k, v) -> t.put("optim." + k, v));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("kind", cfg.kind().word());
        meta.put("step", Long.toString(step));
        meta.put("micro", Long.toString(step * cfg.accum()));
        meta.put("ema_updates", Long.toString(ema.updates()));
        opt.stateMetadata().forEach((k, v) -> meta.put("optim." + k, v));
        meta.put("train_config", cfg.toJson());
        meta.put("model_config", model.config.toJson());
        meta.put("wall_seconds", String.format(Locale.ROOT, "%.1f", wallSeconds));
        new Checkpoint(t, meta).save(runDir);
        exportModel();
    }

    /**
     * {@code RUN/model/}: the model folder {@code ./tessera generate --model} loads, with the EMA weights of the
     * trained networks. A VAE run first measures the latent's mean and spread on a few batches and stores them as
     * the config's latent shift/scale. Written beside as {@code model.tmp} and swapped in by renames.
     */
    public Path exportModel() throws IOException {
        boolean swapped = cfg.emaDecay() > 0 && ema.updates() > 0;
        if (swapped) ema.swap();
        try {
            TesseraModel out = model;
            if (cfg.kind() == TrainKind.VAE && !cfg.decoderOnly()) out = withLatentStats(model);
            Path dir = runDir.resolve("model"), tmp = runDir.resolve("model.tmp"), old = runDir.resolve("model.old");
            deleteTree(tmp);
            out.save(tmp, DType.F32);
            deleteTree(old);
            if (Files.exists(dir)) Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
            return dir;
        } finally {
            if (swapped) ema.swap();
        }
    }

    private TesseraModel withLatentStats(TesseraModel m) {
        BatchPlan p = new BatchPlan(source, cfg.buckets(), 2, 0, cfg.seed() ^ 0x5A7L, null);
        double sum = 0, sq = 0;
        long n = 0;
        try (var g = Grad.off()) {
            for (int i = 0; i < 4; i++) {
                for (float v : m.vae.encode(p.build(i).pixels()).mean().data()) {
                    sum += v;
                    sq += (double) v * v;
                    n++;
                }
            }
        }
        double mean = sum / n, std = Math.sqrt(Math.max(1e-12, sq / n - mean * mean));
        VaeConfig vc = m.config.vae().withLatentStats(mean, 1 / std);
        ModelConfig c = m.config;
        return new TesseraModel(new ModelConfig(c.preset(), vc, c.text(), c.dit(), c.capabilities(), c.shiftBaseMu(), c.shiftMaxMu(), c.guidance(), c.guidanceMode()),
                m.vae, m.text, m.dit);
    }

    /** Preview clips: reconstructions (VAE) or samples for the captions of held-aside clips (DiT), as PNG grid + MP4. */
    void previews() throws IOException {
        if (cfg.kind() == TrainKind.TEXT) return;
        Path dir = Files.createDirectories(runDir.resolve("samples"));
        String name = String.format(Locale.ROOT, "step-%06d", step);
        Bucket bucket = previewBucket();
        BatchPlan p = new BatchPlan(source, new dev.tessera.model.data.Buckets(List.of(bucket), new double[] {1}),
                Math.min(2, cfg.batch()), 0.5, cfg.seed() ^ 0x9E3779B9L, null);
        Batch b = p.build(0);
        List<Video> rows = new ArrayList<>();
        StringBuilder captions = new StringBuilder();
        boolean swapped = cfg.emaDecay() > 0 && ema.updates() > 0;
        if (swapped) ema.swap();
        try (var g = Grad.off()) {
            for (int i = 0; i < b.size(); i++) {
                Tensor x = b.pixels().narrow(0, i, 1).contiguous();
                rows.add(VideoTensors.toVideo(x, 0, bucket.frames(), cfg.fps()));
                Tensor y;
                if (cfg.kind() == TrainKind.VAE) {
                    y = model.vae.decode(model.vae.encode(x).mean());
                } else {
                    TextToVideo.Request r = new TextToVideo.Request(b.captions()[i], null, cfg.fps(), bucket.frames() / (double) cfg.fps(),
                            cfg.sampleSteps(), cfg.guidance(), cfg.seed() + i, Sampler.Solver.EULER);
                    Video v = new TextToVideo(model).generate(r, bucket.shape(), Sampler.Progress.NONE).video();
                    y = VideoTensors.toTensor(v);
                }
                rows.add(VideoTensors.toVideo(y, 0, bucket.frames(), cfg.fps()));
                captions.append(b.captions()[i]).append('\n');
            }
        } finally {
            if (swapped) ema.swap();
        }
        SampleGrid.write(dir.resolve(name + ".png"), rows, 9);
        if (bucket.frames() > 1) Mp4Writer.write(SampleGrid.stack(rows), dir.resolve(name + ".mp4"));
        writeAtomically(dir.resolve(name + ".txt"), (cfg.kind() == TrainKind.VAE
                ? "rows: original, reconstruction (posterior mean) per clip\n" : "rows: original clip, sample for its caption\n") + captions);
    }

    /** The preview size: the first size, the longest duration up to 17 frames (cheap, and shows motion). */
    private Bucket previewBucket() {
        Bucket best = null;
        for (Bucket b : cfg.buckets().buckets()) {
            if (!source.fits(b)) continue;
            if (best == null) { best = b; continue; }
            boolean sameSize = b.width() == best.width() && b.height() == best.height();
            if (sameSize && b.frames() <= 17 && b.frames() > best.frames()) best = b;
        }
        if (best == null) throw new IllegalStateException("no bucket fits the data");
        return best;
    }

    private void plotLoss() throws IOException {
        List<String> lines = Files.readAllLines(runDir.resolve("loss.csv"), StandardCharsets.UTF_8);
        List<long[]> s = new ArrayList<>();
        List<Double> l = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] p = line.split(",");
            if (p.length < 2) continue;
            s.add(new long[] {Long.parseLong(p[0])});
            l.add(Double.parseDouble(p[1]));
        }
        long[] steps = new long[s.size()];
        double[] loss = new double[l.size()];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = s.get(i)[0];
            loss[i] = l.get(i);
        }
        LossPlot.write(runDir.resolve("loss.png"), steps, loss, "train " + cfg.kind().word() + " (" + cfg.preset() + ") — loss per step, "
                + "line: moving average");
    }

    /** Drops loss.csv rows after the checkpoint's step (they belong to steps the resumed run will redo). */
    private void truncateLossCsv() throws IOException {
        Path f = runDir.resolve("loss.csv");
        if (!Files.exists(f)) return;
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            String first = line.split(",", 2)[0];
            if (!first.chars().allMatch(Character::isDigit) || first.isEmpty() || Long.parseLong(first) <= step) keep.add(line);
        }
        writeAtomically(f, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
    }

    static void writeAtomically(Path f, String text) throws IOException {
        // a plain name, not createTempFile: that one is created mode 0600 and the rename would keep it
        Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
