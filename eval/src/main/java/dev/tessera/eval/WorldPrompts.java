package dev.tessera.eval;

import dev.tessera.media.Video;
import dev.tessera.world.HeldOut;
import dev.tessera.world.RenderOptions;
import dev.tessera.world.SceneFacts;
import dev.tessera.world.SceneParser;
import dev.tessera.world.SceneSpec;
import dev.tessera.world.World;
import java.util.ArrayList;
import java.util.List;

/**
 * The world's side of SimBench: prompts parsed by the world's {@link SceneParser} into facts (only what the prompt
 * states: unstated details stay open, so any colour of an unnamed-colour thing is acceptable), the split from the
 * world's held-out combinations, and ground-truth renders for the ceiling ({@code --truth}).
 */
public final class WorldPrompts implements SimBench.Prompts {
    private final List<HeldOut> heldOut;

    public WorldPrompts() { this(HeldOut.DEFAULTS); }

    public WorldPrompts(List<HeldOut> heldOut) { this.heldOut = List.copyOf(heldOut); }

    static SceneSpec spec(String prompt) {
        try {
            return SceneParser.parse(prompt, 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override public Facts facts(String prompt) {
        SceneSpec s = spec(prompt);
        Facts f = facts(s.facts());
        // the world's facts read an unstated camera as static; SimBench judges only what the prompt states
        return s.camera() != null ? f : new Facts(f.setting(), f.objects(), f.motions(), f.relations(), f.events(), null, f.cameraTarget());
    }

    @Override public String split(String prompt) { return HeldOut.any(heldOut, spec(prompt)) ? "held_out" : "seen"; }

    /** SceneFacts (the world's canonical fact set) to the facts SimBench checks. */
    public static Facts facts(SceneFacts f) {
        List<Facts.Obj> objs = new ArrayList<>();
        for (SceneFacts.ObjectFact o : f.objects()) objs.add(new Facts.Obj(o.ref(), o.kind(), o.count(), o.colour(), o.size(), o.clothing()));
        List<Facts.Motion> mos = new ArrayList<>();
        for (SceneFacts.MotionFact m : f.motions()) mos.add(new Facts.Motion(m.ref(), m.motion(), m.direction()));
        List<Facts.Relation> rels = new ArrayList<>();
        for (SceneFacts.RelationFact r : f.relations()) rels.add(new Facts.Relation(r.a(), r.relation(), r.b()));
        List<Facts.Event> evs = new ArrayList<>();
        for (SceneFacts.EventFact e : f.events()) evs.add(new Facts.Event(e.order(), e.event(), e.subject(), e.agent()));
        return new Facts(f.setting(), objs, mos, rels, evs, f.camera(), f.cameraTarget());
    }

    /** The world's own render of a prompt: the ceiling SimBench is calibrated against. */
    public static Video render(String prompt, int width, int height, double fps, double seconds, long seed) {
        Video.Collector c = new Video.Collector(width, height, fps);
        World.render(spec(prompt), RenderOptions.of(width, height, fps, seconds, seed), c, prompt);
        return c.video();
    }

    /** A {@link SimBench.VideoSource} rendering each prompt with the world. */
    public static SimBench.VideoSource truthSource(int width, int height, double fps, double seconds, long seed) {
        return (line, prompt, facts) -> render(prompt, width, height, fps, seconds, seed);
    }
}
