package dev.tessera.train;

import dev.tessera.engine.F;
import dev.tessera.engine.Tensor;
import dev.tessera.engine.Rng;
import dev.tessera.engine.nn.Init;
import dev.tessera.engine.nn.Linear;
import dev.tessera.engine.nn.Module;
import dev.tessera.model.text.TextContext;
import dev.tessera.model.text.TextEncoder;
import dev.tessera.world.Captioner;
import dev.tessera.world.Dataset;
import dev.tessera.world.HeldOut;
import dev.tessera.world.Lang;
import dev.tessera.world.SceneFacts;
import dev.tessera.world.SceneParser;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.Split;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Text pre-training against the world's scene facts: from the encoder's tokens a small attention-pooling head
 * ({@link Head}) predicts which <em>fact features</em> the caption states, each a binary logistic target. Features are the facts and their bindings — {@code colour+kind},
 * {@code kind+motion}, {@code colour+direction}, {@code colour relation colour}, {@code event order} ... — so a
 * caption's vector must say not only "red", "blue", "ball", "cube" and "to the right" but which of them go together.
 * The targets are the facts the caption itself states (it is parsed back with the world's {@link SceneParser}), so
 * the English and Chinese captions of one scene share the targets of what both say, which pulls the two languages
 * together, and a short caption is not asked for details it leaves out.
 *
 * <p>Why (measured on the default model, whose encoder learned only through the DiT's flow-matching loss): with the
 * captions' mean removed, the pooled vectors of "a red ball bounces from left to right" and "a blue ball bounces from
 * left to right" had cosine 0.996, and the Chinese "从左向右" / "从右向左" pair 0.9999 — the encoder barely told
 * colours or directions apart, and the DiT needed a guidance scale of 30.
 *
 * <p>Features are hashed (FNV-1a of the UTF-8 string) into {@link #BUCKETS} outputs: no vocabulary file, and a feature
 * the sampler has never drawn costs nothing. Scenes come from the world's TRAIN split with the held-out combinations
 * redrawn (so held-out pairings stay unseen); nothing is rendered, so a step costs only the encoder.
 */
public final class FactsObjective {
    public static final int BUCKETS = 8192;

    private final Dataset scenes;
    private final long offset;

    /** Scenes of {@code seconds}-long clips (events must fit), drawn from a stretch of the TRAIN split chosen by {@code seed}. */
    public FactsObjective(long seed, double seconds, int fps) {
        int frames = 1 + 4 * (int) Math.max(1, Math.round(seconds * fps / 4));
        this.scenes = new Dataset(new Dataset.Config(64, 64, fps, frames, 1, HeldOut.DEFAULTS));
        this.offset = Math.floorMod(seed * 0x9E3779B97F4A7C15L + 0x5F3A, 1L << 39);
    }

    /** A head for an encoder of width {@code dim}. */
    public static Head head(int dim, Rng rng) { return new Head(dim, rng); }

    /**
     * The classifier on the encoder's tokens: {@link #QUERIES} learned queries attend over the caption's tokens
     * (one head, keys projected, values the tokens themselves), and their outputs with the masked mean go through one
     * Linear to the feature logits. Measured reason for the queries: a Linear on the mean alone stayed at the base
     * rates for 400 steps of XS (loss ~98 nats per caption, F1 0) — the mean of ~100 byte states is mostly the bag
     * of bytes; queries let a word's tokens be read where they are, which is also how the DiT's cross-attention reads
     * them. Discarded after pre-training.
     */
    public static final class Head extends Module {
        public static final int QUERIES = 8;
        final Tensor query;
        final Linear key, out;

        Head(int dim, Rng rng) {
            query = param("query", Init.normal(rng.fork("query"), 1f, QUERIES, dim));
            key = add("key", new Linear(dim, dim, false, rng.fork("key")));
            out = add("out", new Linear((QUERIES + 1) * dim, BUCKETS, true, rng.fork("out")));
            // the prior: a caption states ~16 of the 8192 features, so every logit starts at log(16/8176) (RetinaNet's
            // prior bias). From 0 the first steps spend the encoder's weights on pushing 8192 logits down together
            // (loss 5,700 → 55 nats) and content learning then sat at the base rates for hundreds of steps.
            Init.fill(out.bias, (float) Math.log(16.0 / (BUCKETS - 16)));
        }

        /** Feature logits [B, BUCKETS]. */
        public Tensor forward(TextContext ctx) {
            int b = ctx.batch(), l = ctx.length(), d = ctx.dim();
            Tensor tokens = ctx.tokens(), mask = ctx.mask();
            Tensor q = Tensor.ones(b, QUERIES, d).mul(query).reshape(b, 1, QUERIES, d);
            Tensor k = key.forward(tokens).reshape(b, 1, l, d);
            Tensor read = F.attention(q, k, tokens.reshape(b, 1, l, d), mask).reshape(b, QUERIES * d);
            return out.forward(F.concat(1, read, ctx.mean()));
        }
    }

    /** One caption and the feature buckets it states. */
    public record Item(String caption, int[] buckets) {}

    /** Scene {@code index}'s English and Chinese captions (random length, as the dataset draws them) with their targets. */
    public Item[] scene(long index, Split split) {
        SceneSpec spec = scenes.scene(offset + index, split);
        long s = split.seed(offset + index);
        String en = Captioner.caption(spec, Lang.EN, new Random(s * 31 + 1)), zh = Captioner.caption(spec, Lang.ZH, new Random(s * 31 + 2));
        return new Item[] {item(en), item(zh)};
    }

    /** A caption with the features of what it states (parsed back, so details a short caption leaves out are not targets). */
    public static Item item(String caption) {
        return new Item(caption, buckets(features(SceneParser.parse(caption, 0).facts())));
    }

    /** {@code scenes} scenes from {@code first}: 2·scenes captions, each scene's English then Chinese. */
    public List<Item> batch(long first, int scenes, Split split) {
        List<Item> out = new ArrayList<>(2 * scenes);
        for (int i = 0; i < scenes; i++) out.addAll(List.of(scene(first + i, split)));
        return out;
    }

    /** Binary cross-entropy (summed over buckets, mean over captions) of the head on the pooled captions. */
    public static Tensor loss(TextEncoder text, Head head, List<Item> items) {
        Tensor logits = logits(text, head, items);                        // [B, K]
        int b = items.size();
        float[] t = targets(items);
        // BCE as a two-class cross-entropy over (0, z): −log σ(z) for a stated feature, −log(1 − σ(z)) otherwise
        Tensor z = logits.reshape(b * BUCKETS, 1);
        Tensor two = F.concat(1, Tensor.zeros(b * BUCKETS, 1), z);        // [B·K, 2]
        int[] tgt = new int[b * BUCKETS];
        for (int i = 0; i < tgt.length; i++) tgt[i] = t[i] > 0 ? 1 : 0;
        // summed over the buckets, averaged over captions: with ~15 stated features among 8192 outputs a mean over
        // buckets shrinks the gradient 8192× (measured: F1 stayed at the always-on features' 0.04 for 250 steps)
        return F.crossEntropy(two, tgt, -1).mul(BUCKETS);
    }

    static Tensor logits(TextEncoder text, Head head, List<Item> items) {
        String[] caps = new String[items.size()];
        for (int i = 0; i < caps.length; i++) caps[i] = items.get(i).caption();
        return head.forward(text.encode(caps));
    }

    static float[] targets(List<Item> items) {
        float[] t = new float[items.size() * BUCKETS];
        for (int i = 0; i < items.size(); i++)
            for (int k : items.get(i).buckets()) t[i * BUCKETS + k] = 1;
        return t;
    }

    /**
     * Micro-averaged F1 of the head's thresholded predictions (logit &gt; 0) on {@code items}, per language — the
     * number a text run logs on held-back scenes. No gradient.
     */
    public static double[] f1(TextEncoder text, Head head, List<Item> items) {
        float[] z;
        try (var ng = dev.tessera.engine.Grad.off()) {
            z = logits(text, head, items).data();
        }
        float[] t = targets(items);
        double[] tp = new double[2], fp = new double[2], fn = new double[2];
        for (int i = 0; i < items.size(); i++) {
            int lang = i % 2; // batch(): English then Chinese
            for (int k = 0; k < BUCKETS; k++) {
                boolean p = z[i * BUCKETS + k] > 0, y = t[i * BUCKETS + k] > 0;
                if (p && y) tp[lang]++;
                else if (p) fp[lang]++;
                else if (y) fn[lang]++;
            }
        }
        return new double[] {2 * tp[0] / (2 * tp[0] + fp[0] + fn[0]), 2 * tp[1] / (2 * tp[1] + fp[1] + fn[1])};
    }

    // ------------------------------------------------------------------ features

    /** The feature strings of a scene's facts (sorted set semantics: each at most once). */
    public static Set<String> features(SceneFacts f) {
        Set<String> out = new LinkedHashSet<>();
        if (f.setting() != null) out.add("setting " + f.setting());
        if (f.time() != null) out.add("time " + f.time());
        out.add("camera " + f.camera());
        Map<String, SceneFacts.ObjectFact> byRef = new HashMap<>();
        for (SceneFacts.ObjectFact o : f.objects()) byRef.put(o.ref(), o);
        if (f.cameraTarget() != null) out.add("track " + name(byRef.get(f.cameraTarget()), f.cameraTarget()));
        for (String p : f.particles()) out.add("particle " + p);
        for (SceneFacts.ObjectFact o : f.objects()) {
            out.add("kind " + o.kind());
            out.add("count " + o.kind() + " " + Math.min(o.count(), 4));
            if (o.colour() != null) {
                out.add("colour " + o.colour());
                out.add("thing " + o.colour() + " " + o.kind());
            }
            if (o.size() != null) out.add("size " + o.size() + " " + o.kind());
            if (o.material() != null) out.add("material " + o.material() + " " + o.kind());
            for (String c : o.clothing()) out.add("wears " + c);
        }
        for (SceneFacts.MotionFact m : f.motions()) {
            SceneFacts.ObjectFact o = byRef.get(m.ref());
            String kind = o == null ? m.ref() : o.kind(), colour = o == null ? null : o.colour();
            out.add("motion " + m.motion());
            out.add("moves " + kind + " " + m.motion());
            if (colour != null) out.add("moves " + colour + " " + m.motion());
            if (m.direction() != null) {
                out.add("direction " + m.direction());
                out.add("heads " + m.motion() + " " + m.direction());
                out.add("heads " + kind + " " + m.direction());
                if (colour != null) out.add("heads " + colour + " " + m.direction());
            }
        }
        for (SceneFacts.RelationFact r : f.relations()) {
            String a = name(byRef.get(r.a()), r.a()), b = name(byRef.get(r.b()), r.b());
            out.add("relation " + r.relation());
            out.add("rel " + a + " " + r.relation() + " " + b);
            out.add("rel " + a + " " + r.relation());
            out.add("rel " + r.relation() + " " + b);
        }
        List<SceneFacts.EventFact> ev = f.events();
        for (SceneFacts.EventFact e : ev) {
            out.add("event " + e.event());
            out.add("event " + e.order() + " " + e.event());
            out.add("event " + e.event() + " " + name(byRef.get(e.subject()), e.subject()));
            if (e.agent() != null) out.add("event " + e.event() + " by " + name(byRef.get(e.agent()), e.agent()));
        }
        for (int i = 0; i + 1 < ev.size(); i++) out.add("then " + ev.get(i).event() + " " + ev.get(i + 1).event());
        return out;
    }

    /** A thing's colour where it has one, else its kind: what tells two things of a scene apart. */
    private static String name(SceneFacts.ObjectFact o, String ref) {
        if (o == null) return ref.replaceAll("#\\d+$", "");
        return o.colour() != null ? o.colour() : o.kind();
    }

    static int[] buckets(Set<String> features) {
        Set<Integer> b = new java.util.TreeSet<>();
        for (String s : features) b.add(bucket(s));
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    /** FNV-1a over the UTF-8 bytes, folded into {@link #BUCKETS}. */
    static int bucket(String feature) {
        int h = 0x811C9DC5;
        for (byte x : feature.getBytes(StandardCharsets.UTF_8)) {
            h ^= x & 0xFF;
            h *= 0x01000193;
        }
        return Math.floorMod(h, BUCKETS);
    }
}
