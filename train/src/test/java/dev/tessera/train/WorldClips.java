package dev.tessera.train;

import dev.tessera.media.Video;
import dev.tessera.model.data.Bucket;
import dev.tessera.world.Captioner;
import dev.tessera.world.Lang;
import dev.tessera.world.RenderOptions;
import dev.tessera.world.SceneParser;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.World;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * World clips for fixed prompts (test data): clip {@code index} is prompt {@code index mod n}, parsed by the world's
 * scene parser, rendered at the bucket's size and captioned by the world's captioner in English and Chinese. Each
 * rendered clip is kept, and its key lets a DiT run encode it once.
 */
class WorldClips implements ClipSource {
    final List<String> prompts;
    final long seed;
    final Bucket only;
    final double fps;
    private final Map<List<Object>, Clip> cache = new ConcurrentHashMap<>();

    WorldClips(Bucket only, long seed, double fps, String... prompts) {
        this.fps = fps;
        this.prompts = List.of(prompts);
        this.seed = seed;
        this.only = only;
    }

    @Override public Clip clip(long index, Bucket b, double u) {
        int i = (int) Math.floorMod(index, (long) prompts.size());
        return cache.computeIfAbsent(List.of(i, b), k -> render(prompts.get(i), b));
    }

    Clip render(String prompt, Bucket b) {
        SceneSpec spec = SceneParser.parse(prompt, seed).resolve(seed);
        Video.Collector c = new Video.Collector(b.width(), b.height(), fps);
        World.render(spec, new RenderOptions(b.width(), b.height(), fps, b.frames() / fps, seed, 2), c);
        List<dev.tessera.media.Frame> crop = c.video().frames();
        return new Clip(crop, b.width(), b.height(), prompt, Captioner.caption(spec, Lang.ZH, new Random(seed)));
    }

    @Override public boolean fits(Bucket b) { return only == null || b.equals(only); }

    @Override public Object key(long index, Bucket b, double u) { return Math.floorMod(index, (long) prompts.size()); }

    @Override public String describe() { return "world clips for " + prompts; }
}
