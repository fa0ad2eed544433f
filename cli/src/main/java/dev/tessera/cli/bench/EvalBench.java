package dev.tessera.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tessera.eval.Check;
import dev.tessera.eval.Checks;
import dev.tessera.eval.Dimension;
import dev.tessera.eval.Facts;
import dev.tessera.eval.Observation;
import dev.tessera.eval.WorldPrompts;
import dev.tessera.media.Video;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./tessera bench eval [--json]}: seconds SimBench takes to score one 4 s clip, split into the shared pixel
 * analysis (colour labels, components, background motion) and each dimension's checks, medians over repeats. The
 * reference measured in the same run is the world rendering the same clip, so the ratio says how scoring compares
 * with making the ground truth.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "SimBench scoring speed per dimension on one 4 s clip; --json: last line one JSON object.")
public final class EvalBench implements Callable<Integer> {
    @Option(names = "--json", description = "print the result as one JSON object on the last line") boolean json;
    @Option(names = "--size", defaultValue = "96x96", description = "clip size (default ${DEFAULT-VALUE})") String size;
    @Option(names = "--fps", defaultValue = "12", description = "clip frame rate (default ${DEFAULT-VALUE})") double fps;
    @Option(names = "--repeats", defaultValue = "5", description = "timed repeats, median reported (default ${DEFAULT-VALUE})") int repeats;

    static final String PROMPT = "first a red ball rolls from left to right and knocks over a yellow tower, then a blue balloon pops; "
            + "the camera pans left";
    static final String FALLBACK = "a red ball rolls from left to right on the grass, the camera pans left";

    @Override public Integer call() {
        String[] p = size.toLowerCase().split("x");
        int w, h;
        try { w = Integer.parseInt(p[0]); h = Integer.parseInt(p[1]); } catch (RuntimeException e) { throw new dev.tessera.cli.ExitCodeException(2, "--size must look like 96x96, got \"" + size + "\""); }
        if (w < 16 || h < 16 || w > 1024 || h > 1024) throw new dev.tessera.cli.ExitCodeException(2, "--size must be 16..1024 per side, got " + size);
        if (repeats < 1 || repeats > 100) throw new dev.tessera.cli.ExitCodeException(2, "--repeats must be 1..100, got " + repeats);
        String prompt = PROMPT;
        Facts facts;
        try { facts = new WorldPrompts().facts(prompt); } catch (IllegalArgumentException e) { prompt = FALLBACK; facts = new WorldPrompts().facts(prompt); }
        double seconds = 4;
        List<Double> render = new ArrayList<>(), observe = new ArrayList<>();
        List<List<Double>> dims = new ArrayList<>();
        for (Dimension d : Dimension.values()) dims.add(new ArrayList<>());
        Video v = null;
        for (int r = 0; r <= repeats; r++) { // repeat 0 warms the JIT and is not counted
            long t0 = System.nanoTime();
            v = WorldPrompts.render(prompt, w, h, fps, seconds, 1);
            long t1 = System.nanoTime();
            Observation o = new Observation(v, Checks.maskColours(facts), Checks.anchorColours(facts));
            long t2 = System.nanoTime();
            int checks = 0;
            for (Dimension d : Dimension.values()) {
                long a = System.nanoTime();
                List<Check> c = Checks.dimension(d, facts, o);
                checks += c.size();
                if (r > 0) dims.get(d.ordinal()).add((System.nanoTime() - a) / 1e9);
            }
            if (r > 0) { render.add((t1 - t0) / 1e9); observe.add((t2 - t1) / 1e9); }
            if (!json) System.err.printf("repeat %d/%d: render %.3fs, analysis %.3fs, %d checks%n", r, repeats, (t1 - t0) / 1e9, (t2 - t1) / 1e9, checks);
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode out = m.createObjectNode();
        out.put("clip", w + "x" + h + ", " + fps + " fps, " + seconds + " s, " + v.frameCount() + " frames");
        out.put("prompt", prompt);
        out.put("repeats", repeats);
        out.put("threads", 1);
        double obs = median(observe), total = obs;
        out.put("analysis_s", r4(obs));
        ObjectNode per = out.putObject("dimension_s");
        for (Dimension d : Dimension.values()) {
            double s = median(dims.get(d.ordinal()));
            total += s;
            per.put(d.id(), r4(s));
        }
        out.put("score_total_s", r4(total));
        out.put("reference_render_s", r4(median(render)));
        out.put("score_over_render", r4(total / median(render)));
        out.put("realtime_factor", r4(seconds / total));
        String line;
        try { line = m.writeValueAsString(out); } catch (Exception e) { throw new IllegalStateException(e); }
        if (!json) {
            System.out.printf("SimBench scores a %s clip in %.3f s (analysis %.3f s + checks), %.1fx real time; the world renders it in %.3f s (ratio %.2f)%n",
                    out.get("clip").asText(), total, obs, seconds / total, median(render), total / median(render));
        }
        System.out.println(line);
        return 0;
    }

    static double median(List<Double> v) { return Stats.median(v); }

    static double r4(double v) { return Math.round(v * 10000) / 10000.0; }
}
