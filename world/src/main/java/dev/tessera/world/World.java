package dev.tessera.world;

import dev.tessera.media.Frame;
import dev.tessera.media.FrameSink;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
import dev.tessera.world.render.Camera;
import dev.tessera.world.render.Renderer;
import dev.tessera.world.render.View;
import java.util.ArrayList;
import java.util.List;

/**
 * The world simulator's entry point: renders a scene program into a stream of frames and returns the exact ground
 * truth. Frames go to the sink one at a time, so a 60 s clip never sits in memory.
 *
 * <pre>{@code
 * SceneSpec spec = SceneParser.parse("a red ball rolls from left to right", 7);
 * Truth truth = World.render(spec, RenderOptions.of(128, 128, 12, 2, 7), sink);
 * }</pre>
 */
public final class World {
    private World() {}

    /** Fixed physics steps per simulated second. */
    public static final int PHYSICS_HZ = 240;

    public static Truth render(SceneSpec spec, RenderOptions o, FrameSink sink) {
        return render(spec, o, sink, null);
    }

    public static Truth render(SceneSpec spec, RenderOptions o, FrameSink sink, String prompt) {
        return render(spec, o, sink, prompt, true);
    }

    /** {@code cull = false} renders with the plain every-primitive-at-every-sample reference (benchmarks only). */
    public static Truth render(SceneSpec spec, RenderOptions o, FrameSink sink, String prompt, boolean cull) {
        return render(spec, o, sink, prompt, cull, true);
    }

    /** {@code adaptive = false} casts every anti-aliasing sample instead of only those on edges (benchmarks only). */
    public static Truth render(SceneSpec spec, RenderOptions o, FrameSink sink, String prompt, boolean cull, boolean adaptive) {
        SceneSpec s = spec.resolve(o.seed());
        // a clip must show every event its text states, to the end: refuse a length too short for them
        if (!Stage.eventsFit(s, o.seconds()))
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%s s is too short to show the scene's events (%s) to their end: it needs at least %s s",
                    fmt(o.seconds()), s.events().stream().map(e -> e.kind().id()).collect(java.util.stream.Collectors.joining(", ")), fmt(Stage.minSeconds(s))));
        Stage stage = new Stage(s, o.seed(), o.seconds(), o.width(), o.height());
        Renderer renderer = new Renderer(o.width(), o.height(), o.antialias(), Math.max(1, stage.actors.size()));
        renderer.cull = cull;
        renderer.adaptive = adaptive;
        Truth truth = header(s, o, stage, prompt);
        int n = o.frameCount();
        for (int f = 0; f < n; f++) {
            double t = f / o.fps();
            stage.advanceTo(t);
            View v = stage.view(t);
            Frame frame = renderer.render(v);
            truth.frames.add(frameTruth(f, t, v.camera, stage, renderer));
            sink.accept(frame);
        }
        for (Stage.EventRun e : stage.events) {
            Thing sub = s.thing(e.event.subject());
            truth.events.add(new Truth.EventLog("e" + e.order, e.order, e.event.kind().id(), "t" + sub.id(),
                    e.event.agent() < 0 ? null : "t" + e.event.agent(), e.start, e.end == null ? null : Truth.r3(e.end), e.event.kind().before(), e.event.kind().after(), List.copyOf(e.changes)));
        }
        return truth;
    }

    private static String fmt(double v) { return new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString(); }

    /** Shortest clip, in seconds (a multiple of 0.1), long enough to show every event of the scene to its end. */
    public static double minSeconds(SceneSpec spec) { return Stage.minSeconds(spec); }

    private static Truth header(SceneSpec s, RenderOptions o, Stage stage, String prompt) {
        Truth t = new Truth();
        t.seed = o.seed(); t.prompt = prompt; t.width = o.width(); t.height = o.height(); t.fps = o.fps(); t.seconds = o.seconds();
        t.frameCount = o.frameCount(); t.setting = s.setting().id(); t.time = s.time().id(); t.cameraMove = s.camera().id();
        t.facts = s.facts();
        for (Stage.Actor a : stage.actors) {
            Thing th = a.thing;
            List<String> clothes = new ArrayList<>();
            for (Worn w : th.clothing())
                clothes.add((w.colour() == null ? "" : w.colour().id() + " ") + (w.material() == null ? "" : w.material().id() + " ") + w.item().id());
            t.objects.add(new Truth.ObjectInfo(a.id, th.id(), a.instance, th.kind().id(), th.kind().category.name().toLowerCase(),
                    th.colour() == null ? null : th.colour().id(), th.size() == null ? null : th.size().id(), th.material() == null ? null : th.material().id(),
                    th.motions().stream().map(Vocab.Term::id).toList(), th.direction() == null ? null : th.direction().id(), clothes));
        }
        return t;
    }

    private static Truth.FrameInfo frameTruth(int f, double t, Camera c, Stage stage, Renderer r) {
        Truth.CameraInfo cam = new Truth.CameraInfo(Truth.r3(c.fx()), Truth.r3(c.fy()), c.cx(), c.cy(), Truth.r3(Math.toDegrees(c.fovY())),
                new double[] {Truth.r3(c.x()), Truth.r3(c.y()), Truth.r3(c.z())}, Truth.r3(Math.toDegrees(c.yaw())), Truth.r3(Math.toDegrees(c.pitch())),
                round(c.rotationCv(), 1e6), round(c.translationCv(), 1e4));
        List<Truth.ObjectState> objs = new ArrayList<>();
        for (Stage.Actor a : stage.actors) {
            double[] p = a.centre(t), v = a.velocity(t), uv = c.project(p[0], p[1], p[2]);
            int k = a.truthIndex;
            double px = r.pixels[k];
            int[] box = px > 0 ? new int[] {r.bbox[4 * k], r.bbox[4 * k + 1], r.bbox[4 * k + 2] + 1, r.bbox[4 * k + 3] + 1} : null;
            boolean inFrame = uv[2] > 0 && uv[0] >= 0 && uv[0] < c.width() && uv[1] >= 0 && uv[1] < c.height();
            objs.add(new Truth.ObjectState(a.id, round(p, 1e4), round(v, 1e4), uv[2] > 0 ? new double[] {Truth.r3(uv[0]), Truth.r3(uv[1])} : null,
                    box, Math.round(px * 100) / 100.0, Math.round(r.unoccluded[k] * 100) / 100.0,
                    r.unoccluded[k] > 0 ? Math.round(Math.min(1, px / r.unoccluded[k]) * 1000) / 1000.0 : 0, px > 0, inFrame, a.state));
        }
        return new Truth.FrameInfo(f, Truth.r3(t), cam, objs);
    }

    private static double[] round(double[] v, double k) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = Math.round(v[i] * k) / k;
        return o;
    }
}
