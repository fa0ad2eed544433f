package dev.tessera.world;

import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.Vocab.CameraMove;
import dev.tessera.world.Vocab.Colour;
import dev.tessera.world.Vocab.Kind;
import dev.tessera.world.Vocab.Motion;
import java.util.List;
import java.util.Locale;

/**
 * A combination (attribute x object x motion x camera) kept out of training to measure compositional generalisation;
 * null fields match anything. Written and parsed as "colour:kind:motion:camera" with '*' for any, e.g.
 * "purple:ball:*:*" or "*:cube:slide:orbit_left".
 */
public record HeldOut(Colour colour, Kind kind, Motion motion, CameraMove camera) {
    public HeldOut {
        if (colour == null && kind == null && motion == null && camera == null) throw new IllegalArgumentException("a held-out combination needs at least one field");
    }

    /** The defaults: four combinations whose parts all appear in training, but never together. */
    public static final List<HeldOut> DEFAULTS = List.of(
            parse("purple:cone:*:*"), parse("yellow:cube:slide:*"), parse("*:ball:roll:orbit_left"), parse("green:cylinder:bounce:*"));

    public boolean matches(SceneSpec s) {
        if (camera != null && s.camera() != camera) return false;
        for (Thing t : s.things())
            if ((colour == null || t.colour() == colour) && (kind == null || t.kind() == kind) && (motion == null || t.motions().contains(motion))) return true;
        return false;
    }

    public static boolean any(List<HeldOut> list, SceneSpec s) {
        for (HeldOut h : list) if (h.matches(s)) return true;
        return false;
    }

    public static HeldOut parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split(":");
        if (p.length != 4) throw new IllegalArgumentException("held-out combination must be colour:kind:motion:camera, got \"" + text + "\"");
        return new HeldOut(field(Colour.class, p[0]), field(Kind.class, p[1]), field(Motion.class, p[2]), field(CameraMove.class, p[3]));
    }

    private static <E extends Enum<E>> E field(Class<E> type, String v) {
        if (v.equals("*") || v.isEmpty()) return null;
        try { return Enum.valueOf(type, v.toUpperCase(Locale.ROOT)); }
        catch (IllegalArgumentException e) { throw new IllegalArgumentException("unknown " + type.getSimpleName().toLowerCase(Locale.ROOT) + " \"" + v + "\" in held-out combination"); }
    }

    @Override public String toString() {
        return s(colour) + ":" + s(kind) + ":" + s(motion) + ":" + s(camera);
    }

    private static String s(Enum<?> e) { return e == null ? "*" : e.name().toLowerCase(Locale.ROOT); }
}
