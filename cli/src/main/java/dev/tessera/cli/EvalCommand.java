package dev.tessera.cli;

import dev.tessera.eval.Calibration;
import dev.tessera.eval.HtmlReport;
import dev.tessera.eval.NullVideos;
import dev.tessera.eval.Report;
import dev.tessera.eval.SimBench;
import dev.tessera.eval.WorldPrompts;
import dev.tessera.media.Video;
import dev.tessera.model.Capabilities;
import dev.tessera.model.TesseraModel;
import dev.tessera.model.TextToVideo;
import dev.tessera.model.VideoShape;
import dev.tessera.model.sample.Sampler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera eval --prompts FILE (--truth | --generate [--model DIR] | --reconstruct [--model DIR] | --videos DIR)
 * --out DIR}: SimBench.
 * Writes report.json and report.html into --out; progress goes to stderr, and the last stdout line is the summary
 * JSON.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "SimBench: score videos against their prompts (presence, attributes, spatial, motion, physics, "
                + "permanence, cause->effect, event order, camera, consistency, motion amount, EN/ZH agreement).")
public final class EvalCommand implements Callable<Integer> {
    @Option(names = "--prompts", required = true, paramLabel = "FILE", description = "one prompt per line (English or Chinese); # comments") Path prompts;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where report.json and report.html go") Path out;

    static final class Source {
        @Option(names = "--truth", required = true, description = "score the world's own renders (the ceiling)") boolean truth;
        @Option(names = "--generate", required = true, description = "generate a video per prompt with the model") boolean generate;
        @Option(names = "--reconstruct", required = true, description = "score the world's own renders after the model's VAE "
                + "(encode, decode): what a perfect DiT on this VAE would score, at the size and rate --generate uses") boolean reconstruct;
        @Option(names = "--videos", required = true, paramLabel = "DIR", description = "score DIR/0001.mp4 for line 1, ...") Path videos;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    @Option(names = "--model", paramLabel = "DIR", description = "model folder for --generate/--reconstruct (default models/default)") Path model;
    @Option(names = "--size", description = "WxH for --truth/--generate/--reconstruct (default 96x96 for --truth, the model's first trained size otherwise)") String size;
    @Option(names = "--fps", description = "frames per second for --truth/--generate/--reconstruct (default 12 for --truth, the model's first trained rate otherwise)") Double fps;
    @Option(names = "--steps", defaultValue = "20", description = "sampling steps for --generate (default ${DEFAULT-VALUE})") int steps;
    @Option(names = "--guidance", description = "classifier-free guidance for --generate (default: the model's own, model.json \"guidance\")") Double guidanceOption;
    @Option(names = "--solver", paramLabel = "NAME", defaultValue = "euler", description = "solver for --generate: euler, heun or ancestral (default ${DEFAULT-VALUE})") String solver;
    @Option(names = "--guidance-mode", paramLabel = "MODE", description = "cfg or apg for --generate (default: the model's own, model.json \"guidanceMode\")") String guidanceMode;
    @Option(names = "--seconds", defaultValue = "4", description = "clip length for --truth/--generate/--reconstruct (default ${DEFAULT-VALUE})") double seconds;
    @Option(names = "--seed", defaultValue = "1", description = "render/generation seed (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--from-truth", paramLabel = "T", description = "with --generate: start each video from the world's render of its prompt, encoded and noised to t = T in (0, 1] (SDEdit; 1 is plain generation): how much of a true scene the DiT keeps from that noise level down") Double fromTruth;
    @Option(names = "--refiner", paramLabel = "DIR", description = "with --generate: a second model whose DiT gives the velocities at t <= --refine-below (a low-noise expert, train dit --time-range 0,T); same VAE and text encoder as --model") Path refiner;
    @Option(names = "--refine-below", paramLabel = "T", defaultValue = "0.5", description = "with --refiner: the time from which down the refiner's DiT takes over (default ${DEFAULT-VALUE})") double refineBelow;
    @Option(names = "--guidance-above", paramLabel = "T", description = "with --generate: guidance only on steps that start above t = T (a guidance interval; below it the conditional velocity alone); default 0, every step") Double guidanceAbove;
    @Option(names = "--guidance-below", paramLabel = "G", description = "with --guidance-above: the guidance scale on the steps at or below that time (a two-level schedule: --guidance early, G late); default 1, none") Double guidanceBelow;
    @Option(names = "--contrast", paramLabel = "H", description = "with --generate: contrastive guidance against each prompt's mirror image (left and right exchanged): H·(v_prompt − v_mirror) added to every step's velocity, a third DiT pass per step on prompts that name a side; default 0, off") Double contrast;
    @Option(names = "--finish-below", paramLabel = "T", description = "with --generate: drop the sampler's steps below t = T; the last step jumps from the lowest grid time at or above T to the clean latent (the DiT's prediction there); default 0, the whole grid") Double finishBelow;
    @Option(names = "--guidance-high", paramLabel = "G", description = "with --generate: frequency-decoupled guidance — the guidance difference's spatial detail finer than ~2 latent cells gets scale G, the rest the usual scale (docs/eval.md); default: one scale for all") Double guidanceHigh;
    @Option(names = "--guidance-band-time", description = "with --guidance-high: the band split also low-passes across latent frames, so frame-to-frame changes of the guidance difference count as high band") boolean guidanceBandTime;
    @Option(names = "--per-frame", description = "with --reconstruct: each frame through the VAE on its own (its image path, no time compression) — what the latent keeps of a single frame, to tell what the time compression loses") boolean perFrame;
    @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "for --truth/--generate/--reconstruct: score every prompt with seeds SEED .. SEED+N-1 and pool the results; the report lists each seed's overall score and their standard error (default ${DEFAULT-VALUE})") int seeds;

