package dev.tessera.cli;

import dev.tessera.media.FrameSink;
import dev.tessera.media.GifWriter;
import dev.tessera.media.Mp4Writer;
import dev.tessera.media.PngFrames;
import dev.tessera.world.Captioner;
import dev.tessera.world.Dataset;
import dev.tessera.world.HeldOut;
import dev.tessera.world.Lang;
import dev.tessera.world.RenderOptions;
import dev.tessera.world.SceneParser;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.Shards;
import dev.tessera.world.Split;
import dev.tessera.world.Truth;
import dev.tessera.world.World;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./tessera world "PROMPT" --out FILE.mp4 [--truth FILE.json]} renders the scene a prompt describes;
 * {@code ./tessera world --sample N --out DIR} writes dataset shards using all cores. Output is the simulator's
 * own rendering (training data / ground truth), so it carries no "generated" label.
 */
@Command(name = "world", mixinStandardHelpOptions = true, description = "Render a prompt with the world simulator, or write dataset shards (--sample N).")
public final class WorldCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "scene description, English or Chinese") String prompt;
    @Option(names = "--out", required = true, description = "FILE.mp4 | FILE.gif | DIR (PNG frames); with --sample: shard directory") Path out;
    @Option(names = "--truth", description = "write the ground-truth JSON here") Path truth;
    @Option(names = "--seconds", defaultValue = "4") double seconds;
    @Option(names = "--size", description = "WxH (default 256x256; 64x64 with --sample)") String size;
    @Option(names = "--fps", description = "frames per second (default 24; 8 with --sample)") Double fps;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--antialias", defaultValue = "2", description = "samples per pixel = N*N (1..4)") int antialias;
    @Option(names = "--sample", description = "write N dataset samples as shards into --out") Integer sample;
    @Option(names = "--split", defaultValue = "train", description = "train | validation | test | heldout") String split;
    @Option(names = "--first", defaultValue = "0", description = "index of the first sample in the split") long first;
    @Option(names = "--frames", description = "frames per sample (default 16; --sample only)") Integer frames;
    @Option(names = "--per-shard", defaultValue = "256") int perShard;
    @Option(names = "--threads", description = "worker threads (default: all cores)") Integer threads;
    @Option(names = "--held-out", split = ",", description = "colour:kind:motion:camera combinations kept out of training ('*' = any); default: the built-in list")
    List<String> heldOut;

    @Override public Integer call() throws Exception {
        if (sample != null) return shards();
        if (prompt == null || prompt.isBlank()) throw new ExitCodeException(2, "world needs a PROMPT (or --sample N)");
        int[] wh = size(size == null ? "256x256" : size);
        double fps = this.fps == null ? 24 : this.fps;
        SceneSpec spec = SceneParser.parse(prompt, seed);
        RenderOptions o = new RenderOptions(wh[0], wh[1], fps, seconds, seed, antialias);
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".mp4") && (wh[0] % 2 != 0 || wh[1] % 2 != 0))
            throw new ExitCodeException(2, "MP4 (H.264 yuv420p) needs an even width and height, got " + wh[0] + "x" + wh[1]);
        long t0 = System.nanoTime();
        Truth t;
        FrameSink sink = open(out, wh[0], wh[1], fps);
        try {
            t = World.render(spec, o, sink, prompt);
        } catch (RuntimeException | Error e) {
            abort(sink); // nothing half-written
            throw e;
        }
        sink.close();
        if (truth != null) t.write(truth);
        double el = (System.nanoTime() - t0) / 1e9;
        String caption = Captioner.caption(spec.resolve(seed), Lang.EN, new Random(seed), Captioner.Length.SHORT);
        System.out.printf(Locale.ROOT, "world: wrote %s (%dx%d, %d frames, %.1f s) in %.1f s%s; scene: %s%n", out, wh[0], wh[1], t.frameCount, seconds, el,
                truth != null ? " and " + truth : "", caption);
        return 0;
    }

    private static FrameSink open(Path out, int w, int h, double fps) throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        if (name.endsWith(".mp4")) return Mp4Writer.open(out, w, h, fps);
        if (name.endsWith(".gif")) return GifWriter.open(out, w, h, fps);
        if (!name.contains(".")) return PngFrames.open(out);
        throw new ExitCodeException(2, "--out must end in .mp4 or .gif, or name a directory for PNG frames: " + out);
    }

    private static void abort(FrameSink sink) {
        switch (sink) {
            case Mp4Writer m -> m.abort();
            case GifWriter g -> g.abort();
            case PngFrames.Sink p -> p.abort();
            default -> sink.close();
        }
    }

    static int[] size(String s) {
        String[] p = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int w = Integer.parseInt(p[0].trim()), h = Integer.parseInt(p[1].trim());
            if (w < 8 || h < 8 || w > 4096 || h > 4096) throw new ExitCodeException(2, "--size must be between 8x8 and 4096x4096, got " + s);
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new ExitCodeException(2, "--size must be WxH (e.g. 256x256), got \"" + s + "\"");
        }
    }

    private Integer shards() throws Exception {
        if (prompt != null) throw new ExitCodeException(2, "--sample writes random scenes; do not give a PROMPT with it");
        if (sample < 1) throw new ExitCodeException(2, "--sample must be at least 1, got " + sample);
        if (perShard < 1) throw new ExitCodeException(2, "--per-shard must be at least 1");
        if (Files.exists(out) && !Files.isDirectory(out)) throw new ExitCodeException(2, "--out must be a directory for shards: " + out);
        Split sp;
        try { sp = Split.valueOf(split.toUpperCase(Locale.ROOT)); }
        catch (IllegalArgumentException e) { throw new ExitCodeException(2, "--split must be train, validation, test or heldout, got \"" + split + "\""); }
        int[] wh = size(size == null ? "64x64" : size);
        double f = fps == null ? 8 : fps;
        int n = frames != null ? frames : 16;
        List<HeldOut> held = new ArrayList<>();
        if (heldOut == null) held.addAll(HeldOut.DEFAULTS);
        else for (String h : heldOut) if (!h.isBlank() && !h.equalsIgnoreCase("none")) held.add(HeldOut.parse(h));
        Dataset ds = new Dataset(new Dataset.Config(wh[0], wh[1], f, n, antialias, held));
        int th = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        long t0 = System.nanoTime();
        Shards.write(out, ds, sp, first, sample, perShard, th, System.err::println);
        double el = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "world: wrote %d %s samples (%dx%d, %d frames at %.0f fps) to %s in %.1f s (%.1f samples/s, %d threads)%n",
                sample, sp.name().toLowerCase(Locale.ROOT), wh[0], wh[1], n, f, out, el, sample / el, th);
        return 0;
    }
}
