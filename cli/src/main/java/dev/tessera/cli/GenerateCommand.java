package dev.tessera.cli;

import dev.tessera.media.provenance.GenerationRecord;
import dev.tessera.media.provenance.Provenance;
import dev.tessera.media.provenance.SigningIdentity;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.TextToVideo;
import dev.tessera.model.sample.Sampler;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./tessera generate "PROMPT"}: text → video with the model in {@code --model DIR} (default
 * {@code models/default/}), written as an MP4 with Tessera's provenance (visible label, invisible watermark, signed
 * C2PA manifest). Prints where the file went and the time of each stage; a progress bar with ETA goes to stderr.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate a video from a text prompt (English or Chinese).")
public final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROMPT", description = "what the video shows, e.g. \"a red ball bounces from left to right\"")
    String prompt;

    @Option(names = "--seconds", paramLabel = "S", description = "duration in seconds (default: 4, or the model's longest if shorter)")
    Double secondsOption;

    @Option(names = "--size", paramLabel = "WxH", description = "frame size (default: the model's first native size; 128x128 for models/default)")
    String size;

    @Option(names = "--fps", paramLabel = "N", description = "frames per second (default: the model's first frame rate; 8 for models/default)")
    Integer fpsOption;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "noise seed: same seed, same video (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "20", description = "sampling steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", paramLabel = "G", description = "classifier-free guidance scale; 1 = none (default: the model's own, "
            + "model.json \"guidance\"; 4 where a model names none)")
    Double guidanceOption;

    @Option(names = "--solver", paramLabel = "NAME", defaultValue = "euler", description = "solver: euler, heun, or ancestral (stochastic: adds fresh noise each step) (default: ${DEFAULT-VALUE})")
    String solver;

    @Option(names = "--guidance-mode", paramLabel = "MODE", description = "cfg (classifier-free guidance) or apg (adaptive "
            + "projected guidance: no saturation at large scales) (default: the model's own, model.json \"guidanceMode\"; cfg where a model names none)")
    String guidanceMode;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: models/default)")
    Path model;

    @Option(names = "--out", paramLabel = "FILE.mp4", defaultValue = "tessera.mp4", description = "output file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--identity", paramLabel = "DIR", description = "C2PA signing identity folder (default: $TESSERA_HOME/c2pa or ~/.tessera/c2pa, created on first use)")
    Path identity;

    @Option(names = "--no-label", description = "leave out the visible \"generated\" label (the watermark and C2PA manifest stay)")
    boolean noLabel;

    @Override public Integer call() throws IOException {
        if (prompt == null || prompt.isBlank()) throw new ExitCodeException(2, "the prompt is empty");
        Capabilities.Size asked = size == null ? null : parseSize(size);
        Sampler.Solver solve = solver(solver);
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".mp4"))
            throw new ExitCodeException(2, "--out must name an .mp4 file, got " + out);
        if (Files.isDirectory(out)) throw new ExitCodeException(2, "--out " + out + " is a folder; give a file name ending in .mp4");

        Path dir = model != null ? model : defaultModel();
        PrintWriter o = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        TesseraModel m;
        try {
            m = TesseraModel.load(dir);
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(3, e.getMessage());
        }
        long loadMs = (System.nanoTime() - t0) / 1_000_000;
        // unset size, rate and length default to what the model was trained for, so any model folder works bare
        Capabilities caps = m.config.capabilities();
        Capabilities.Size wh = asked != null ? asked : caps.sizes().get(0);
        int fps = fpsOption != null ? fpsOption : caps.fps().get(0);
        double seconds = secondsOption != null ? secondsOption : Math.max(caps.minSeconds(), Math.min(4.0, caps.maxSeconds()));
        TextToVideo.Request req;
        double guidance = guidanceOption != null ? guidanceOption : m.config.guidance();
        try {
            req = new TextToVideo.Request(prompt, wh, fps, seconds, steps, guidance, seed, solve, guidanceMode(guidanceMode, m));
            m.config.capabilities().check(wh, fps, seconds);
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(2, e.getMessage());
        }

        ProgressBar bar = new ProgressBar("sampling", spec.commandLine().getErr());
        TextToVideo.Result r = new TextToVideo(m).generate(req, bar::update);
        bar.finish();

        long w0 = System.nanoTime();
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("size", wh.toString());
        settings.put("fps", fps);
        settings.put("seconds", seconds);
        settings.put("steps", steps);
        settings.put("guidance", guidance);
        settings.put("solver", solve.name().toLowerCase(Locale.ROOT));
        settings.put("guidance_mode", req.mode().name().toLowerCase(Locale.ROOT));
        GenerationRecord record = new GenerationRecord(prompt, seed, modelId(dir, m), settings);
        Provenance.PublishOptions opts = Provenance.PublishOptions.defaults();
        if (prompt.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN))
            opts = opts.withLabelLanguage("zh");
        if (noLabel) opts = opts.withoutLabel();
        if (identity != null) opts = opts.withIdentity(SigningIdentity.loadOrCreate(identity));
        if (out.toAbsolutePath().getParent() != null) Files.createDirectories(out.toAbsolutePath().getParent());
        Provenance.Published pub = Provenance.publish(r.video(), record, out, opts);
        long writeMs = (System.nanoTime() - w0) / 1_000_000;

        TextToVideo.Timings t = r.timings();
        o.printf(Locale.ROOT, "wrote %s (%dx%d, %d frames at %d fps, %.2f s, %,d bytes)%n", pub.file(), r.video().width(),
                r.video().height(), r.video().frameCount(), fps, r.video().seconds(), pub.bytes());
        o.printf(Locale.ROOT, "stages: load model %.2f s | encode text %.2f s | sample %.2f s (%d steps) | decode %.2f s | write %.2f s | total %.2f s%n",
                loadMs / 1e3, t.textMs() / 1e3, t.sampleMs() / 1e3, steps, t.decodeMs() / 1e3, writeMs / 1e3,
                (System.nanoTime() - t0) / 1e9);
        o.flush();
        return 0;
    }

    /** {@code --guidance-mode} (cfg or apg, any case), or the model's own when none is given. */
    static Sampler.Guidance guidanceMode(String option, TesseraModel m) {
        if (option == null) return m.config.guidanceMode();
        return switch (option.toLowerCase(Locale.ROOT)) {
            case "cfg" -> Sampler.Guidance.CFG;
            case "apg" -> Sampler.Guidance.APG;
            default -> throw new ExitCodeException(2, "unknown --guidance-mode '" + option + "'; allowed: cfg, apg");
        };
    }

    /** The --solver name as a solver, or a one-line error naming the allowed ones. */
    static Sampler.Solver solver(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "euler" -> Sampler.Solver.EULER;
            case "heun" -> Sampler.Solver.HEUN;
            case "ancestral" -> Sampler.Solver.ANCESTRAL;
            default -> throw new ExitCodeException(2, "unknown solver '" + name + "'; allowed: euler, heun, ancestral");
        };
    }

    static Capabilities.Size parseSize(String s) {
        try {
            return Capabilities.Size.parse(s);
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(2, e.getMessage());
        }
    }

    /**
     * {@code models/default} under the working directory, else beside the CLI jar's repository (the launcher runs the
     * jar from cli/target), else a clear error saying how to get a model.
     */
    static Path defaultModel() {
        Path here = Path.of("models", "default");
        if (Files.isDirectory(here)) return here;
        try {
            Path jar = Path.of(GenerateCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repo = jar.getParent() == null ? null : jar.getParent().getParent() == null ? null : jar.getParent().getParent().getParent();
            if (repo != null && Files.isDirectory(repo.resolve("models/default"))) return repo.resolve("models/default");
        } catch (Exception ignored) {
            // no code source (unusual class loader): fall through to the message below
        }
        throw new ExitCodeException(3, "no model is installed (models/default/ not found); train one with "
                + "'./tessera train vae', 'train dit' ... --out models/default, or pass --model DIR");
    }

    /** Folder name plus the first 12 hex digits of SHA-256 over the DiT weights: identifies the exact model. */
    static String modelId(Path dir, TesseraModel m) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve("dit.safetensors"))) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            byte[] h = md.digest();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < 6; i++) sb.append(String.format("%02x", h[i]));
            Path name = dir.toAbsolutePath().normalize().getFileName();
            return "tessera-" + m.config.preset() + "/" + (name == null ? "model" : name) + "@" + sb;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One-line progress bar with ETA, redrawn in place on stderr. */
    static final class ProgressBar {
        private final String label;
        private final PrintWriter err;
        private final long start = System.nanoTime();
        private boolean drawn;

        ProgressBar(String label, PrintWriter err) {
            this.label = label;
            this.err = err;
        }

        void update(int done, int total) {
            double el = (System.nanoTime() - start) / 1e9;
            double eta = done == 0 ? 0 : el / done * (total - done);
            int width = 30, fill = total == 0 ? width : done * width / total;
            err.printf(Locale.ROOT, "\r%s [%s%s] %d/%d steps  %.1f s elapsed, ETA %.1f s   ", label, "#".repeat(fill),
                    ".".repeat(width - fill), done, total, el, eta);
            err.flush();
            drawn = true;
        }

        void finish() {
            if (drawn) {
                err.println();
                err.flush();
            }
        }
    }
}
