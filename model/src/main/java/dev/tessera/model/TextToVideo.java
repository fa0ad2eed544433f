package dev.tessera.model;

import dev.tessera.engine.Grad;
import dev.tessera.engine.Tensor;
import dev.tessera.media.Video;
import dev.tessera.model.sample.Sampler;
import dev.tessera.model.text.DirectionSwap;
import dev.tessera.model.text.TextContext;

/**
 * The text→video pipeline: prompt → text context (and the empty prompt's, for guidance) → sampled latent (flow ODE
 * with classifier-free guidance) → VAE decode → {@link Video}. Stage times are measured and returned.
 */
public final class TextToVideo {
    private final TesseraModel model;
    private final TesseraModel refiner;
    private final double refineBelow;
    private final Steering steer;

    /**
     * The sampler settings a pipeline adds to every request ({@link Sampler.Options}'s fields that are not the
     * request's own): the guidance interval and its lower scale, the early finish, frequency bands, the contrast.
     */
    private record Steering(double guidanceAbove, double guidanceBelow, double finishBelow, Sampler.Bands bands, double contrast) {
        static final Steering NONE = new Steering(0, 1, 0, null, 0);

        Sampler.Options options(Request r) {
            return new Sampler.Options(r.solver(), r.steps(), r.guidance(), r.seed(), r.mode(), guidanceAbove, finishBelow, bands,
                    guidanceBelow, contrast);
        }
    }

    public TextToVideo(TesseraModel model) { this(model, null, 0, Steering.NONE); }

    private TextToVideo(TesseraModel model, TesseraModel refiner, double refineBelow, Steering steer) {
        this.model = model;
        this.refiner = refiner;
        this.refineBelow = refineBelow;
        this.steer = steer;
    }

    private TextToVideo with(Steering s) { return new TextToVideo(model, refiner, refineBelow, s); }

    /**
     * The same pipeline with contrastive guidance against the prompt's mirror image ({@link DirectionSwap}: left and
     * right exchanged): h·(v_c − v_mirror) is added to every step's velocity ({@link Sampler.Options#contrast}).
     * Prompts that name neither side are sampled as without it (no third pass). 0: off.
     */
    public TextToVideo withContrast(double h) {
        if (!(h >= 0 && h <= 50)) throw new IllegalArgumentException("contrast must be in 0..50, got " + h);
        return with(new Steering(steer.guidanceAbove(), steer.guidanceBelow(), steer.finishBelow(), steer.bands(), h));
    }

    /**
     * The same pipeline with frequency-decoupled guidance ({@link Sampler.Bands}): the guidance difference's low band
     * keeps the request's scale, its high band gets {@code bands.high()}.
     */
    public TextToVideo withGuidanceBands(Sampler.Bands bands) {
        return with(new Steering(steer.guidanceAbove(), steer.guidanceBelow(), steer.finishBelow(), bands, steer.contrast()));
    }

    /** The same pipeline with guidance only on steps that start above t = {@code t} ({@link Sampler.Options#guidanceAbove}). */
    public TextToVideo withGuidanceAbove(double t) {
        return withGuidanceAbove(t, 1.0);
    }

    /**
     * The same pipeline with a two-level guidance schedule: the request's scale on steps that start above t =
     * {@code t}, {@code below} on the rest ({@link Sampler.Options#guidanceBelow}; 1: none there).
     */
    public TextToVideo withGuidanceAbove(double t, double below) {
        if (!(t >= 0 && t < 1)) throw new IllegalArgumentException("guidance-above must be in [0, 1), got " + t);
        if (!(below >= 0 && below <= 50)) throw new IllegalArgumentException("guidance below must be in 0..50, got " + below);
        return with(new Steering(t, below, steer.finishBelow(), steer.bands(), steer.contrast()));
    }

    /**
     * The same pipeline with the sampler's grid cut below t = {@code t} ({@link Sampler.Options#finishBelow}): the
     * last step jumps from the lowest grid time at or above t to the clean latent.
     */
    public TextToVideo withFinishBelow(double t) {
        if (!(t >= 0 && t < 1)) throw new IllegalArgumentException("finish-below must be in [0, 1), got " + t);
        return with(new Steering(steer.guidanceAbove(), steer.guidanceBelow(), t, steer.bands(), steer.contrast()));
    }

    /**
     * The same pipeline with a second DiT for the low-noise end of the path (eDiff-I's expert denoisers): every
     * velocity at t ≤ {@code below} comes from {@code refiner}'s DiT (e.g. one trained with {@code train dit
     * --time-range 0,below}), the rest from this model's. The text contexts come from this model's encoder and the
     * latent from its VAE, so the refiner must share both configs (a run with {@code --init} and {@code
     * --freeze-text} on the same VAE does).
     */
    public TextToVideo withRefiner(TesseraModel refiner, double below) {
        if (!(below > 0 && below < 1)) throw new IllegalArgumentException("the refiner's time must be in (0, 1), got " + below);
        if (!refiner.config.vae().equals(model.config.vae()) || !refiner.config.text().equals(model.config.text()))
            throw new IllegalArgumentException("the refiner has another VAE or text encoder than the model (it must share both)");
        if (!refiner.config.dit().equals(model.config.dit()))
            throw new IllegalArgumentException("the refiner's DiT config differs from the model's");
        return new TextToVideo(model, refiner, below, steer);
    }

