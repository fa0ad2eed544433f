package dev.tessera.eval;

import dev.tessera.eval.Report.PromptResult;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * SimBench: scores videos against their prompts' facts from pixels. {@link #judge} is the whole judgement of one
 * video; {@link #run} judges a prompt list (each line's video from a {@link VideoSource}), adds the
 * English/Chinese agreement between lines that state the same facts, and builds the {@link Report}.
 */
public final class SimBench {
    /** How prompts become facts and splits: the world's parser and held-out list. */
    public interface Prompts {
        /** The prompt's facts; throws IllegalArgumentException with one line naming the problem. */
        Facts facts(String prompt);
        /** "held_out" when the prompt uses a combination the world keeps out of training, else "seen". */
        String split(String prompt);
    }

    /** Where line i's video comes from (rendered, generated or read); throws with one clear line on failure. */
    public interface VideoSource {
        Video video(int line, String prompt, Facts facts) throws Exception;
        /** A name for the report (file path), or null. */
        default String describe(int line) { return null; }
    }

    private SimBench() {}

    /** Every check of one video against one prompt's facts, except language agreement. */
    public static List<Check> judge(Facts facts, Video video) {
        checkVideo(video);
        video = prepare(video);
        Observation o = new Observation(video, Checks.maskColours(facts), Checks.anchorColours(facts));
        return Checks.all(facts, o);
    }

    /** Longest side and frame rate SimBench works at; larger inputs are box-filtered down and frame-subsampled. */
    public static final int MAX_SIDE = 192;
    public static final double MAX_FPS = 15;

    /**
     * The video at SimBench's working resolution: the detectors' thresholds are fractions of the frame and of the clip,
     * tuned at 64-192 px and 8-15 fps, and a long HD clip would not fit in memory as per-pixel label planes.
     */
    public static Video prepare(Video v) {
        int k = shrinkFactor(v.width(), v.height()), step = frameStep(v.fps());
        if (k <= 1 && step <= 1) return v;
        java.util.List<dev.tessera.media.Frame> out = new java.util.ArrayList<>();
        for (int t = 0; t < v.frameCount(); t += step) out.add(shrink(v.frames().get(t), k));
        return new Video(out.getFirst().width(), out.getFirst().height(), v.fps() / step, out);
    }

    static int shrinkFactor(int w, int h) { return Math.max(1, (int) Math.ceil(Math.max(w, h) / (double) MAX_SIDE)); }

    static int frameStep(double fps) { return Math.max(1, (int) Math.ceil(fps / MAX_FPS - 1e-9)); }

    /** Box filter by an integer factor (the frame's right/bottom remainder is dropped). */
    static dev.tessera.media.Frame shrink(dev.tessera.media.Frame f, int k) {
        if (k == 1) return f;
        int w = f.width() / k, h = f.height() / k;
        int[] p = new int[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                int r = 0, g = 0, b = 0;
                for (int dy = 0; dy < k; dy++)
                    for (int dx = 0; dx < k; dx++) {
                        int c = f.rgb()[(y * k + dy) * f.width() + x * k + dx];
                        r += c >> 16 & 255; g += c >> 8 & 255; b += c & 255;
                    }
                int n = k * k;
                p[y * w + x] = (r / n) << 16 | (g / n) << 8 | (b / n);
            }
        return new dev.tessera.media.Frame(w, h, p);
    }

    /**
     * Reads a video file straight to SimBench's working size, frame by frame, so a long HD file never sits in memory
     * at full size. At most 60 s are read.
     */
    public static Video read(java.nio.file.Path file) throws java.io.IOException {
        try (dev.tessera.media.Mp4Reader r = dev.tessera.media.Mp4Reader.open(file)) {
            dev.tessera.media.Mp4Reader.Info info = r.info();
            double fps = info.fps() > 0 ? info.fps() : 12;
            int k = shrinkFactor(info.width(), info.height()), step = frameStep(fps);
            int max = (int) Math.ceil(60 * fps);
            java.util.List<dev.tessera.media.Frame> out = new java.util.ArrayList<>();
            dev.tessera.media.Frame f;
            for (int t = 0; t < max && (f = r.next()) != null; t++) if (t % step == 0) out.add(shrink(f, k));
            if (out.isEmpty()) throw new java.io.IOException("no frames in " + file.getFileName());
            return new Video(out.getFirst().width(), out.getFirst().height(), fps / step, out);
        }
    }

    static void checkVideo(Video v) {
        if (v.frameCount() < 4) throw new IllegalArgumentException("video has " + v.frameCount() + " frame(s); SimBench needs at least 4");
    }

    static String lang(String prompt) {
        for (int i = 0; i < prompt.length(); i++) {
            Character.UnicodeScript s = Character.UnicodeScript.of(prompt.codePointAt(i));
            if (s == Character.UnicodeScript.HAN) return "zh";
        }
        return "en";
    }

    /** Judges every line; {@code progress} receives one line per prompt (with an ETA). No null videos. */
    public static Report run(List<String> lines, Prompts prompts, VideoSource source, Calibration cal, Consumer<String> progress) {
        return run(lines, prompts, source, cal, progress, List.of(), 0);
    }

    /**
     * Judges every line and, beside each video that could be judged, one prompt-blind video per null family in the
     * same format ({@link NullVideos}, seeded by {@code nullSeed} and the line), so the report carries the chance
     * level of every dimension measured on the same prompts ({@link Report#nullFloor}).
     */
    public static Report run(List<String> lines, Prompts prompts, VideoSource source, Calibration cal, Consumer<String> progress,
                             List<NullVideos.Family> nulls, long nullSeed) {
        List<PromptResult> results = new ArrayList<>();
        Map<NullVideos.Family, List<PromptResult>> nullResults = new EnumMap<>(NullVideos.Family.class);
        for (NullVideos.Family f : nulls) nullResults.put(f, new ArrayList<>());
        long start = System.nanoTime();
        int done = 0, total = 0;
        for (String l : lines) if (!l.isBlank() && !l.strip().startsWith("#")) total++;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int no = i + 1;
            if (line.isEmpty() || line.startsWith("#")) continue;
            String lang = lang(line);
            Facts facts;
            String split;
            try {
                facts = prompts.facts(line);
                split = prompts.split(line);
            } catch (IllegalArgumentException e) {
                results.add(new PromptResult(no, line, lang, null, null, null, "line " + no + ": " + e.getMessage(), null, List.of(), List.of()));
                done++;
                continue;
            }
            String err = null, hash = null;
            List<Check> checks = List.of();
            List<String> keys = List.of();
            Video judged = null;
            try {
                Video v = source.video(no, line, facts);
                checkVideo(v);
                hash = framesHash(v);
                v = prepare(v);
                Observation o = new Observation(v, Checks.maskColours(facts), Checks.anchorColours(facts));
                checks = Checks.all(facts, o);
                keys = Keyframes.draw(o, facts);
                judged = v;
            } catch (Exception e) {
                err = "line " + no + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
            // outside the catch: the null videos are ours, so a failure there is a bug to see, not a line to skip
            if (judged != null)
                for (NullVideos.Family f : nulls) {
                    Video n = NullVideos.make(f, judged.width(), judged.height(), judged.fps(), judged.frameCount(), nullSeed * 1_000_003L + no);
                    Observation on = new Observation(n, Checks.maskColours(facts), Checks.anchorColours(facts));
                    nullResults.get(f).add(new PromptResult(no, line, lang, split, f.id(), null, null, facts, Checks.all(facts, on), List.of()));
                }
            results.add(new PromptResult(no, line, lang, split, source.describe(no), hash, err, facts, checks, keys));
            done++;
            if (progress != null) {
                double el = (System.nanoTime() - start) / 1e9, eta = el / done * (total - done);
                progress.accept(String.format("[%d/%d] line %d %s  (%.1fs elapsed, ETA %.0fs)", done, total, no,
                        err == null ? "scored" : "failed: " + err, el, eta));
            }
        }
        Report report = new Report(languageAgreement(results), cal);
        nullResults.forEach((f, r) -> report.nulls.put(f.id(), new Report(languageAgreement(r), cal)));
        return report;
    }

    /**
     * The first 16 hex digits of the SHA-256 of the video's size, frame count and every pixel (RGB, row by row): two
     * runs that report the same hash for a line judged the same frames, so a score that differs between machines or
     * runs is traced to the generator or to the judge.
     */
    public static String framesHash(Video v) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * Math.max(3, v.width() * v.height()));
            b.putInt(v.width()).putInt(v.height()).putInt(v.frameCount()).flip();
            md.update(b);
            for (dev.tessera.media.Frame f : v.frames()) {
                b.clear();
                b.asIntBuffer().put(f.rgb());
                b.limit(4 * f.rgb().length);
                md.update(b);
            }
            return java.util.HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from this Java runtime", e);
        }
    }

    /**
     * English/Chinese agreement: lines whose facts are equal but whose languages differ are the same scene prompted
     * twice. Each such pair gets a check on its later line scoring 1 - the mean absolute difference of the two
     * videos' dimension scores (over dimensions both have).
     */
    static List<PromptResult> languageAgreement(List<PromptResult> in) {
        List<PromptResult> out = new ArrayList<>(in);
        for (int j = 0; j < out.size(); j++) {
            PromptResult b = out.get(j);
            if (b.error() != null) continue;
            for (int i = 0; i < j; i++) {
                PromptResult a = out.get(i);
                if (a.error() != null || a.lang().equals(b.lang()) || !a.facts().core().equals(b.facts().core())) continue;
                Map<Dimension, Double> sa = a.dimensionScores(), sb = b.dimensionScores();
                Map<Dimension, Double> diff = new EnumMap<>(Dimension.class);
                double sum = 0;
                for (Dimension d : sa.keySet()) {
                    if (!sb.containsKey(d)) continue;
                    double x = Math.abs(sa.get(d) - sb.get(d));
                    diff.put(d, Checks.r3(x));
                    sum += x;
                }
                double score = diff.isEmpty() ? 0 : 1 - sum / diff.size();
                List<Check> checks = new ArrayList<>(b.checks());
                checks.add(new Check(Dimension.LANGUAGE_AGREEMENT, "agrees with line " + a.line() + " (" + a.lang() + ")",
                        Checks.r3(Check.clamp01(score)), Check.ev("other_line", a.line(), "abs_difference_per_dimension", diff)));
                out.set(j, new PromptResult(b.line(), b.prompt(), b.lang(), b.split(), b.video(), b.frames(), b.error(), b.facts(), checks, b.keyframes()));
                break;
            }
        }
        return out;
    }
}
