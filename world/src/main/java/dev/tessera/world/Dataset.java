package dev.tessera.world;

import dev.tessera.media.Video;
import java.util.List;
import java.util.Random;

/**
 * An endless, deterministic stream of (clip, caption_en, caption_zh, truth) keyed by seed. Splits are seed ranges
 * ({@link Split}); scenes matching a held-out combination are redrawn in TRAIN/VALIDATION/TEST and are the only
 * scenes of HELDOUT. Small sizes are cheap: a 64x64, 16-frame clip renders in a few milliseconds per frame.
 *
 * <pre>{@code
 * Dataset ds = new Dataset(Dataset.Config.DEFAULT);
 * Sample s = ds.sample(42, Split.TRAIN);   // s.clip(), s.captionEn(), s.captionZh(), s.truth(), s.facts()
 * }</pre>
 */
public final class Dataset {
    /** Clip format and held-out list; validates itself. */
    public record Config(int width, int height, double fps, int frames, int antialias, List<HeldOut> heldOut) {
        public static final Config DEFAULT = new Config(64, 64, 8, 16, 2, HeldOut.DEFAULTS);
        public Config {
            heldOut = List.copyOf(heldOut);
            if (frames < 1 || frames > 60 * 120) throw new IllegalArgumentException("frames must be 1..7200, got " + frames);
            new RenderOptions(width, height, fps, frames / fps, 0, antialias); // validates the rest
        }
        public RenderOptions options(long seed) { return new RenderOptions(width, height, fps, frames / fps, seed, antialias); }
    }

    private final Config config;

    public Dataset(Config config) { this.config = config; }

    public Config config() { return config; }

    /** The scene of sample {@code index} in {@code split}, resolved; redrawn (deterministically) around held-out combinations. */
    public SceneSpec scene(long index, Split split) {
        long seed = split.seed(index);
        for (int attempt = 0; attempt < 1000; attempt++) {
            long s = attempt == 0 ? seed : seed * 0x9E3779B97F4A7C15L + attempt;
            SceneSpec spec = SceneSampler.sample(s).resolve(seed);
            // every caption fact must be true in the clip: events that cannot finish in time are redrawn
            if (!Stage.eventsFit(spec, config.frames / config.fps)) continue;
            boolean held = HeldOut.any(config.heldOut, spec);
            if (split == Split.HELDOUT ? held : !held) return spec;
            if (split == Split.HELDOUT && attempt > 50) return forceHeldOut(spec, config.heldOut.get((int) Math.floorMod(seed, (long) config.heldOut.size())));
        }
        throw new IllegalStateException("could not draw a scene for seed " + seed + " under the held-out list");
    }

    /** Rewrites the first thing of a scene so it shows the held-out combination. */
    static SceneSpec forceHeldOut(SceneSpec s, HeldOut h) {
        List<SceneSpec.Thing> ts = new java.util.ArrayList<>();
        SceneSpec.Thing base = new SceneSpec.Thing(0, h.kind() != null ? h.kind() : Vocab.Kind.BALL, 1, h.colour() != null ? h.colour() : Vocab.Colour.RED,
                Vocab.Size.MEDIUM, Vocab.Material.MATTE, List.of(h.motion() != null ? h.motion() : Vocab.Motion.STILL),
                h.motion() != null && h.motion().travels() && h.motion() != Vocab.Motion.BOUNCE ? Vocab.Direction.LEFT_TO_RIGHT : null, List.of());
        ts.add(base);
        return new SceneSpec(Vocab.Setting.STUDIO, Vocab.TimeOfDay.DAY, ts, List.of(), List.of(), h.camera() != null ? h.camera() : Vocab.CameraMove.STATIC,
                -1, List.of(), List.of());
    }

    /**
     * The endless stream of samples of a split from index {@code first} on, lazily rendered. Each sample depends only
     * on its index, so {@code .parallel()} gives the same samples using all cores.
     */
    public java.util.stream.Stream<Sample> stream(Split split, long first) {
        return java.util.stream.LongStream.range(first, Split.SIZE).mapToObj(i -> sample(i, split));
    }

    public Sample sample(long index, Split split) {
        SceneSpec spec = scene(index, split);
        long seed = split.seed(index);
        Video.Collector c = new Video.Collector(config.width, config.height, config.fps);
        Truth truth = World.render(spec, config.options(seed), c);
        String en = Captioner.caption(spec, Lang.EN, new Random(seed * 31 + 1));
        String zh = Captioner.caption(spec, Lang.ZH, new Random(seed * 31 + 2));
        return new Sample(index, seed, split, c.video(), en, zh, truth, spec.facts(), spec);
    }
}