    /** The velocity the sampler integrates: this model's DiT, or the refiner's at t ≤ its time. */
    private dev.tessera.model.sample.VelocityModel velocity() {
        if (refiner == null) return model.dit;
        return (x, t, ctx) -> (t.data()[0] <= refineBelow ? refiner.dit : model.dit).velocity(x, t, ctx);
    }

    /**
     * @param prompt   English or Chinese text
     * @param size     output W×H; must be one the model was trained for
     * @param fps      frames per second
     * @param seconds  duration
     * @param steps    ODE steps
     * @param guidance classifier-free guidance scale (1 = none)
     * @param seed     noise seed: same seed, same video bytes
     * @param solver   Euler or Heun
     * @param mode     how guidance combines the two velocities (plain CFG or APG, {@link Sampler.Guidance})
     */
    public record Request(String prompt, Capabilities.Size size, int fps, double seconds, int steps, double guidance,
                          long seed, Sampler.Solver solver, Sampler.Guidance mode) {
        public Request {
            if (prompt == null) throw new IllegalArgumentException("prompt is missing");
            if (steps < 1 || steps > 1000) throw new IllegalArgumentException("steps must be in 1..1000, got " + steps);
            if (!(guidance >= 0 && guidance <= 50)) throw new IllegalArgumentException("guidance must be in 0..50, got " + guidance);
            if (mode == null) throw new IllegalArgumentException("guidance mode is missing");
        }

        /** With plain classifier-free guidance. */
        public Request(String prompt, Capabilities.Size size, int fps, double seconds, int steps, double guidance,
                       long seed, Sampler.Solver solver) {
            this(prompt, size, fps, seconds, steps, guidance, seed, solver, Sampler.Guidance.CFG);
        }
    }

    /** Milliseconds per stage. */
    public record Timings(long textMs, long sampleMs, long decodeMs) {
        public long totalMs() { return textMs + sampleMs + decodeMs; }
    }

    public record Result(Video video, Timings timings, VideoShape shape) {}

    /** Checks the request against the model's capabilities first (clear error naming the allowed values). */
    public Result generate(Request r, Sampler.Progress progress) {
        VideoShape shape = model.config.capabilities().check(r.size(), r.fps(), r.seconds());
        return generate(r, shape, progress);
    }

    /**
     * Generates any shape the networks accept (multiples of 16 pixels), bypassing the trained-capabilities check;
     * for tests and experiments.
     */
    public Result generate(Request r, VideoShape shape, Sampler.Progress progress) {
        return generate(r, shape, null, 1.0, progress);
    }

    /**
     * SDEdit ({@link Sampler#sampleFrom}): the video starts from {@code start} — a clip of the shape's
     * {@link VideoShape#decodedFrames()} frames at its size, encoded by the VAE — noised to t = {@code strength};
     * null with strength 1 is plain generation. The text, the seed and the guidance act as in plain generation.
     */
    public Result generate(Request r, VideoShape shape, Video start, double strength, Sampler.Progress progress) {
        if (shape.height() % 16 != 0 || shape.width() % 16 != 0)
            throw new IllegalArgumentException("size " + shape.width() + "x" + shape.height() + " is not a multiple of 16");
        shape = shape.withTimeDown(model.config.vae().timeDown());
        if (start != null && (start.width() != shape.width() || start.height() != shape.height() || start.frameCount() != shape.decodedFrames()))
            throw new IllegalArgumentException("start video is " + start.frameCount() + " frames of " + start.width() + "x" + start.height()
                    + ", this shape needs " + shape.decodedFrames() + " of " + shape.width() + "x" + shape.height());
        try (var g = Grad.off()) {
            long t0 = System.nanoTime();
            TextContext cond = model.text.encode(r.prompt());
            TextContext uncond = model.text.encode("");
            String mirrored = steer.contrast() > 0 ? DirectionSwap.swap(r.prompt()) : null;
            TextContext mirror = mirrored == null ? null : model.text.encode(mirrored);
            Tensor z0 = start == null ? null : model.normaliseLatent(model.vae.encode(VideoTensors.toTensor(start)).mean());
            long t1 = System.nanoTime();
            int[] latent = {1, model.config.vae().latentChannels(), shape.latentFrames(), shape.latentHeight(), shape.latentWidth()};
            int tokens = shape.tokens(model.config.dit().patchT(), model.config.dit().patchS());
            Tensor z = Sampler.sampleFrom(velocity(), cond, uncond, mirror, latent, z0, strength, tokens, model.config.timeShift(),
                    steer.options(r), progress);
            long t2 = System.nanoTime();
            Tensor pixels = model.vae.decode(model.denormaliseLatent(z)); // [1, 3, 1 + td(f−1), H, W]
            Video video = VideoTensors.toVideo(pixels, 0, shape.frames(), r.fps());
            long t3 = System.nanoTime();
            return new Result(video, new Timings((t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000), shape);
        }
    }
}
