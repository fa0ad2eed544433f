package dev.tessera.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A SimBench run: per prompt its checks, then per dimension the mean of the per-prompt means (n = prompts that had
 * at least one check of that dimension), the overall score (mean over dimensions with n > 0), the normalised score
 * {@code (score - floor) / (ceiling - floor)} from {@link Calibration}, and the same aggregates per split (prompts of
 * seen combinations vs held-out combinations). With {@link #nulls} (prompt-blind videos scored in the same run,
 * {@link NullVideos}) it also gives each dimension's chance level {@link #nullFloor} and the score above it,
 * {@link #aboveNull}.
 */
public final class Report {
    /**
     * One prompt line and what came of it; {@code error} set (and no checks) when it could not be judged;
     * {@code frames} the hash of the frames judged ({@link SimBench#framesHash}) or null.
     */
    public record PromptResult(int line, String prompt, String lang, String split, String video, String frames, String error,
                               Facts facts, List<Check> checks, List<String> keyframes) {
        public Map<Dimension, Double> dimensionScores() {
            Map<Dimension, double[]> acc = new EnumMap<>(Dimension.class);
            for (Check c : checks) { double[] a = acc.computeIfAbsent(c.dimension(), d -> new double[2]); a[0] += c.score(); a[1]++; }
            Map<Dimension, Double> out = new EnumMap<>(Dimension.class);
            acc.forEach((d, a) -> out.put(d, a[0] / a[1]));
            return out;
        }
    }

    public record DimScore(double score, Double normalized, int n) {}

    public final List<PromptResult> prompts;
    public final Map<Dimension, DimScore> dimensions;
    public final double overall;
    public final Map<String, Map<Dimension, DimScore>> splits = new LinkedHashMap<>();
    public final Map<String, Double> splitOverall = new LinkedHashMap<>();
    /** For a report pooled over several seeds ({@link #pooled}): each seed's own overall score, in seed order. */
    public final Map<Long, Double> seedOverall = new LinkedHashMap<>();
    /** Per null family id, the report of its prompt-blind videos on the same prompts (empty when none were scored). */
    public final Map<String, Report> nulls = new LinkedHashMap<>();
    private final Calibration cal;

    /**
     * A dimension whose chance level lies this close to its ceiling cannot tell skill from noise: its
     * {@link #aboveNull} is undefined (null).
     */
    public static final double MIN_ROOM_ABOVE_NULL = 0.05;

    public Report(List<PromptResult> prompts, Calibration cal) {
        this.cal = cal;
        this.prompts = List.copyOf(prompts);
        this.dimensions = aggregate(prompts, cal);
        this.overall = overall(dimensions);
        for (String split : List.of("seen", "held_out")) {
            List<PromptResult> sub = new ArrayList<>();
            for (PromptResult p : prompts) if (split.equals(p.split())) sub.add(p);
            if (sub.isEmpty()) continue;
            Map<Dimension, DimScore> d = aggregate(sub, cal);
            splits.put(split, d);
            splitOverall.put(split, overall(d));
        }
    }

    static Map<Dimension, DimScore> aggregate(List<PromptResult> prompts, Calibration cal) {
        Map<Dimension, DimScore> out = new EnumMap<>(Dimension.class);
        for (Dimension d : Dimension.values()) {
            double sum = 0;
            int n = 0;
            for (PromptResult p : prompts) {
                if (p.error() != null) continue;
                Double s = p.dimensionScores().get(d);
                if (s != null) { sum += s; n++; }
            }
            if (n == 0) continue;
            double score = sum / n;
            out.put(d, new DimScore(score, cal == null ? null : cal.normalize(d, score), n));
        }
        return out;
    }

    static double overall(Map<Dimension, DimScore> dims) {
        if (dims.isEmpty()) return 0;
        double s = 0;
        for (DimScore d : dims.values()) s += d.score();
        return s / dims.size();
    }

    /**
     * One report over the prompt results of several runs of the same prompts with different seeds: every dimension
     * and split is the mean over all (prompt, seed) results, as if the prompt file listed each prompt once per seed,
     * and {@link #seedOverall} keeps each seed's overall score so the spread between seeds is visible.
     */
    public static Report pooled(List<Long> seeds, List<Report> runs, Calibration cal) {
        if (seeds.size() != runs.size() || runs.isEmpty())
            throw new IllegalArgumentException("need one report per seed, got " + runs.size() + " for " + seeds.size());
        List<PromptResult> all = new ArrayList<>();
        for (Report r : runs) all.addAll(r.prompts);
        Report out = new Report(all, cal);
        for (int i = 0; i < seeds.size(); i++) out.seedOverall.put(seeds.get(i), runs.get(i).overall);
        for (String family : runs.getFirst().nulls.keySet()) {
            List<PromptResult> fam = new ArrayList<>();
            for (Report r : runs) {
                Report n = r.nulls.get(family);
                if (n == null) throw new IllegalArgumentException("null family " + family + " missing from one seed's report");
                fam.addAll(n.prompts);
            }
            out.nulls.put(family, new Report(fam, cal));
        }
        return out;
    }

    /**
     * Per dimension, the chance level: the highest mean any null family scored on it in this run (a prompt-blind
     * generator may pick whichever kind of noise scores best). Empty without nulls.
     */
    public Map<Dimension, Double> nullFloor() {
        Map<Dimension, Double> out = new EnumMap<>(Dimension.class);
        for (Report n : nulls.values())
            n.dimensions.forEach((d, s) -> out.merge(d, s.score(), Math::max));
        return out;
    }

    /**
     * (score - chance) / (ceiling - chance): 0 at the chance level, 1 at the ceiling (the world's own renders in the
     * shipped calibration; 1 where it has none), negative below chance. Null without nulls, for a dimension this
     * report has no score for, or where chance lies within {@link #MIN_ROOM_ABOVE_NULL} of the ceiling.
     */
    public Double aboveNull(Dimension d) { return aboveNull(d, nullFloor()); }

    private Double aboveNull(Dimension d, Map<Dimension, Double> floor) {
        DimScore s = dimensions.get(d);
        Double chance = floor.get(d);
        if (s == null || chance == null) return null;
        double ceiling = cal == null || cal.bounds.get(d) == null ? 1.0 : cal.bounds.get(d)[1];
        if (ceiling - chance < MIN_ROOM_ABOVE_NULL) return null;
        return (s.score() - chance) / (ceiling - chance);
    }

    /**
     * The mean over dimensions with a defined {@link #aboveNull} of that value clamped to [0, 1] (a dimension below
     * chance counts 0, not less): how far above prompt-blind noise the videos are overall. NaN without nulls.
     */
    public double overallAboveNull() {
        Map<Dimension, Double> floor = nullFloor();
        double sum = 0;
        int n = 0;
        for (Dimension d : dimensions.keySet()) {
            Double a = aboveNull(d, floor);
            if (a == null) continue;
            sum += Math.max(0, Math.min(1, a));
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private void putNulls(ObjectNode o, boolean full) {
        if (nulls.isEmpty()) return;
        double oa = overallAboveNull();
        if (Double.isNaN(oa)) o.putNull("overall_above_null"); else o.put("overall_above_null", r4(oa));
        Map<Dimension, Double> floor = nullFloor();
        if (!full) {
            ObjectNode a = o.putObject("above_null");
            for (Dimension d : dimensions.keySet()) {
                Double v = aboveNull(d, floor);
                if (v != null) a.put(d.id(), r4(v));
            }
            return;
        }
        ObjectNode n = o.putObject("null");
        ObjectNode fl = n.putObject("floor");
        floor.forEach((d, v) -> fl.put(d.id(), r4(v)));
        ObjectNode fams = n.putObject("families");
        nulls.forEach((id, r) -> {
            ObjectNode f = fams.putObject(id);
            f.put("overall", r4(r.overall));
            ObjectNode fd = f.putObject("dimensions");
            r.dimensions.forEach((d, s) -> fd.put(d.id(), r4(s.score())));
        });
    }

    /** Standard error of the mean of the per-seed overall scores (NaN with fewer than two seeds). */
    public double seedStandardError() {
        int n = seedOverall.size();
        if (n < 2) return Double.NaN;
        double mean = 0, sq = 0;
        for (double v : seedOverall.values()) mean += v;
        mean /= n;
        for (double v : seedOverall.values()) sq += (v - mean) * (v - mean);
        return Math.sqrt(sq / (n - 1) / n);
    }

    private void putSeeds(ObjectNode o) {
        if (seedOverall.isEmpty()) return;
        ObjectNode s = o.putObject("seeds");
        seedOverall.forEach((k, v) -> s.put(Long.toString(k), r4(v)));
        double se = seedStandardError();
        if (!Double.isNaN(se)) o.put("overall_se", r4(se));
    }

    public Double score(Dimension d) { DimScore s = dimensions.get(d); return s == null ? null : s.score(); }

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static double r4(double v) { return Math.round(v * 10000) / 10000.0; }

    ObjectNode dims(Map<Dimension, DimScore> m, boolean withNull) {
        ObjectNode o = JSON.createObjectNode();
        Map<Dimension, Double> floor = withNull ? nullFloor() : Map.of();
        m.forEach((d, s) -> {
            ObjectNode x = o.putObject(d.id());
            x.put("score", r4(s.score()));
            if (s.normalized() == null) x.putNull("normalized"); else x.put("normalized", r4(s.normalized()));
            x.put("n", s.n());
            if (floor.containsKey(d)) {
                x.put("null", r4(floor.get(d)));
                Double a = aboveNull(d, floor);
                if (a == null) x.putNull("above_null"); else x.put("above_null", r4(a));
            }
        });
        return o;
    }

    /** The one-line summary printed last on stdout. */
    public ObjectNode summary() {
        ObjectNode o = JSON.createObjectNode();
        o.put("overall", r4(overall));
        putSeeds(o);
        putNulls(o, false);
        ObjectNode d = o.putObject("dimensions");
        dimensions.forEach((k, v) -> d.put(k.id(), r4(v.score())));
        ObjectNode sp = o.putObject("splits");
        splitOverall.forEach((k, v) -> sp.put(k, r4(v)));
        int errors = 0;
        for (PromptResult p : prompts) if (p.error() != null) errors++;
        o.put("prompts", prompts.size());
        o.put("errors", errors);
        return o;
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("overall", r4(overall));
        putSeeds(root);
        putNulls(root, true);
        root.set("dimensions", dims(dimensions, true));
        ObjectNode sp = root.putObject("splits");
        splits.forEach((k, v) -> {
            ObjectNode s = sp.putObject(k);
            s.put("overall", r4(splitOverall.get(k)));
            s.set("dimensions", dims(v, false));
        });
        ArrayNode arr = root.putArray("prompts");
        for (PromptResult p : prompts) {
            ObjectNode o = arr.addObject();
            o.put("line", p.line());
            o.put("prompt", p.prompt());
            o.put("lang", p.lang());
            if (p.split() != null) o.put("split", p.split());
            if (p.video() != null) o.put("video", p.video());
            if (p.frames() != null) o.put("frames_sha256", p.frames());
            if (p.error() != null) { o.put("error", p.error()); continue; }
            o.set("facts", JSON.valueToTree(p.facts()));
            ObjectNode sc = o.putObject("scores");
            p.dimensionScores().forEach((d, v) -> sc.put(d.id(), r4(v)));
            ArrayNode checks = o.putArray("checks");
            for (Check c : p.checks()) {
                ObjectNode co = checks.addObject();
                co.put("dimension", c.dimension().id());
                co.put("check", c.name());
                co.put("score", c.score());
                co.put("pass", c.score() >= 0.5);
                co.set("evidence", JSON.valueToTree(c.evidence()));
            }
        }
        return root;
    }

    /** Writes report.json atomically (temp file, then rename). */
    public void writeJson(Path file) throws IOException { atomicWrite(file, JSON.writeValueAsBytes(toJson())); }

    static void atomicWrite(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, bytes);
            // temp files are created owner-only; a report is meant to be opened and shared like any written file
            try { Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--")); }
            catch (UnsupportedOperationException e) { /* not a POSIX file system: keep the default */ }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally { Files.deleteIfExists(tmp); }
    }
}