    @Option(names = "--no-null", description = "skip the prompt-blind noise videos scored beside every video (the chance level of each dimension, \"above_null\" in the report; about 0.3 s per video and family)") boolean noNull;

    @Override public Integer call() throws Exception {
        if (!Files.isRegularFile(prompts)) throw new ExitCodeException(2, "prompt file not found: " + prompts);
        List<String> lines;
        try {
            lines = Files.readAllLines(prompts, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ExitCodeException(2, "cannot read prompt file " + prompts + ": " + e.getMessage());
        }
        if (lines.stream().allMatch(l -> l.isBlank() || l.strip().startsWith("#")))
            throw new ExitCodeException(2, "prompt file has no prompts: " + prompts);
        if (fps != null && !(fps >= 1 && fps <= 120)) throw new ExitCodeException(2, "--fps must be between 1 and 120, got " + fps);
        if (!(seconds > 0 && seconds <= 60)) throw new ExitCodeException(2, "--seconds must be in (0, 60], got " + seconds);
        GenerateCommand.solver(solver); // an unknown name is an error even where nothing is generated
        if (seeds < 1 || seeds > 100) throw new ExitCodeException(2, "--seeds must be between 1 and 100, got " + seeds);
        if (perFrame && !source.reconstruct) throw new ExitCodeException(2, "--per-frame needs --reconstruct");
        if (guidanceAbove != null && !source.generate) throw new ExitCodeException(2, "--guidance-above needs --generate");
        if (guidanceAbove != null && !(guidanceAbove >= 0 && guidanceAbove < 1)) throw new ExitCodeException(2, "--guidance-above must be in [0, 1), got " + guidanceAbove);
        if (guidanceBelow != null && guidanceAbove == null) throw new ExitCodeException(2, "--guidance-below needs --guidance-above");
        if (guidanceBelow != null && !(guidanceBelow >= 0 && guidanceBelow <= 50)) throw new ExitCodeException(2, "--guidance-below must be in [0, 50], got " + guidanceBelow);
        if (contrast != null && !source.generate) throw new ExitCodeException(2, "--contrast needs --generate");
        if (contrast != null && !(contrast >= 0 && contrast <= 50)) throw new ExitCodeException(2, "--contrast must be in [0, 50], got " + contrast);
        if (guidanceHigh != null && !source.generate) throw new ExitCodeException(2, "--guidance-high needs --generate");
        if (guidanceHigh != null && !(guidanceHigh >= 0 && guidanceHigh <= 50)) throw new ExitCodeException(2, "--guidance-high must be in [0, 50], got " + guidanceHigh);
        if (guidanceBandTime && guidanceHigh == null) throw new ExitCodeException(2, "--guidance-band-time needs --guidance-high");
        if (finishBelow != null && !source.generate) throw new ExitCodeException(2, "--finish-below needs --generate");
        if (finishBelow != null && !(finishBelow >= 0 && finishBelow < 1)) throw new ExitCodeException(2, "--finish-below must be in [0, 1), got " + finishBelow);
        if (refiner != null && !source.generate) throw new ExitCodeException(2, "--refiner needs --generate");
        if (refiner != null && !(refineBelow > 0 && refineBelow < 1)) throw new ExitCodeException(2, "--refine-below must be in (0, 1), got " + refineBelow);
        if (fromTruth != null && !source.generate) throw new ExitCodeException(2, "--from-truth needs --generate");
        if (fromTruth != null && !(fromTruth > 0 && fromTruth <= 1)) throw new ExitCodeException(2, "--from-truth must be in (0, 1], got " + fromTruth);
        if (seeds > 1 && source.videos != null) throw new ExitCodeException(2, "--seeds needs --truth, --generate or --reconstruct (a --videos folder holds one video per line)");
        Report r;
        if (source.videos == null) {
            List<Long> used = new java.util.ArrayList<>();
            List<Report> runs = new java.util.ArrayList<>();
            java.util.function.LongFunction<SimBench.VideoSource> make = source.truth ? truthSource()
                    : source.reconstruct ? reconstructSource() : generateSource();
            for (int i = 0; i < seeds; i++) {
                long s = seed + i;
                if (seeds > 1) System.err.println("seed " + s + " (" + (i + 1) + " of " + seeds + ")");
                used.add(s);
                runs.add(SimBench.run(lines, new WorldPrompts(), seeds == 1 ? make.apply(s) : named(make.apply(s), s),
                        Calibration.load(), System.err::println, nullFamilies(), s));
            }
            r = seeds == 1 ? runs.getFirst() : Report.pooled(used, runs, Calibration.load());
        } else {
            Path dir = source.videos;
            if (!Files.isDirectory(dir)) throw new ExitCodeException(2, "--videos folder not found: " + dir);
            SimBench.VideoSource src = new SimBench.VideoSource() {
                @Override public Video video(int line, String prompt, dev.tessera.eval.Facts facts) throws IOException {
                    Path f = file(line);
                    if (!Files.isRegularFile(f)) throw new IOException("no video " + f.getFileName() + " for this line in " + dir);
                    return SimBench.read(f);
                }
                @Override public String describe(int line) { return file(line).toString(); }
                Path file(int line) { return dir.resolve(String.format("%04d.mp4", line)); }
            };
            r = SimBench.run(lines, new WorldPrompts(), src, Calibration.load(), System.err::println, nullFamilies(), seed);
        }
        Files.createDirectories(out);
        r.writeJson(out.resolve("report.json"));
        HtmlReport.write(r, out.resolve("report.html"));
        System.err.println("wrote " + out.resolve("report.json") + " and " + out.resolve("report.html"));
        System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(r.summary()));
        return 0;
    }

