package dev.tessera.eval;

import java.util.List;

/**
 * What SimBench checks about one prompt: the prompt's facts in the world's canonical vocabulary (ids are lower-case
 * enum names of {@code dev.tessera.world.Vocab}: "red", "ball", "left_to_right", "left_of", "bite", "pan_left").
 * A mirror of the world's {@code SceneFacts}, kept separate so the detectors and metrics can be built and tested on
 * frames alone; {@link SimBench#facts(String)} turns a parsed prompt into this.
 *
 * @param objects   things the prompt names; {@code ref} is the world's reference ("red ball", "woman#2")
 * @param motions   motion of a thing, direction when stated
 * @param relations a LEFT_OF / IN_FRONT_OF / BEHIND / ON_TOP_OF b (RIGHT_OF already swapped to LEFT_OF)
 * @param events    persistent events in prompt order (order 1, 2, ...)
 * @param camera    camera move id or null for unspecified (judged as static only when stated)
 */
public record Facts(String setting, List<Obj> objects, List<Motion> motions, List<Relation> relations,
                    List<Event> events, String camera, String cameraTarget) {

    public Facts {
        objects = List.copyOf(objects); motions = List.copyOf(motions); relations = List.copyOf(relations);
        events = List.copyOf(events);
    }

    /** colour may be null (characters are described by clothing; their clothing colours are in {@code clothing}). */
    public record Obj(String ref, String kind, int count, String colour, String size, List<String> clothing) {
        public Obj { clothing = clothing == null ? List.of() : List.copyOf(clothing); }
    }

    public record Motion(String ref, String motion, String direction) {}

    public record Relation(String a, String relation, String b) {}

    public record Event(int order, String event, String subject, String agent) {}

    /** The facts without optional details (sizes): two prompts of the same scene agree on these. */
    public Facts core() {
        List<Obj> objs = objects.stream().map(o -> new Obj(o.ref(), o.kind(), o.count(), o.colour(), null, o.clothing())).toList();
        return new Facts(setting, objs, motions, relations, events, camera, cameraTarget);
    }

    public Obj object(String ref) {
        for (Obj o : objects) if (o.ref().equals(ref)) return o;
        return null;
    }

    public Motion motionOf(String ref) {
        for (Motion m : motions) if (m.ref().equals(ref)) return m;
        return null;
    }
}
