package dev.tessera.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tessera.model.data.Buckets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Everything that decides a run's numbers; saved in every checkpoint so {@code --resume} continues the same run.
 * Only {@link #steps} (to extend a run) and the logging/checkpoint intervals may change on resume; the thread and
 * producer counts are not part of it because they never change results.
 *
 * @param kind         what is trained
 * @param preset       model preset (tiny, XS, S, B) for the networks this run creates
 * @param steps        optimizer steps in total (not micro-batches)
 * @param batch        clips per micro-batch
 * @param accum        micro-batches accumulated per optimizer step (effective batch = batch·accum)
 * @param lr           peak learning rate
 * @param warmup       linear warm-up steps
 * @param minLr        learning rate at the end of the cosine decay
 * @param weightDecay  AdamW decoupled decay (rank ≥ 2 tensors only)
 * @param clipNorm     global gradient-norm clip (0: off)
 * @param emaDecay     EMA decay of the weights that are exported and sampled (0: export the raw weights)
 * @param seed         the one seed every random choice of the run is forked from
 * @param data         "world" or a folder of captioned clips
 * @param sizes        bucket sizes as "WxH"
 * @param frames       bucket durations in frames (1 + 4k; 1 = image)
 * @param fps          frame rate the data is drawn at
 * @param zhFraction   fraction of captions drawn in Chinese
 * @param vae          model or run folder whose VAE a dit run encodes with (null for vae/text runs)
 * @param text         model or run folder with a pre-trained text encoder to start from (null: fresh)
 * @param freezeText   dit runs: keep the text encoder fixed instead of training it jointly
 * @param dropCaption  probability a caption is replaced by "" (classifier-free guidance)
 * @param sampleEvery  steps between sample grids/videos (0: only at the end)
 * @param ckptEvery    steps between checkpoints
 * @param sampleSteps  sampler steps for the preview videos
 * @param guidance     CFG scale for the preview videos
 * @param aeWarmup     vae runs: steps that decode the posterior mean instead of a sample (an autoencoder warm-up:
 *                     with σ ≈ 1 at initialisation the sampled latent is mostly noise and the decoder learns to ignore
 *                     it, outputting the mean colour; decoding the mean first lets the latent carry the picture)
 * @param clips        0: an endless stream of new clips; N: clip indices wrap modulo N (a fixed set seen for many
 *                     epochs, whose VAE latents a DiT run then encodes once and keeps — see latentCache)
 * @param latentCache  dit runs: encoded latents kept in memory, by (clip, bucket), for sources that can name a clip
 * @param init         dit runs: a model folder (or run folder) whose DiT and text encoder the run starts from — a
 *                     fine-tuning phase, e.g. on longer clips; full vae runs: one whose VAE the run starts from (its
 *                     configuration and weights; e.g. at another {@code timeDown}); null: the preset's fresh
 *                     initialisation
 * @param textObjective text runs: "facts" (predict the world's scene facts from the pooled caption,
 *                     {@link FactsObjective}; world data only) or "bytes" (masked byte prediction); null in configs
 *                     saved before the choice existed, which trained "bytes"
 * @param decoderNoise vae runs: null for a full VAE run; otherwise fine-tune only the decoder of --vae's VAE (its
 *                     encoder and latent statistics stay, so a DiT trained on its latents stays valid), on the
 *                     encoder's mean latent plus Gaussian noise whose std, in the DiT's normalised latent units, is
 *                     drawn per clip uniformly from [0, decoderNoise]: the decoder learns to turn an imperfect latent
 *                     (what a DiT samples) into a clean frame
 * @param shortcutUpsample decoder fine-tunes: null keeps the source VAE's shortcut; "nearest" or "bilinear" sets
 *                     how the decoder spreads the shortcut channels ({@code VaeConfig#shortcutUpsample})
 * @param objectWeight dit runs: λ of the object-weighted velocity loss — each latent cell's squared error counts
 *                     1 + λ·(the fraction of its pixels inside a visible object's box, from the world's ground
 *                     truth); vae runs and decoder fine-tunes: the same weight on every pixel of the cell (the
 *                     reconstruction MSE; the KL term is unchanged); 0 (and configs saved before it existed): the
 *                     plain MSE. World data only.
 * @param directionContrast dit runs: weight λ of the flow-matching loss's direction contrast
 *                     ({@code FlowMatchingLoss.Contrast}, sharpness {@link #CONTRAST_SHARPNESS}): captions naming a
 *                     side or direction are also run mirrored (left ↔ right) and the true caption's prediction must
 *                     beat the mirrored one's; 0 (and configs saved before it existed): off.
 * @param textPositions dit runs: give the DiT a learned table of text positions, one per text token
 *                     ({@code DitConfig.textPositions}; {@code --text-positions}); with {@code init}, the init DiT
 *                     gains a zero table (it starts as the init model, bit for bit)
 * @param focus        world runs: the share of clips drawn from focus scenes ({@link WorldSource#focus}) — at
 *                     most three things, half of them with a spatial relation between two things, half with a
 *                     thing travelling left or right; the rest of the clips are the plain world stream; 0 (and
 *                     configs saved before it existed): the plain stream only.
 * @param latentChannels fresh vae runs: channels of the VAE's latent instead of the preset's
 *                     ({@code --latent-channels N}); 0 (and configs saved before it existed): the preset's.
 * @param timeDown     full vae runs: the VAE's time compression, 1, 2 or 4 ({@code --time-down N},
 *                     {@code VaeConfig#timeDown}); 0 (and configs saved before it existed): the preset's ×4, or the
 *                     init VAE's.
 * @param initTransfer dit runs with {@code init}: the init model was trained on another VAE than {@code vae} (another
 *                     latent: channels, time compression); start the transformer (blocks, timestep and text
 *                     embedders, the final adaLN) from it and the two layers that touch the latent — the patch
 *                     embedding and the output projection — fresh ({@code --init-transfer}); false: the VAEs must match
 * @param timeRange    dit runs: [lo, hi] — the flow-matching times are drawn as usual (logit-normal, shifted) and
 *                     mapped linearly into [lo, hi] ({@code --time-range lo,hi}): a DiT that trains only where it
 *                     will be used, e.g. a low-noise expert ({@code FlowMatching#tMin}); null (and configs saved
 *                     before it existed): [0, 1]
 * @param temporalWeight dit runs: weight of the flow-matching loss's frame-difference term
 *                     ({@code FlowMatchingLoss#temporalTerm}, {@code --temporal-weight}): the velocity error's change
 *                     between neighbouring latent frames, so frame-to-frame jumps cost more; 0 (and configs saved
 *                     before it existed): off
 * @param anchor       dit runs: a model folder whose DiT (the teacher, frozen) holds the flow times below
 *                     {@code anchorBelow}: each micro-batch also draws times in [0, anchorBelow] and adds
 *                     {@code anchorWeight} × the squared distance of the run's velocity to the teacher's there
 *                     ({@code TeacherAnchor}, {@code --anchor DIR}); with {@code --time-range anchorBelow,1} a
 *                     high-noise fine-tune that keeps the teacher's low-noise steps; null (and configs saved before
 *                     it existed): off
 * @param anchorBelow  with {@code anchor}: the top of the held times, in (0, 1] ({@code --anchor-below T})
 * @param anchorWeight with {@code anchor}: the held term's weight, in (0, 100] ({@code --anchor-weight W})
 * @param patchT       dit runs with {@code initTransfer}: latent frames per DiT patch for the moved DiT
 *                     ({@code --patch-t N}, {@code DitConfig#patchT}): 2 on a ×2 VAE keeps the token count and video
 *                     time per token of a patch-1 DiT on a ×4 VAE, and the two latent-facing layers start from the
 *                     init's, spread over the patch's frames ({@code Trainer#inflated}: equal frames embed and
 *                     predict as the source did, differences between them still reach the blocks); 0 (and configs
 *                     saved before it existed): the init DiT's (or the preset's)
 */
public record TrainConfig(TrainKind kind, String preset, long steps, int batch, int accum, double lr, int warmup,
                          double minLr, double weightDecay, double clipNorm, double emaDecay, long seed, String data,
                          List<String> sizes, List<Integer> frames, int fps, double zhFraction, String vae, String text,
                          boolean freezeText, double dropCaption, int sampleEvery, int ckptEvery, int sampleSteps,
                          double guidance, int aeWarmup, long clips, int latentCache, String init,
                          String textObjective, double objectWeight, Double decoderNoise,
                          String shortcutUpsample, double directionContrast, boolean textPositions,
                          double focus, int latentChannels, int timeDown, boolean initTransfer, List<Double> timeRange,
                          double temporalWeight, String anchor, double anchorBelow, double anchorWeight, int patchT) {
    /** Sharpness β of the direction contrast, in units of per-item (object-weighted) velocity MSE. */
    public static final double CONTRAST_SHARPNESS = 100;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TrainConfig {
        if (timeRange != null) {
            if (kind != TrainKind.DIT) throw new IllegalArgumentException("--time-range is for dit runs");
            if (timeRange.size() != 2 || !(timeRange.get(0) >= 0 && timeRange.get(0) < timeRange.get(1) && timeRange.get(1) <= 1))
                throw new IllegalArgumentException("--time-range must be two times lo,hi with 0 <= lo < hi <= 1, got " + timeRange);
            timeRange = List.copyOf(timeRange);
        }
        sizes = List.copyOf(sizes);
        frames = List.copyOf(frames);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        if (batch < 1 || batch > 4096) throw new IllegalArgumentException("--batch must be in 1..4096, got " + batch);
        if (accum < 1 || accum > 4096) throw new IllegalArgumentException("--accum must be in 1..4096, got " + accum);
        if (!(lr > 0 && lr < 1)) throw new IllegalArgumentException("--lr must be in (0, 1), got " + lr);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("--min-lr must be in [0, lr], got " + minLr);
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("--ema must be in [0, 1), got " + emaDecay);
        if (!(zhFraction >= 0 && zhFraction <= 1)) throw new IllegalArgumentException("--zh must be in [0, 1], got " + zhFraction);
        if (!(dropCaption >= 0 && dropCaption <= 1)) throw new IllegalArgumentException("--drop-caption must be in [0, 1], got " + dropCaption);
        if (fps < 1 || fps > 120) throw new IllegalArgumentException("--fps must be in 1..120, got " + fps);
        if (sampleEvery < 0 || ckptEvery < 1) throw new IllegalArgumentException("--sample-every must be >= 0 and --ckpt-every >= 1");
        if (sampleSteps < 1 || sampleSteps > 1000) throw new IllegalArgumentException("--sample-steps must be in 1..1000");
        if (clips < 0) throw new IllegalArgumentException("--clips must be >= 0 (0: endless), got " + clips);
        if (latentCache < 0) throw new IllegalArgumentException("--latent-cache must be >= 0, got " + latentCache);
        if (aeWarmup < 0) throw new IllegalArgumentException("--ae-warmup must be >= 0, got " + aeWarmup);
        if (init != null && kind != TrainKind.DIT && (kind != TrainKind.VAE || decoderNoise != null))
            throw new IllegalArgumentException("--init is for dit runs (it starts the DiT and text encoder from a model) and full vae runs (the VAE)");
        if (data == null || data.isBlank()) throw new IllegalArgumentException("--data must be 'world' or a folder");
        if (textObjective != null && !textObjective.equals("facts") && !textObjective.equals("bytes"))
            throw new IllegalArgumentException("--objective must be facts or bytes, got '" + textObjective + "'");
        if ("facts".equals(textObjective) && !"world".equals(data))
            throw new IllegalArgumentException("--objective facts needs --data world (the facts come from the world's scenes)");
        if (!(objectWeight >= 0 && objectWeight <= 1000))
            throw new IllegalArgumentException("--object-weight must be in [0, 1000], got " + objectWeight);
        if (objectWeight > 0 && kind != TrainKind.DIT && kind != TrainKind.VAE)
            throw new IllegalArgumentException("--object-weight is for dit and vae runs");
        if (objectWeight > 0 && !"world".equals(data))
            throw new IllegalArgumentException("--object-weight needs --data world (the object boxes come from the world's ground truth)");
        if (!(temporalWeight >= 0 && temporalWeight <= 100))
            throw new IllegalArgumentException("--temporal-weight must be in [0, 100], got " + temporalWeight);
        if (temporalWeight > 0 && kind != TrainKind.DIT) throw new IllegalArgumentException("--temporal-weight is for dit runs");
        if (anchor != null) {
            if (kind != TrainKind.DIT) throw new IllegalArgumentException("--anchor is for dit runs");
            if (!(anchorBelow > 0 && anchorBelow <= 1)) throw new IllegalArgumentException("--anchor-below must be in (0, 1], got " + anchorBelow);
            if (!(anchorWeight > 0 && anchorWeight <= 100)) throw new IllegalArgumentException("--anchor-weight must be in (0, 100], got " + anchorWeight);
        } else if (anchorBelow != 0 || anchorWeight != 0) {
            throw new IllegalArgumentException("--anchor-below and --anchor-weight need --anchor DIR (the teacher model)");
        }
        if (!(directionContrast >= 0 && directionContrast <= 100))
            throw new IllegalArgumentException("--direction-contrast must be in [0, 100], got " + directionContrast);
        if (directionContrast > 0 && kind != TrainKind.DIT) throw new IllegalArgumentException("--direction-contrast is for dit runs");
        if (textPositions && kind != TrainKind.DIT) throw new IllegalArgumentException("--text-positions is for dit runs");
        if (!(focus >= 0 && focus <= 1)) throw new IllegalArgumentException("--focus must be in [0, 1], got " + focus);
        if (focus > 0 && !"world".equals(data))
            throw new IllegalArgumentException("--focus needs --data world (it picks world scenes by their facts)");
        if (latentChannels < 0 || latentChannels > 64)
            throw new IllegalArgumentException("--latent-channels must be in 1..64, got " + latentChannels);
        if (latentChannels > 0 && (kind != TrainKind.VAE || decoderNoise != null))
            throw new IllegalArgumentException("--latent-channels is for fresh vae runs (DiTs and decoder fine-tunes keep their --vae's latent)");
        if (latentChannels > 0 && init != null)
            throw new IllegalArgumentException("--latent-channels is for fresh vae runs (with --init the run keeps the init VAE's latent)");
        if (timeDown != 0 && timeDown != 1 && timeDown != 2 && timeDown != 4)
            throw new IllegalArgumentException("--time-down must be 1, 2 or 4, got " + timeDown);
        if (initTransfer && (kind != TrainKind.DIT || init == null))
            throw new IllegalArgumentException("--init-transfer is for dit runs with --init (a DiT trained on another VAE)");
        if (patchT < 0 || patchT > 4) throw new IllegalArgumentException("--patch-t must be in 1..4, got " + patchT);
        if (patchT > 0 && !initTransfer)
            throw new IllegalArgumentException("--patch-t is for dit runs with --init-transfer (a DiT moved onto another VAE)");
        if (timeDown > 0 && (kind != TrainKind.VAE || decoderNoise != null))
            throw new IllegalArgumentException("--time-down is for full vae runs (DiTs and decoder fine-tunes keep their --vae's compression)");
        if (decoderNoise != null) {
            if (kind != TrainKind.VAE) throw new IllegalArgumentException("--decoder-noise is for vae runs");
            if (vae == null) throw new IllegalArgumentException("--decoder-noise needs --vae DIR (the VAE whose decoder is fine-tuned)");
            if (!(decoderNoise >= 0 && decoderNoise <= 10))
                throw new IllegalArgumentException("--decoder-noise must be in [0, 10], got " + decoderNoise);
            if (shortcutUpsample != null && !shortcutUpsample.equals("nearest") && !shortcutUpsample.equals("bilinear"))
                throw new IllegalArgumentException("--shortcut-upsample must be nearest or bilinear, got '" + shortcutUpsample + "'");
        } else if (shortcutUpsample != null) {
            throw new IllegalArgumentException("--shortcut-upsample is for decoder fine-tunes (--decoder-noise)");
        } else if (kind == TrainKind.VAE && vae != null) {
            throw new IllegalArgumentException("--vae on a vae run is for decoder fine-tuning: add --decoder-noise S");
        }
        buckets(sizes, frames); // validates sizes and frame counts
    }

    /** Whether this VAE run fine-tunes only the decoder of an existing VAE. */
    public boolean decoderOnly() { return kind == TrainKind.VAE && decoderNoise != null; }

    /** The bucket table: every size × every duration, weighted ∝ 1/tokens (model's {@link Buckets#of}). */
    public Buckets buckets() { return buckets(sizes, frames); }

    private static Buckets buckets(List<String> sizes, List<Integer> frames) {
        if (sizes.isEmpty() || frames.isEmpty()) throw new IllegalArgumentException("need at least one --sizes and one --frames value");
        int[][] wh = new int[sizes.size()][];
        for (int i = 0; i < wh.length; i++) {
            var s = dev.tessera.model.Capabilities.Size.parse(sizes.get(i));
            if (s.width() % 16 != 0 || s.height() % 16 != 0)
                throw new IllegalArgumentException("size " + s + " must be a multiple of 16 (VAE x8 and 2x2 patches)");
            wh[i] = new int[] {s.width(), s.height()};
        }
        int[] f = new int[frames.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = frames.get(i);
            if (f[i] < 1 || (f[i] - 1) % 4 != 0)
                throw new IllegalArgumentException("--frames values must be 1 + 4k (1, 5, 9, 17, 33, 65 ...), got " + f[i]);
        }
        return Buckets.of(wh, f);
    }

    /** Whether a text run predicts scene facts ({@link FactsObjective}) rather than masked bytes. */
    public boolean factsObjective() { return kind == TrainKind.TEXT && "facts".equals(textObjective); }

    /** Clips per optimizer step. */
    public int effectiveBatch() { return batch * accum; }

    public TrainConfig withSteps(long n) { return toBuilder().steps(n).build(); }

    public TrainConfig withIntervals(int sample, int ckpt) { return toBuilder().sampleEvery(sample).ckptEvery(ckpt).build(); }

    /** The times' range of {@link #timeRange}, [0, 1] when unset. */
    public double[] times() { return timeRange == null ? new double[] {0, 1} : new double[] {timeRange.get(0), timeRange.get(1)}; }

    /** Defaults per kind, for tests and the CLI: a few hundred steps of tiny on the world. */
    public static TrainConfig defaults(TrainKind kind, String preset) {
        return new TrainConfig(kind, preset, 1000, kind == TrainKind.TEXT ? 32 : 4, 1, kind == TrainKind.VAE ? 1e-3 : 3e-4,
                kind == TrainKind.TEXT ? 50 : 100, 3e-5, 0.01, 1.0, 0.999, 0, "world",
                List.of("128x128", "160x96", "96x160"), kind == TrainKind.VAE ? List.of(1, 9, 17) : List.of(1, 9, 17, 33),
                8, 0.5, null, null, false, 0.1, 500, 250, 20, 4.0, kind == TrainKind.VAE ? 200 : 0, 0, 4096, null,
                kind == TrainKind.TEXT ? "facts" : null, 0, null, null, 0, false, 0, 0, 0, false, null, 0, null, 0, 0, 0);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TrainConfig fromJson(String json) {
        try {
            return JSON.readValue(json, TrainConfig.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad training config in checkpoint: " + e.getMessage(), e);
        }
    }

    public Builder toBuilder() { return new Builder(this); }

    /** Mutable copy for changing a few fields; {@link #build()} validates. */
    public static final class Builder {
        private TrainKind kind;
        private String preset;
        private long steps;
        private int batch;
        private int accum;
        private double lr;
        private int warmup;
        private double minLr;
        private double weightDecay;
        private double clipNorm;
        private double emaDecay;
        private long seed;
        private String data;
        private List<String> sizes;
        private List<Integer> frames;
        private int fps;
        private double zhFraction;
        private String vae;
        private String text;
        private boolean freezeText;
        private double dropCaption;
        private int sampleEvery;
        private int ckptEvery;
        private int sampleSteps;
        private double guidance;
        private int aeWarmup;
        private long clips;
        private int latentCache;
        private String init;
        private String textObjective;
        private double objectWeight;
        private Double decoderNoise;
        private String shortcutUpsample;
        private double directionContrast;
        private boolean textPositions;
        private double focus;
        private int latentChannels;
        private int timeDown;
        private boolean initTransfer;
        private List<Double> timeRange;
        private double temporalWeight;
        private String anchor;
        private double anchorBelow, anchorWeight;
        private int patchT;

        Builder(TrainConfig c) {
            kind = c.kind;
            preset = c.preset;
            steps = c.steps;
            batch = c.batch;
            accum = c.accum;
            lr = c.lr;
            warmup = c.warmup;
            minLr = c.minLr;
            weightDecay = c.weightDecay;
            clipNorm = c.clipNorm;
            emaDecay = c.emaDecay;
            seed = c.seed;
            data = c.data;
            sizes = c.sizes;
            frames = c.frames;
            fps = c.fps;
            zhFraction = c.zhFraction;
            vae = c.vae;
            text = c.text;
            freezeText = c.freezeText;
            dropCaption = c.dropCaption;
            sampleEvery = c.sampleEvery;
            ckptEvery = c.ckptEvery;
            sampleSteps = c.sampleSteps;
            guidance = c.guidance;
            aeWarmup = c.aeWarmup;
            clips = c.clips;
            latentCache = c.latentCache;
            init = c.init;
            textObjective = c.textObjective;
            objectWeight = c.objectWeight;
            decoderNoise = c.decoderNoise;
            shortcutUpsample = c.shortcutUpsample;
            directionContrast = c.directionContrast;
            textPositions = c.textPositions;
            focus = c.focus;
            latentChannels = c.latentChannels;
            timeDown = c.timeDown;
            initTransfer = c.initTransfer;
            timeRange = c.timeRange;
            temporalWeight = c.temporalWeight;
            anchor = c.anchor;
            anchorBelow = c.anchorBelow;
            anchorWeight = c.anchorWeight;
            patchT = c.patchT;
        }

        public Builder kind(TrainKind v) { kind = v; return this; }
        public Builder preset(String v) { preset = v; return this; }
        public Builder steps(long v) { steps = v; return this; }
        public Builder batch(int v) { batch = v; return this; }
        public Builder accum(int v) { accum = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmup(int v) { warmup = v; return this; }
        public Builder minLr(double v) { minLr = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder emaDecay(double v) { emaDecay = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder data(String v) { data = v; return this; }
        public Builder sizes(List<String> v) { sizes = v; return this; }
        public Builder frames(List<Integer> v) { frames = v; return this; }
        public Builder fps(int v) { fps = v; return this; }
        public Builder zhFraction(double v) { zhFraction = v; return this; }
        public Builder vae(String v) { vae = v; return this; }
        public Builder text(String v) { text = v; return this; }
        public Builder freezeText(boolean v) { freezeText = v; return this; }
        public Builder dropCaption(double v) { dropCaption = v; return this; }
        public Builder sampleEvery(int v) { sampleEvery = v; return this; }
        public Builder ckptEvery(int v) { ckptEvery = v; return this; }
        public Builder sampleSteps(int v) { sampleSteps = v; return this; }
        public Builder guidance(double v) { guidance = v; return this; }
        public Builder aeWarmup(int v) { aeWarmup = v; return this; }
        public Builder clips(long v) { clips = v; return this; }
        public Builder latentCache(int v) { latentCache = v; return this; }
        public Builder init(String v) { init = v; return this; }
        public Builder textObjective(String v) { textObjective = v; return this; }
        public Builder objectWeight(double v) { objectWeight = v; return this; }
        public Builder decoderNoise(Double v) { decoderNoise = v; return this; }
        public Builder shortcutUpsample(String v) { shortcutUpsample = v; return this; }
        public Builder directionContrast(double v) { directionContrast = v; return this; }
        public Builder textPositions(boolean v) { textPositions = v; return this; }
        public Builder focus(double v) { focus = v; return this; }
        public Builder latentChannels(int v) { latentChannels = v; return this; }
        public Builder timeDown(int v) { timeDown = v; return this; }
        public Builder initTransfer(boolean v) { initTransfer = v; return this; }
        public Builder patchT(int v) { patchT = v; return this; }
        public Builder timeRange(List<Double> v) { timeRange = v; return this; }
        public Builder temporalWeight(double v) { temporalWeight = v; return this; }
        /** The teacher and its held times, or (null, 0, 0) for none. */
        public Builder anchor(String dir, double below, double weight) { anchor = dir; anchorBelow = below; anchorWeight = weight; return this; }

        public TrainConfig build() {
            return new TrainConfig(kind, preset, steps, batch, accum, lr, warmup, minLr, weightDecay, clipNorm, emaDecay, seed, data, sizes, frames, fps, zhFraction, vae, text, freezeText, dropCaption, sampleEvery, ckptEvery, sampleSteps, guidance, aeWarmup, clips, latentCache, init, textObjective, objectWeight, decoderNoise, shortcutUpsample, directionContrast, textPositions, focus, latentChannels, timeDown, initTransfer, timeRange, temporalWeight, anchor, anchorBelow, anchorWeight, patchT);
        }
    }
}
