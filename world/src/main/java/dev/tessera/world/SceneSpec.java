package dev.tessera.world;

import dev.tessera.world.Vocab.CameraMove;
import dev.tessera.world.Vocab.Clothing;
import dev.tessera.world.Vocab.Colour;
import dev.tessera.world.Vocab.Direction;
import dev.tessera.world.Vocab.EventKind;
import dev.tessera.world.Vocab.Kind;
import dev.tessera.world.Vocab.Material;
import dev.tessera.world.Vocab.Motion;
import dev.tessera.world.Vocab.Particle;
import dev.tessera.world.Vocab.Relation;
import dev.tessera.world.Vocab.Setting;
import dev.tessera.world.Vocab.Size;
import dev.tessera.world.Vocab.TimeOfDay;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The scene program: what is in the scene and what happens, at the level captions talk about. Attributes may be
 * null (unspecified, e.g. straight from a prompt); {@link #resolve(long)} fills them from the seed. The concrete
 * layout (positions, speeds, timings) is derived from a resolved spec and the seed by the stage, so captions and
 * truth can never disagree.
 *
 * @param things     objects and characters, ids 0..n-1 in order of first mention
 * @param relations  spatial relations between things, as seen by the camera
 * @param events     persistent events in time order ("first ..., then ...")
 * @param trackId    the thing a tracking camera follows (-1: none / the first moving thing)
 * @param style      recognised descriptive words that carry no checkable fact (e.g. "stylish", "cinematic")
 */
public record SceneSpec(Setting setting, TimeOfDay time, List<Thing> things, List<Rel> relations, List<Event> events,
                        CameraMove camera, int trackId, List<Particle> particles, List<String> style) {

    public SceneSpec {
        things = List.copyOf(things); relations = List.copyOf(relations); events = List.copyOf(events);
        particles = List.copyOf(particles); style = List.copyOf(style);
        for (int i = 0; i < things.size(); i++)
            if (things.get(i).id() != i) throw new IllegalArgumentException("thing ids must be 0..n-1 in order");
        for (Rel r : relations) check(r.a(), things.size()); for (Rel r : relations) check(r.b(), things.size());
        for (Event e : events) {
            check(e.subject(), things.size());
            if (e.agent() >= 0) check(e.agent(), things.size());
        }
    }

    private static void check(int id, int n) { if (id < 0 || id >= n) throw new IllegalArgumentException("no thing " + id); }

    /** Something worn by a character: item, colour (nullable), material (nullable, e.g. leather). */
    public record Worn(Clothing item, Colour colour, Material material) {}

    /** One thing; count > 1 means a group of identical things ("two pirate ships"). */
    public record Thing(int id, Kind kind, int count, Colour colour, Size size, Material material, List<Motion> motions,
                        Direction direction, List<Worn> clothing) {
        public Thing {
            if (count < 1 || count > 12) throw new IllegalArgumentException("count must be 1..12: " + count);
            motions = List.copyOf(motions); clothing = List.copyOf(clothing);
        }
        public Motion motion() { return motions.isEmpty() ? null : motions.getFirst(); }
        public Thing with(Colour c, Size s, Material m, List<Motion> mo, Direction d) { return new Thing(id, kind, count, c, s, m, mo, d, clothing); }
    }

    public record Rel(int a, Relation relation, int b) {}

    /** An event happening to {@code subject}; {@code agent} is the thing causing it (the ball knocking a tower), or -1. */
    public record Event(EventKind kind, int subject, int agent) {}

    public Thing thing(int id) { return things.get(id); }

    /** Fills every unspecified attribute from the seed; specified ones are kept. */
    public SceneSpec resolve(long seed) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        Setting s = setting != null ? setting : defaultSetting(rnd);
        TimeOfDay t = time != null ? time : s == Setting.CITY ? TimeOfDay.NIGHT : s.outdoor() ? pick(rnd, TimeOfDay.values()) : TimeOfDay.DAY;
        List<Thing> ts = new ArrayList<>();
        for (Thing th : things) {
            Colour c = th.colour() != null ? th.colour() : defaultColour(th.kind(), rnd);
            Size z = th.size() != null ? th.size() : Size.MEDIUM;
            Material m = th.material() != null ? th.material() : defaultMaterial(th.kind());
            List<Motion> mo = th.motions().isEmpty() ? List.of(defaultMotion(th.kind())) : th.motions();
            Direction d = th.direction();
            // a lone walker in a street walks down it toward the camera, like the showcase shot
            if (d == null && s == Setting.CITY && th.kind().category == Vocab.Category.PERSON && mo.getFirst() == Motion.WALK) d = Direction.TOWARD;
            if (d == null && mo.getFirst().travels() && mo.getFirst() != Motion.BOUNCE && th.kind().category != Vocab.Category.CROWD) d = pick(rnd, new Direction[] {Direction.LEFT_TO_RIGHT, Direction.RIGHT_TO_LEFT});
            ts.add(th.with(c, z, m, mo, d));
        }
        CameraMove cam = camera != null ? camera : CameraMove.STATIC;
        return new SceneSpec(s, t, ts, relations, events, cam, trackId, particles, style);
    }

    /** Unstated settings follow what is in the scene (mammoths in snow, a dragon dance in a night street), else the seed. */
    private Setting defaultSetting(Random rnd) {
        for (Thing t : things)
            switch (t.kind()) {
                case MAMMOTH -> { return Setting.SNOW; }
                case DRAGON, PEDESTRIAN -> { return Setting.CITY; }
                case SHIP -> { return Setting.COFFEE; }
                default -> {}
            }
        return pick(rnd, Setting.values());
    }

    static Colour defaultColour(Kind k, Random rnd) {
        return switch (k) {
            case COOKIE -> Colour.BROWN; case APPLE -> Colour.RED; case GLASS -> Colour.WHITE; case DOMINO -> Colour.BLACK;
            case SHIP -> Colour.BROWN; case MAMMOTH -> Colour.BROWN; case DRAGON -> Colour.RED; case LAMP -> Colour.SILVER;
            case PERSON, WOMAN, MAN, PEDESTRIAN -> null; case DOG -> Colour.BROWN; case HORSE -> Colour.BROWN; case CAT -> Colour.GREY;
            default -> pick(rnd, Colour.values());
        };
    }

    static Material defaultMaterial(Kind k) {
        return switch (k) { case GLASS -> Material.GLASS; case LAMP -> Material.METAL; case BALLOON, APPLE -> Material.SHINY; default -> Material.MATTE; };
    }

    static Motion defaultMotion(Kind k) {
        return switch (k.category) {
            case PERSON, CROWD, ANIMAL -> Motion.WALK; case DRAGON -> Motion.DANCE;
            default -> k == Kind.SHIP ? Motion.FLOAT : Motion.STILL;
        };
    }

    static <T> T pick(Random r, T[] values) { return values[r.nextInt(values.length)]; }

    /** The canonical facts of this spec (see {@link SceneFacts}). */
    public SceneFacts facts() { return SceneFacts.of(this); }
}
