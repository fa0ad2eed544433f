package dev.tessera.world;

import dev.tessera.world.SceneSpec.Event;
import dev.tessera.world.SceneSpec.Rel;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
import dev.tessera.world.Vocab.Relation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkable facts of a scene in a canonical, id-free form (things are named by a reference string such as
 * "red ball" or "woman#2"), so a spec built by the sampler and one parsed back from a caption compare equal when
 * they say the same thing. RIGHT_OF is stored as LEFT_OF with the pair swapped. Used by the text encoder, SimBench
 * and the caption round-trip test. Optional details (size, material, time of day) may be null when not stated.
 */
public record SceneFacts(String setting, String time, List<ObjectFact> objects, List<MotionFact> motions,
                         List<RelationFact> relations, List<EventFact> events, String camera, String cameraTarget,
                         List<String> particles) {

    public record ObjectFact(String ref, String kind, int count, String colour, String size, String material, List<String> clothing) {}
    public record MotionFact(String ref, String motion, String direction) {}
    public record RelationFact(String a, String relation, String b) {}
    public record EventFact(int order, String event, String subject, String agent) {}

    static String lc(Vocab.Term t) { return t == null ? null : t.id(); }

    public static SceneFacts of(SceneSpec s) {
        List<String> refs = refs(s);
        List<ObjectFact> objs = new ArrayList<>();
        List<MotionFact> mos = new ArrayList<>();
        for (Thing t : s.things()) {
            List<String> clothes = new ArrayList<>();
            for (Worn w : t.clothing())
                clothes.add(((w.colour() == null ? "" : lc(w.colour()) + " ") + (w.material() == null ? "" : lc(w.material()) + " ") + lc(w.item())));
            clothes.sort(null);
            String ref = refs.get(t.id());
            objs.add(new ObjectFact(ref, lc(t.kind()), t.count(), lc(t.colour()), lc(t.size()), lc(t.material()), clothes));
            // "stays still" and saying nothing about motion are the same fact
            for (Vocab.Motion m : t.motions())
                if (m != Vocab.Motion.STILL) mos.add(new MotionFact(ref, lc(m), m == t.motion() ? lc(t.direction()) : null));
        }
        List<RelationFact> rels = new ArrayList<>();
        for (Rel r : s.relations()) {
            if (r.relation() == Relation.RIGHT_OF) rels.add(new RelationFact(refs.get(r.b()), lc(Relation.LEFT_OF), refs.get(r.a())));
            else rels.add(new RelationFact(refs.get(r.a()), lc(r.relation()), refs.get(r.b())));
        }
        List<EventFact> evs = new ArrayList<>();
        int o = 1;
        for (Event e : s.events()) evs.add(new EventFact(o++, lc(e.kind()), refs.get(e.subject()), e.agent() < 0 ? null : refs.get(e.agent())));
        objs.sort(Comparator.comparing(ObjectFact::ref));
        mos.sort(Comparator.comparing(MotionFact::ref).thenComparing(MotionFact::motion));
        rels.sort(Comparator.comparing(RelationFact::a).thenComparing(RelationFact::relation).thenComparing(RelationFact::b));
        List<String> parts = new ArrayList<>();
        for (Vocab.Particle p : s.particles()) parts.add(lc(p));
        parts.sort(null);
        String target = null;
        if (s.camera() == Vocab.CameraMove.TRACKING && s.trackId() >= 0) target = refs.get(s.trackId());
        // an unspecified camera resolves to static, so the two are the same fact
        String cam = s.camera() == null ? "static" : lc(s.camera());
        return new SceneFacts(lc(s.setting()), lc(s.time()), objs, mos, rels, evs, cam, target, parts);
    }

    /** Reference names: colour + kind, or kind alone when colourless; "#2", "#3" suffixes keep repeats apart. */
    static List<String> refs(SceneSpec s) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Thing t : s.things()) {
            String base = (t.colour() != null && t.kind().hasColour() ? lc(t.colour()) + " " : "") + lc(t.kind());
            int n = seen.merge(base, 1, Integer::sum);
            out.add(n == 1 ? base : base + "#" + n);
        }
        return out;
    }

    /** As JSON (the schema in docs/world.md). */
    public String toJson() {
        try { return Truth.JSON.writeValueAsString(this); } catch (java.io.IOException e) { throw new IllegalStateException(e); }
    }

    /** The facts every caption must state: drops the optional details (size, material, time of day). */
    public SceneFacts core() {
        List<ObjectFact> objs = objects.stream().map(o -> new ObjectFact(o.ref(), o.kind(), o.count(), o.colour(), null, null, o.clothing())).toList();
        return new SceneFacts(setting, null, objs, motions, relations, events, camera, cameraTarget, particles);
    }

    /**
     * True when this (parsed) fact set states the same core facts as {@code truth} and every optional detail it does
     * state agrees with it.
     */
    public boolean agreesWith(SceneFacts truth) {
        if (!core().equals(truth.core())) return false;
        if (time != null && !time.equals(truth.time)) return false;
        for (int i = 0; i < objects.size(); i++) {
            ObjectFact a = objects.get(i), b = truth.objects.get(i);
            if (a.size() != null && !a.size().equals(b.size())) return false;
            if (a.material() != null && !a.material().equals(b.material())) return false;
        }
        return true;
    }
}
