package dev.tessera.cli.bench;

import dev.tessera.media.Frame;
import dev.tessera.media.FrameSink;
import dev.tessera.world.Dataset;
import dev.tessera.world.RenderOptions;
import dev.tessera.world.SceneSampler;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.Split;
import dev.tessera.world.World;
import dev.tessera.world.physics.Body;
import dev.tessera.world.physics.Physics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera bench world [--json]}: renderer frames/s at 128² and 256² (one thread and all cores) over a fixed
 * set of sampled scenes (2x2 anti-aliasing, the default), physics steps/s on a 30-body scene, dataset samples/s,
 * and the plain every-primitive-at-every-sample renderer as the in-run reference. Medians of 3 runs.
 */
@Command(name = "world", mixinStandardHelpOptions = true, description = "World simulator benchmark: render fps, physics steps/s, dataset samples/s.")
public final class WorldBench implements Callable<Integer> {
    @Option(names = "--json", description = "end with one JSON line") boolean json;
    @Option(names = "--scenes", defaultValue = "12", description = "sampled scenes per measurement") int scenes;
    @Option(names = "--frames", defaultValue = "16", description = "frames per scene") int frames;

    static final class Counter implements FrameSink {
        long n;
        @Override public void accept(Frame f) { n++; }
        @Override public void close() {}
    }

    /** Renders scenes [from, from+count) at size; returns frames rendered. */
    long render(int size, long from, int count, boolean cull) { return render(size, from, count, cull, true); }

    long render(int size, long from, int count, boolean cull, boolean adaptive) {
        Counter c = new Counter();
        for (long s = from; s < from + count; s++) {
            SceneSpec spec = SceneSampler.sample(s);
            // scenes whose events cannot finish in the clip are refused by the renderer (the dataset redraws them)
            if (World.minSeconds(spec) > frames / 8.0) continue;
            World.render(spec, new RenderOptions(size, size, 8, frames / 8.0, s, 2), c, null, cull, adaptive);
        }
        return c.n;
    }

    double fps1(int size, boolean cull) { return fps1(size, cull, true); }

    double fps1(int size, boolean cull, boolean adaptive) {
        long t0 = System.nanoTime();
        long n = render(size, 1000, scenes, cull, adaptive);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    double fpsAll(int size, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long t0 = System.nanoTime();
            List<Future<Long>> fs = new ArrayList<>();
            // the same scenes as the one-thread run, split across the threads
            int per = (scenes + threads - 1) / threads;
            for (int k = 0; k < threads; k++) {
                long from = 1000 + (long) k * per;
                int n = (int) Math.min(per, 1000L + scenes - from);
                if (n > 0) fs.add(pool.submit(() -> render(size, from, n, true)));
            }
            long n = 0;
            for (Future<Long> f : fs) n += f.get();
            return n / ((System.nanoTime() - t0) / 1e9);
        } finally { pool.shutdown(); }
    }

    static double physics() {
        Physics p = new Physics(1.0 / World.PHYSICS_HZ);
        for (int i = 0; i < 5; i++) p.add(Body.box(0.22, 0.18, 0.22, 0.5).at(2, 0.18 + 0.36 * i, 0));
        for (int i = 0; i < 12; i++) p.add(Body.box(0.05, 0.3, 0.15, 0.2).at(-3 + i * 0.35, 0.3, 1));
        for (int i = 0; i < 13; i++) p.add(Body.sphere(0.2, 1).at(-2 + (i % 5) * 0.9, 1 + i * 0.5, -1 + (i / 5) * 0.8).velocity(0.5, 0, 0));
        p.bodies.get(5).spin(0, 0, -1.5).velocity(0.45, 0.075, 0);
        p.bodies.get(25).velocity(3, 0, 0);
        int steps = 240 * 8;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) p.step();
        return steps / ((System.nanoTime() - t0) / 1e9);
    }

    double dataset() {
        Dataset ds = new Dataset(Dataset.Config.DEFAULT);
        long t0 = System.nanoTime();
        int n = scenes * 2;
        for (int i = 0; i < n; i++) ds.sample(i, Split.TRAIN);
        return n / ((System.nanoTime() - t0) / 1e9);
    }

    static double median(double[] v) { return Stats.median(v); }

    interface M { double run() throws Exception; }

    static double med(M m) throws Exception {
        double[] r = new double[3];
        for (int i = 0; i < 3; i++) r[i] = m.run();
        return median(r);
    }

    @Override public Integer call() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println("bench world: " + scenes + " sampled scenes x " + frames + " frames per run, 2x2 AA, medians of 3, " + cores + " cores");
        render(64, 0, 6, true); // warm up the JIT
        double f128 = med(() -> fps1(128, true));
        System.out.printf(Locale.ROOT, "render 128² 1 thread: %.1f frames/s%n", f128);
        double f128naive = med(() -> fps1(128, false));
        System.out.printf(Locale.ROOT, "render 128² 1 thread, plain reference (no screen-rect culling): %.1f frames/s -> culling is %.1fx%n", f128naive, f128 / f128naive);
        double f128full = med(() -> fps1(128, true, false));
        System.out.printf(Locale.ROOT, "render 128² 1 thread, every AA sample cast (adaptive AA off): %.1f frames/s -> adaptive AA is %.2fx%n", f128full, f128 / f128full);
        double f128all = med(() -> fpsAll(128, cores));
        System.out.printf(Locale.ROOT, "render 128² %d threads: %.1f frames/s (%.2fx one thread)%n", cores, f128all, f128all / f128);
        double f256 = med(() -> fps1(256, true));
        System.out.printf(Locale.ROOT, "render 256² 1 thread: %.1f frames/s%n", f256);
        double f64 = med(() -> fps1(64, true));
        System.out.printf(Locale.ROOT, "render 64² 1 thread: %.1f frames/s%n", f64);
        double phys = med(WorldBench::physics);
        System.out.printf(Locale.ROOT, "physics: %.0f steps/s (30 bodies, %d Hz: %.0fx real time)%n", phys, World.PHYSICS_HZ, phys / World.PHYSICS_HZ);
        double ds = med(this::dataset);
        System.out.printf(Locale.ROOT, "dataset 64x64x16 samples, 1 thread: %.1f samples/s (render + truth + captions)%n", ds);
        if (json)
            System.out.printf(Locale.ROOT, "{\"render_fps_128_1t\": %.1f, \"render_fps_128_all\": %.1f, \"render_fps_256_1t\": %.1f, \"render_fps_64_1t\": %.1f, "
                    + "\"render_fps_128_1t_reference_no_cull\": %.1f, \"cull_speedup\": %.2f, \"render_fps_128_1t_full_aa\": %.1f, \"adaptive_aa_speedup\": %.2f, "
                    + "\"physics_steps_per_s\": %.0f, \"dataset_samples_per_s_64_1t\": %.1f, \"cores\": %d}%n",
                    f128, f128all, f256, f64, f128naive, f128 / f128naive, f128full, f128 / f128full, phys, ds, cores);
        return 0;
    }
}
