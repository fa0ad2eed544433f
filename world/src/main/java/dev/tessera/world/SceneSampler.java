package dev.tessera.world;

import dev.tessera.world.SceneSpec.Event;
import dev.tessera.world.SceneSpec.Rel;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
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
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Draws a random, fully resolved scene program from a seed: setting, 1-4 things with distinct colour+kind, motions
 * with directions, relations between resting things, 0-2 ordered events (adding the props they need), a camera move
 * and sometimes particles. The distribution favours the simple scenes a small model learns first.
 */
public final class SceneSampler {
    private SceneSampler() {}

    static final Kind[] SHAPES = {Kind.BALL, Kind.CUBE, Kind.CYLINDER, Kind.CONE, Kind.PYRAMID, Kind.CAPSULE, Kind.EGG, Kind.PRISM,
            Kind.DIAMOND, Kind.DISC, Kind.BAR, Kind.TETRAHEDRON};
    static final Colour[] OBJECT_COLOURS = {Colour.RED, Colour.ORANGE, Colour.YELLOW, Colour.GREEN, Colour.BLUE, Colour.PURPLE, Colour.PINK,
            Colour.BROWN, Colour.BLACK, Colour.WHITE, Colour.GREY, Colour.CYAN, Colour.GOLD, Colour.SILVER};