    List<NullVideos.Family> nullFamilies() { return noNull ? List.of() : NullVideos.ALL; }

    /** The source with "seed S" as each video's name in the report, so a pooled report tells its seeds apart. */
    static SimBench.VideoSource named(SimBench.VideoSource src, long s) {
        return new SimBench.VideoSource() {
            @Override public Video video(int line, String prompt, dev.tessera.eval.Facts facts) throws Exception {
                return src.video(line, prompt, facts);
            }
            @Override public String describe(int line) { return "seed " + s; }
        };
    }

    /** {@code --truth}: the world's own render of each prompt, per seed. */
    java.util.function.LongFunction<SimBench.VideoSource> truthSource() {
        int[] wh = parseSize(size == null ? "96x96" : size);
        double rate = fps == null ? 12 : fps;
        return s -> WorldPrompts.truthSource(wh[0], wh[1], rate, seconds, s);
    }

    /**
     * {@code --generate}: a video per prompt from the model (loaded once), at a size and rate it was trained for, per
     * seed.
     */
    java.util.function.LongFunction<SimBench.VideoSource> generateSource() {
        Path dir = modelDir();
        TesseraModel m = loadModel(dir);
        Capabilities.Size sz = modelSize(m);
        int rate = modelRate(m);
        TextToVideo t2v = new TextToVideo(m);
        if (refiner != null) {
            try {
                t2v = t2v.withRefiner(loadModel(refiner), refineBelow);
            } catch (IllegalArgumentException e) {
                throw new ExitCodeException(2, "--refiner " + refiner + ": " + e.getMessage());
            }
        }
        if (guidanceAbove != null) t2v = t2v.withGuidanceAbove(guidanceAbove, guidanceBelow == null ? 1.0 : guidanceBelow);
        if (finishBelow != null) t2v = t2v.withFinishBelow(finishBelow);
        if (contrast != null) t2v = t2v.withContrast(contrast);
        if (guidanceHigh != null) t2v = t2v.withGuidanceBands(new dev.tessera.model.sample.Sampler.Bands(guidanceHigh, guidanceBandTime));
        TextToVideo pipe = t2v;
        double guidance = guidanceOption != null ? guidanceOption : m.config.guidance();
        Sampler.Guidance mode = GenerateCommand.guidanceMode(guidanceMode, m);
        Sampler.Solver solve = GenerateCommand.solver(solver);
        System.err.println("generating with " + dir + " at " + sz.width() + "x" + sz.height() + ", " + rate + " fps, " + seconds + " s, "
                + steps + " " + solve.name().toLowerCase(java.util.Locale.ROOT) + " steps, guidance " + guidance + " (" + mode.name().toLowerCase(java.util.Locale.ROOT) + "), seed "
                + seed + (seeds > 1 ? " .. " + (seed + seeds - 1) : "")
                + (fromTruth != null ? ", from the world's renders noised to t = " + fromTruth : "")
                + (refiner != null ? ", the DiT of " + refiner + " at t <= " + refineBelow : "")
                + (guidanceAbove != null ? (guidanceBelow == null ? ", guidance only above t = " + guidanceAbove
                        : ", guidance " + guidanceBelow + " at and below t = " + guidanceAbove) : "")
                + (contrast != null ? ", contrast " + contrast + " against the mirrored prompt" : "")
                + (finishBelow != null ? ", finishing from the lowest step time >= " + finishBelow : "")
                + (guidanceHigh != null ? ", high-band guidance " + guidanceHigh + (guidanceBandTime ? " (space and time)" : " (space)") : ""));
        VideoShape shape;
        try {
            shape = m.config.capabilities().check(sz, rate, seconds).withTimeDown(m.config.vae().timeDown());
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(2, e.getMessage());
        }
        double rendered = shape.decodedFrames() / (double) rate, strength = fromTruth == null ? 1.0 : fromTruth;
        // plain generation is SDEdit from no start at strength 1 (Sampler.sampleFrom: the same bytes)
        return s -> (line, prompt, facts) -> pipe.generate(new TextToVideo.Request(prompt, sz, rate, seconds, steps, guidance, s,
                solve, mode), shape, fromTruth == null ? null : WorldPrompts.render(prompt, sz.width(), sz.height(), rate, rendered, s),
                strength, Sampler.Progress.NONE).video();
    }