    public static SceneSpec sample(long seed) {
        Random r = new Random(seed * 0x2545F4914F6CDD1DL + 0x1234567L);
        Setting setting = pickW(r, new Setting[] {Setting.STUDIO, Setting.GRASS, Setting.BEACH, Setting.SNOW, Setting.CITY, Setting.TABLE, Setting.COFFEE},
                new int[] {4, 3, 2, 2, 2, 3, 1});
        TimeOfDay time = setting == Setting.CITY ? TimeOfDay.NIGHT : setting.outdoor() ? pick(r, TimeOfDay.values()) : TimeOfDay.DAY;
        List<Thing> things = new ArrayList<>();
        Set<String> used = new HashSet<>();
        List<Event> events = new ArrayList<>();
        List<Rel> rels = new ArrayList<>();
        if (setting == Setting.COFFEE) {
            boolean battle = r.nextBoolean();
            things.add(new Thing(0, Kind.SHIP, battle ? 2 : 1, pick(r, new Colour[] {Colour.BROWN, Colour.BLACK, Colour.RED}), Size.MEDIUM, Material.SHINY,
                    List.of(battle ? Motion.BATTLE : Motion.FLOAT), battle ? null : dir(r, false), List.of()));
        } else {
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) things.add(randomThing(r, things.size(), setting, used));
            if (r.nextInt(5) == 0) things.add(character(r, things.size(), setting, used));
            if (setting == Setting.CITY && r.nextBoolean())
                things.add(new Thing(things.size(), Kind.PEDESTRIAN, 3 + r.nextInt(3), null, null, null, List.of(Motion.WALK), null, List.of()));
            // events (each adds the prop it needs, resting)
            int ne = r.nextInt(10) < 6 ? 0 : r.nextInt(10) < 7 ? 1 : 2;
            List<EventKind> kinds = new ArrayList<>(List.of(EventKind.BITE, EventKind.SHATTER, EventKind.POP, EventKind.LAMP_ON, EventKind.PAINT,
                    EventKind.DOMINO_CHAIN, EventKind.KNOCK));
            if (setting == Setting.SNOW) kinds.add(EventKind.FOOTPRINTS);
            java.util.Collections.shuffle(kinds, r);
            for (int i = 0; i < ne && i < kinds.size(); i++) {
                EventKind k = kinds.get(i);
                if (k == EventKind.FOOTPRINTS) {
                    Thing c = new Thing(things.size(), pick(r, new Kind[] {Kind.WOMAN, Kind.MAN, Kind.DOG}), 1, null, null, null, List.of(Motion.WALK), dir(r, false), List.of());
                    c = c.kind() == Kind.DOG ? new Thing(c.id(), c.kind(), 1, Colour.BROWN, Size.MEDIUM, Material.MATTE, c.motions(), c.direction(), List.of()) : c;
                    if (!used.add(key(c))) continue;
                    things.add(c);
                    events.add(new Event(k, c.id(), -1));
                    continue;
                }
                Kind prop = switch (k) {
                    case BITE -> r.nextBoolean() ? Kind.COOKIE : Kind.APPLE; case SHATTER -> Kind.GLASS; case POP -> Kind.BALLOON; case LAMP_ON -> Kind.LAMP;
                    case PAINT -> Kind.PAINT_STROKE; case DOMINO_CHAIN -> Kind.DOMINO; default -> Kind.TOWER;
                };
                Colour c = switch (prop) {
                    case COOKIE -> Colour.BROWN; case APPLE -> pick(r, new Colour[] {Colour.RED, Colour.GREEN, Colour.YELLOW}); case GLASS -> Colour.WHITE;
                    case LAMP -> pick(r, new Colour[] {Colour.SILVER, Colour.GOLD, Colour.BLACK, Colour.WHITE}); default -> pick(r, OBJECT_COLOURS);
                };
                Thing p = new Thing(things.size(), prop, 1, c, Size.MEDIUM, SceneSpec.defaultMaterial(prop), List.of(Motion.STILL), null, List.of());
                if (!used.add(key(p))) continue;
                things.add(p);
                int agent = -1;
                if (k == EventKind.KNOCK) {
                    Thing ball = new Thing(things.size(), Kind.BALL, 1, pick(r, OBJECT_COLOURS), Size.MEDIUM, Material.SHINY, List.of(Motion.STILL), null, List.of());
                    if (!used.add(key(ball))) { things.removeLast(); continue; }
                    things.add(ball);
                    agent = ball.id();
                }
                events.add(new Event(k, p.id(), agent));
            }
            // relations between resting, single, non-event things
            List<Thing> resting = new ArrayList<>();
            for (Thing t : things)
                if ((t.motion() == Motion.STILL || t.motion() == Motion.SPIN) && t.count() == 1 && t.kind().isShape() && !involved(events, t)) resting.add(t);
            if (resting.size() >= 2 && r.nextInt(3) > 0) {
                Thing a = resting.get(0), b = resting.get(1);
                Relation rel = pickW(r, new Relation[] {Relation.LEFT_OF, Relation.RIGHT_OF, Relation.IN_FRONT_OF, Relation.BEHIND, Relation.ON_TOP_OF},
                        new int[] {4, 4, 1, 1, b.kind() == Kind.CUBE && a.motion() == Motion.STILL ? 2 : 0});
                rels.add(new Rel(a.id(), rel, b.id()));
                if (resting.size() >= 3 && rel != Relation.ON_TOP_OF && r.nextBoolean()) rels.add(new Rel(resting.get(2).id(), r.nextBoolean() ? Relation.LEFT_OF : Relation.RIGHT_OF, a.id()));
            }
        }
        CameraMove cam = r.nextInt(3) == 0 ? CameraMove.STATIC : pick(r, CameraMove.values());
        int track = -1;
        if (cam == CameraMove.TRACKING) {
            for (Thing t : things) if (t.direction() != null) { track = t.id(); break; }
            if (track < 0) cam = CameraMove.STATIC;
        }
        List<Particle> parts = new ArrayList<>();
        if (r.nextInt(7) == 0) {
            Particle p = switch (setting) {
                case SNOW -> Particle.SNOWFALL; case CITY, GRASS -> r.nextBoolean() ? Particle.RAIN : Particle.CONFETTI;
                case BEACH -> Particle.SPLASH; default -> pick(r, new Particle[] {Particle.CONFETTI, Particle.SMOKE});
            };
            parts.add(p);
        }
        return new SceneSpec(setting, time, things, rels, events, cam, track, parts, List.of());
    }

    static boolean involved(List<Event> events, Thing t) {
        for (Event e : events) if (e.subject() == t.id() || e.agent() == t.id()) return true;
        return false;
    }

    static String key(Thing t) { return (t.colour() == null ? "" : t.colour().id()) + " " + t.kind().id(); }

    static Direction dir(Random r, boolean depth) {
        if (depth && r.nextInt(5) == 0) return r.nextBoolean() ? Direction.TOWARD : Direction.AWAY;
        return r.nextBoolean() ? Direction.LEFT_TO_RIGHT : Direction.RIGHT_TO_LEFT;
    }

    static Thing randomThing(Random r, int id, Setting setting, Set<String> used) {
        for (int attempt = 0; ; attempt++) {
            Kind k = r.nextInt(8) == 0 ? pick(r, new Kind[] {Kind.COOKIE, Kind.APPLE, Kind.BALLOON, Kind.LAMP, Kind.GLASS}) : pick(r, SHAPES);
            Colour c = k == Kind.COOKIE ? Colour.BROWN : k == Kind.GLASS ? Colour.WHITE : pick(r, OBJECT_COLOURS);
            Size s = pickW(r, Size.values(), new int[] {1, 3, 1});
            Material m = k.isShape() ? pickW(r, new Material[] {Material.MATTE, Material.SHINY, Material.METAL, Material.GLASS}, new int[] {4, 3, 2, 1})
                    : SceneSpec.defaultMaterial(k);
            Motion mo = Motion.STILL;
            Direction d = null;
            if (k.isShape()) {
                int x = r.nextInt(10);
                boolean round = k == Kind.BALL;
                if (x < 3) mo = Motion.STILL;
                else if (x < 5) { mo = round ? Motion.ROLL : Motion.SLIDE; d = dir(r, true); }
                else if (x < 6) { mo = round ? Motion.ROLL : Motion.SLIDE; d = dir(r, false); }
                else if (x < 8) { mo = Motion.BOUNCE; if (r.nextBoolean()) d = dir(r, false); }
                else if (x < 9) mo = Motion.FALL;
                else mo = Motion.SPIN;
            }
            Thing t = new Thing(id, k, 1, c, s, m, List.of(mo), d, List.of());
            if (used.add(key(t)) || attempt > 20) return t;
        }
    }

    static Thing character(Random r, int id, Setting setting, Set<String> used) {
        Kind k = pickW(r, new Kind[] {Kind.WOMAN, Kind.MAN, Kind.PERSON, Kind.DOG, Kind.CAT, Kind.HORSE, Kind.MAMMOTH, Kind.DRAGON}, new int[] {3, 3, 1, 2, 1, 1, 1, 1});
        Motion m;
        Direction d = null;
        if (k == Kind.DRAGON) { m = Motion.DANCE; d = dir(r, false); }
        else if (k.category == Vocab.Category.ANIMAL) { m = r.nextBoolean() ? Motion.WALK : Motion.RUN; d = dir(r, false); }
        else {
            m = pickW(r, new Motion[] {Motion.WALK, Motion.RUN, Motion.JUMP, Motion.WAVE, Motion.TURN}, new int[] {4, 2, 1, 1, 1});
            if (m == Motion.WALK || m == Motion.RUN) d = dir(r, true);
        }
        Colour c = switch (k) { case DOG, CAT, HORSE -> pick(r, new Colour[] {Colour.BROWN, Colour.BLACK, Colour.WHITE, Colour.GREY}); case MAMMOTH -> Colour.BROWN;
            case DRAGON -> pick(r, new Colour[] {Colour.RED, Colour.GOLD, Colour.GREEN}); default -> null; };
        List<Worn> clothes = new ArrayList<>();
        if (k.category == Vocab.Category.PERSON) {
            Clothing[] items = Clothing.values();
            int n = r.nextInt(3);
            Set<Clothing> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                Clothing cl = pick(r, items);
                if (cl == Clothing.LIPSTICK || cl == Clothing.SUNGLASSES || !seen.add(cl)) continue;
                clothes.add(new Worn(cl, pick(r, OBJECT_COLOURS), null));
            }
        }
        Thing t = new Thing(id, k, 1, c, k == Kind.MAMMOTH || k.category == Vocab.Category.PERSON || k == Kind.DRAGON ? null : Size.MEDIUM,
                k.hasColour() && k.category != Vocab.Category.PERSON ? Material.MATTE : null, List.of(m), d, clothes);
        used.add(key(t));
        return t;
    }

    static <T> T pick(Random r, T[] v) { return v[r.nextInt(v.length)]; }

    static <T> T pickW(Random r, T[] v, int[] w) {
        int sum = 0;
        for (int x : w) sum += x;
        int k = r.nextInt(sum);
        for (int i = 0; i < v.length; i++) { k -= w[i]; if (k < 0) return v[i]; }
        return v[v.length - 1];
    }
}