    /**
     * {@code --reconstruct}: the world's render of each prompt (the frames the VAE encodes together, {@code 1 + 4k}),
     * through the model's VAE and back, cut to the frames {@code --generate} would give: the ceiling of any DiT on this
     * VAE, at the same size, rate and length. Only the VAE is used, so a {@code train vae} run's model folder will do.
     */
    java.util.function.LongFunction<SimBench.VideoSource> reconstructSource() {
        Path dir = modelDir();
        TesseraModel m = loadModel(dir);
        Capabilities.Size sz = modelSize(m);
        int rate = modelRate(m);
        // the VAE is convolutional: any length and any size in whole latent cells (the trained durations bound the DiT)
        double f = seconds * rate;
        long frames = Math.round(f);
        if (Math.abs(f - frames) > 1e-6)
            throw new ExitCodeException(2, "--seconds " + seconds + " at " + rate + " fps is not a whole number of frames");
        if (sz.width() % VideoShape.SPACE_DOWN != 0 || sz.height() % VideoShape.SPACE_DOWN != 0)
            throw new ExitCodeException(2, "--size must be a multiple of " + VideoShape.SPACE_DOWN + " per side for the VAE, got " + sz);
        VideoShape shape = new VideoShape((int) frames, sz.height(), sz.width(), m.config.vae().timeDown());
        double rendered = shape.decodedFrames() / (double) rate;
        System.err.println("reconstructing the world's renders through the VAE of " + dir + (perFrame ? ", frame by frame," : "")
                + " at " + sz.width() + "x" + sz.height() + ", " + rate + " fps, " + seconds + " s, seed " + seed
                + (seeds > 1 ? " .. " + (seed + seeds - 1) : ""));
        if (perFrame) return s -> (line, prompt, facts) -> {
            Video v = WorldPrompts.render(prompt, sz.width(), sz.height(), rate, shape.frames() / (double) rate, s);
            List<dev.tessera.media.Frame> out = new java.util.ArrayList<>();
            for (dev.tessera.media.Frame one : v.frames())
                out.add(m.reconstruct(new Video(v.width(), v.height(), v.fps(), List.of(one)), 1).frames().getFirst());
            return new Video(v.width(), v.height(), v.fps(), out);
        };
        return s -> (line, prompt, facts) ->
                m.reconstruct(WorldPrompts.render(prompt, sz.width(), sz.height(), rate, rendered, s), shape.frames());
    }

    Path modelDir() { return model != null ? model : GenerateCommand.defaultModel(); }

    static TesseraModel loadModel(Path dir) {
        try {
            return TesseraModel.load(dir);
        } catch (IOException | RuntimeException e) {
            throw new ExitCodeException(3, "cannot load model " + dir + ": " + e.getMessage());
        }
    }

    Capabilities.Size modelSize(TesseraModel m) {
        if (size == null) return m.config.capabilities().sizes().getFirst();
        int[] wh = parseSize(size);
        return new Capabilities.Size(wh[0], wh[1]);
    }

    int modelRate(TesseraModel m) { return fps == null ? m.config.capabilities().fps().getFirst() : (int) Math.round(fps); }

    static int[] parseSize(String s) {
        String[] p = s.toLowerCase().split("x");
        try {
            if (p.length != 2) throw new NumberFormatException();
            int w = Integer.parseInt(p[0].strip()), h = Integer.parseInt(p[1].strip());
            if (w < 16 || h < 16 || w > 1024 || h > 1024 || w % 2 != 0 || h % 2 != 0)
                throw new ExitCodeException(2, "--size must be even, between 16 and 1024 per side, got " + s);
            return new int[] {w, h};
        } catch (NumberFormatException e) {
            throw new ExitCodeException(2, "--size must look like 96x96, got \"" + s + "\"");
        }
    }
}
