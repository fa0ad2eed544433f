package dev.tessera.world;

import dev.tessera.world.render.Prim;
import dev.tessera.world.render.Prim.Type;
import java.util.List;

/**
 * Stylised articulated figures built from exact primitives: a person (walk, run, jump, wave, turn, dance) with
 * clothing, four-legged animals (dog, horse, woolly mammoth), dragon-dance segments, pirate ships and props. Every
 * pose is a pure function of (parameters, time), so animation is deterministic.
 */
final class Figures {
    private Figures() {}

    /** Clothing and look of one person. */
    record Look(int skin, int hair, int top, int sleeves, int legs, int shoes, Integer dress, boolean jacket, Integer hat,
                boolean sunglasses, Integer bag, Integer scarf, boolean lipstick, boolean longHair) {}

    /**
     * A person standing at (x, z) facing yaw (0 = toward +x ... see {@link #dir}), doing {@code action} at gait phase
     * {@code phase} (radians). Height ~1.75 * scale.
     */
    static void person(List<Prim> out, int id, double x, double z, double yaw, double scale, Vocab.Motion action, double phase, double t, Look lk) {
        double s = scale;
        double swing = switch (action) { case WALK -> 0.45; case RUN -> 0.8; case DANCE -> 0.3; default -> 0.0; };
        double sinP = Math.sin(phase), cosP = Math.cos(phase);
        double lift = 0;
        if (action == Vocab.Motion.JUMP) lift = Math.max(0, Math.sin(phase)) * 0.45 * s;
        if (action == Vocab.Motion.WALK || action == Vocab.Motion.RUN) lift = Math.abs(sinP) * 0.03 * s;
        double lean = action == Vocab.Motion.RUN ? 0.15 : 0;
        double fx = Math.cos(yaw), fz = -Math.sin(yaw); // forward
        double sx = -fz, sz = fx;                       // to the figure's right: forward x up ... (right-handed: right = f x up)
        sx = Math.sin(yaw); sz = Math.cos(yaw);
        double hipY = 0.93 * s + lift, shoulderY = 1.45 * s + lift, headY = 1.63 * s + lift;
        double hipW = 0.1 * s, shW = 0.19 * s;
        double tx = x + fx * lean * 0.3, tz = z + fz * lean * 0.3;
        // legs
        for (int side = -1; side <= 1; side += 2) {
            double a = side * swing * sinP;
            if (action == Vocab.Motion.JUMP) a = -0.3 * Math.max(0, Math.sin(phase));
            double hx = x + sx * hipW * side, hz = z + sz * hipW * side;
            double kneeA = a, shinA = a - Math.max(0, -side * swing * cosP) * 0.9;
            double kx = hx + fx * Math.sin(kneeA) * 0.45 * s, ky = hipY - Math.cos(kneeA) * 0.45 * s, kz = hz + fz * Math.sin(kneeA) * 0.45 * s;
            double ax = kx + fx * Math.sin(shinA) * 0.43 * s, ay = ky - Math.cos(shinA) * 0.43 * s, az = kz + fz * Math.sin(shinA) * 0.43 * s;
            out.add(Prim.segment(Type.SPHERE, hx, hipY, hz, kx, ky, kz, 0.075 * s).colour(lk.legs(), Prim.MATTE).id(id));
            int shin = lk.shoes() != lk.legs() && lk.dress() != null ? lk.shoes() : lk.legs();
            out.add(Prim.segment(Type.SPHERE, kx, ky, kz, ax, ay, az, 0.06 * s).colour(shin, Prim.MATTE).id(id));
            out.add(Prim.segment(Type.SPHERE, ax - fx * 0.03 * s, ay - 0.02 * s, az - fz * 0.03 * s, ax + fx * 0.14 * s, ay - 0.04 * s, az + fz * 0.14 * s, 0.05 * s)
                    .colour(lk.shoes(), Prim.SHINY).id(id));
        }
        // dress: a cone from the waist
        if (lk.dress() != null) {
            double[] ax = Prim.yawAxes(yaw, 0.28 * s, 0.33 * s, 0.24 * s);
            out.add(Prim.convex(tx, hipY + 0.05 * s - 0.33 * s + 0.08 * s, tz, ax, Prim.CONE).colour(lk.dress(), Prim.MATTE).id(id));
        }
        // torso
        double[] ta = Prim.yawAxes(yaw, 0.12 * s, 0.28 * s, 0.2 * s);
        out.add(Prim.ellipsoid(tx, (hipY + shoulderY) / 2 + 0.02 * s, tz, ta).colour(lk.top(), lk.jacket() ? Prim.SHINY : Prim.MATTE).id(id));
        if (lk.scarf() != null) out.add(Prim.cylinder(tx, shoulderY + 0.04 * s, tz, Prim.yawAxes(yaw, 0.09 * s, 0.04 * s, 0.09 * s)).colour(lk.scarf(), Prim.MATTE).id(id));
        // head
        double hx = tx + fx * lean * 0.3, hz = tz + fz * lean * 0.3;
        out.add(Prim.sphere(hx, headY, hz, 0.115 * s).colour(lk.skin(), Prim.MATTE).id(id));
        out.add(Prim.ellipsoid(hx - fx * 0.02 * s, headY + 0.04 * s, hz - fz * 0.02 * s, Prim.yawAxes(yaw, 0.12 * s, 0.1 * s, 0.125 * s)).colour(lk.hair(), Prim.MATTE).id(id));
        if (lk.longHair())
            out.add(Prim.ellipsoid(hx - fx * 0.08 * s, headY - 0.1 * s, hz - fz * 0.08 * s, Prim.yawAxes(yaw, 0.06 * s, 0.16 * s, 0.12 * s)).colour(lk.hair(), Prim.MATTE).id(id));
        if (lk.sunglasses())
            out.add(Prim.box(hx + fx * 0.1 * s, headY + 0.015 * s, hz + fz * 0.1 * s, Prim.yawAxes(yaw, 0.025 * s, 0.025 * s, 0.1 * s)).colour(0x101014, Prim.SHINY).id(id));
        if (lk.lipstick())
            out.add(Prim.ellipsoid(hx + fx * 0.108 * s, headY - 0.06 * s, hz + fz * 0.108 * s, Prim.yawAxes(yaw, 0.012 * s, 0.01 * s, 0.03 * s)).colour(0xc01020, Prim.SHINY).id(id));
        if (lk.hat() != null) {
            out.add(Prim.cylinder(hx, headY + 0.12 * s, hz, Prim.yawAxes(yaw, 0.1 * s, 0.06 * s, 0.1 * s)).colour(lk.hat(), Prim.MATTE).id(id));
            out.add(Prim.cylinder(hx, headY + 0.07 * s, hz, Prim.yawAxes(yaw, 0.17 * s, 0.01 * s, 0.17 * s)).colour(lk.hat(), Prim.MATTE).id(id));
        }
        // arms
        for (int side = -1; side <= 1; side += 2) {
            double px = tx + sx * shW * side, pz = tz + sz * shW * side, py = shoulderY - 0.03 * s;
            double a = -side * swing * sinP * 0.9;
            double ex, ey, ez, wx, wy, wz;
            boolean waving = action == Vocab.Motion.WAVE && side == 1;
            if (waving) {
                double w = Math.sin(t * 9) * 0.35;
                ex = px + sx * 0.12 * s; ey = py + 0.22 * s; ez = pz + sz * 0.12 * s;
                wx = ex + sx * Math.sin(w) * 0.28 * s; wy = ey + Math.cos(w) * 0.28 * s; wz = ez + sz * Math.sin(w) * 0.28 * s;
            } else if (action == Vocab.Motion.JUMP || action == Vocab.Motion.DANCE) {
                double up = action == Vocab.Motion.JUMP ? Math.max(0, Math.sin(phase)) : 0.5 + 0.5 * Math.sin(t * 4 + side);
                ex = px + sx * side * 0.18 * s; ey = py - 0.05 * s + up * 0.25 * s; ez = pz + sz * side * 0.18 * s;
                wx = ex + sx * side * 0.1 * s; wy = ey + up * 0.3 * s - (1 - up) * 0.25 * s; wz = ez + sz * side * 0.1 * s;
            } else {
                ex = px + fx * Math.sin(a) * 0.29 * s + sx * side * 0.03 * s; ey = py - Math.cos(a) * 0.29 * s; ez = pz + fz * Math.sin(a) * 0.29 * s + sz * side * 0.03 * s;
                double b = a + 0.25 + (action == Vocab.Motion.RUN ? 0.9 : 0);
                wx = ex + fx * Math.sin(b) * 0.27 * s; wy = ey - Math.cos(b) * 0.27 * s; wz = ez + fz * Math.sin(b) * 0.27 * s;
            }
            out.add(Prim.segment(Type.SPHERE, px, py, pz, ex, ey, ez, 0.05 * s).colour(lk.sleeves(), Prim.MATTE).id(id));
            out.add(Prim.segment(Type.SPHERE, ex, ey, ez, wx, wy, wz, 0.042 * s).colour(lk.jacket() ? lk.sleeves() : lk.skin(), Prim.MATTE).id(id));
            out.add(Prim.sphere(wx, wy, wz, 0.04 * s).colour(lk.skin(), Prim.MATTE).id(id));
            if (side == -1 && lk.bag() != null)
                out.add(Prim.box(wx, wy - 0.1 * s, wz, Prim.yawAxes(yaw, 0.1 * s, 0.08 * s, 0.04 * s)).colour(lk.bag(), Prim.SHINY).id(id));
        }
    }

    /** A four-legged animal (dog, horse or mammoth) at (x, z) facing yaw, gait phase. */
    static void animal(List<Prim> out, int id, Vocab.Kind kind, double x, double z, double yaw, double scale, double phase, int rgb, boolean walking) {
        double s = scale * switch (kind) { case DOG -> 0.45; case CAT -> 0.3; case HORSE -> 1.0; default -> 1.6; };
        double fx = Math.cos(yaw), fz = -Math.sin(yaw), sx = Math.sin(yaw), sz = Math.cos(yaw);
        double legH = kind == Vocab.Kind.MAMMOTH ? 0.75 * s : 0.8 * s, bodyY = legH + 0.35 * s;
        double bl = kind == Vocab.Kind.HORSE ? 0.75 * s : 0.7 * s, bw = kind == Vocab.Kind.MAMMOTH ? 0.5 * s : 0.3 * s;
        int mat = Prim.MATTE;
        int dark = darker(rgb, 0.75);
        double bob = walking ? Math.abs(Math.sin(phase)) * 0.03 * s : 0;
        out.add(Prim.ellipsoid(x, bodyY + bob, z, Prim.yawAxes(yaw, bl, 0.38 * s * (kind == Vocab.Kind.MAMMOTH ? 1.35 : 1), bw)).colour(rgb, mat).id(id));
        if (kind == Vocab.Kind.MAMMOTH) // shoulder hump and shaggy fur skirt
        {
            out.add(Prim.ellipsoid(x + fx * 0.3 * s, bodyY + 0.35 * s + bob, z + fz * 0.3 * s, Prim.yawAxes(yaw, 0.45 * s, 0.4 * s, 0.42 * s)).colour(rgb, mat).id(id));
            out.add(Prim.ellipsoid(x, bodyY - 0.3 * s + bob, z, Prim.yawAxes(yaw, bl * 0.95, 0.22 * s, bw * 1.05)).colour(dark, mat).id(id));
        }
        for (int i = 0; i < 4; i++) {
            double along = (i < 2 ? 0.6 : -0.6) * bl, side = (i % 2 == 0 ? 1 : -1) * bw * 0.6;
            double a = walking ? Math.sin(phase + (i == 0 || i == 3 ? 0 : Math.PI)) * 0.35 : 0;
            double hx = x + fx * along + sx * side, hz = z + fz * along + sz * side, hy = bodyY - 0.1 * s;
            double fxx = hx + fx * Math.sin(a) * legH, fyy = Math.max(0.02, hy - Math.cos(a) * (legH + 0.25 * s) + 0.02), fzz = hz + fz * Math.sin(a) * legH;
            double r = kind == Vocab.Kind.MAMMOTH ? 0.17 * s : 0.07 * s;
            out.add(Prim.segment(Type.CYLINDER, hx, hy, hz, fxx, fyy - 0.02 * s, fzz, r).colour(i < 2 ? rgb : dark, mat).id(id));
        }
        // neck and head
        double hdx = x + fx * (bl + 0.15 * s), hdz = z + fz * (bl + 0.15 * s);
        double headY = kind == Vocab.Kind.HORSE ? bodyY + 0.55 * s : kind == Vocab.Kind.MAMMOTH ? bodyY + 0.2 * s : bodyY + 0.3 * s;
        out.add(Prim.segment(Type.SPHERE, x + fx * bl * 0.7, bodyY + 0.1 * s, z + fz * bl * 0.7, hdx, headY, hdz, 0.16 * s).colour(rgb, mat).id(id));
        double hl = kind == Vocab.Kind.HORSE ? 0.3 * s : 0.22 * s;
        out.add(Prim.ellipsoid(hdx + fx * 0.1 * s, headY, hdz + fz * 0.1 * s, Prim.yawAxes(yaw, hl, 0.2 * s, 0.18 * s)).colour(rgb, mat).id(id));
        out.add(Prim.sphere(hdx + fx * 0.2 * s + sx * 0.12 * s, headY + 0.08 * s, hdz + fz * 0.2 * s + sz * 0.12 * s, 0.025 * s).colour(0x111111, Prim.SHINY).id(id));
        out.add(Prim.sphere(hdx + fx * 0.2 * s - sx * 0.12 * s, headY + 0.08 * s, hdz + fz * 0.2 * s - sz * 0.12 * s, 0.025 * s).colour(0x111111, Prim.SHINY).id(id));
        if (kind == Vocab.Kind.MAMMOTH) {
            // trunk in three swaying segments, curved tusks, ears
            double px = hdx + fx * 0.3 * s, py = headY - 0.05 * s, pz = hdz + fz * 0.3 * s;
            for (int k = 0; k < 3; k++) {
                double sw = walking ? Math.sin(phase * 0.5 + k) * 0.12 : 0;
                double qx = px + fx * 0.1 * s + sx * sw * s, qy = py - 0.3 * s, qz = pz + fz * 0.1 * s + sz * sw * s;
                out.add(Prim.segment(Type.SPHERE, px, py, pz, qx, qy, qz, (0.12 - 0.025 * k) * s).colour(dark, mat).id(id));
                px = qx; py = qy; pz = qz;
            }
            for (int side = -1; side <= 1; side += 2) {
                double bx = hdx + fx * 0.25 * s + sx * side * 0.15 * s, by = headY - 0.2 * s, bz = hdz + fz * 0.25 * s + sz * side * 0.15 * s;
                double mx = bx + fx * 0.35 * s + sx * side * 0.1 * s, my = by - 0.3 * s, mz = bz + fz * 0.35 * s + sz * side * 0.1 * s;
                double ex = mx + fx * 0.3 * s, ey = my + 0.25 * s, ez = mz + fz * 0.3 * s;
                out.add(Prim.segment(Type.SPHERE, bx, by, bz, mx, my, mz, 0.05 * s).colour(0xf2ead8, Prim.SHINY).id(id));
                out.add(Prim.segment(Type.SPHERE, mx, my, mz, ex, ey, ez, 0.04 * s).colour(0xf2ead8, Prim.SHINY).id(id));
                out.add(Prim.ellipsoid(hdx - fx * 0.05 * s + sx * side * 0.2 * s, headY + 0.05 * s, hdz - fz * 0.05 * s + sz * side * 0.2 * s,
                        Prim.yawAxes(yaw, 0.05 * s, 0.18 * s, 0.14 * s)).colour(dark, mat).id(id));
            }
        } else {
            for (int side = -1; side <= 1; side += 2)
                out.add(Prim.convex(hdx + sx * side * 0.08 * s, headY + 0.22 * s, hdz + sz * side * 0.08 * s, Prim.yawAxes(yaw, 0.05 * s, 0.08 * s, 0.05 * s), Prim.PYRAMID).colour(dark, mat).id(id));
        }
        // tail
        double tw = walking ? Math.sin(phase * 2) * 0.2 : 0;
        out.add(Prim.segment(Type.SPHERE, x - fx * bl, bodyY + 0.1 * s, z - fz * bl, x - fx * (bl + 0.3 * s) + sx * tw * s, bodyY - 0.2 * s, z - fz * (bl + 0.3 * s) + sz * tw * s, 0.04 * s)
                .colour(dark, mat).id(id));
    }

    static int darker(int rgb, double k) {
        int r = (int) (((rgb >> 16) & 255) * k), g = (int) (((rgb >> 8) & 255) * k), b = (int) ((rgb & 255) * k);
        return (r << 16) | (g << 8) | b;
    }

    static int mix(int a, int b, double k) {
        int r = (int) (((a >> 16) & 255) * (1 - k) + ((b >> 16) & 255) * k), g = (int) (((a >> 8) & 255) * (1 - k) + ((b >> 8) & 255) * k);
        int bl = (int) ((a & 255) * (1 - k) + (b & 255) * k);
        return (r << 16) | (g << 8) | bl;
    }

    /** A pirate ship with hull, deck, masts, sails and a flag, at (x, y, z) facing yaw, rolling by roll radians. */
    static void ship(List<Prim> out, int id, double x, double y, double z, double yaw, double roll, double s, int hull) {
        double c = Math.cos(yaw), sn = Math.sin(yaw);
        // hull: an upside-down wedge (prism) along the ship's length
        double cr = Math.cos(roll), sr = Math.sin(roll);
        // local axes: length along (c, 0, -sn), up rolled about the length axis
        double lx = c, lz = -sn, wx = sn * cr, wy = -sr, wz = c * cr, ux = sn * sr, uy = cr, uz = c * sr;
        double L = 1.0 * s, W = 0.32 * s, H = 0.25 * s;
        out.add(Prim.convex(x, y - 0.05 * s, z, new double[] {wx * W, -ux * H, lx * L, wy * W, -uy * H, 0, wz * W, -uz * H, lz * L}, Prim.PRISM).colour(hull, Prim.SHINY).id(id));
        out.add(Prim.box(x, y + 0.2 * s, z, new double[] {lx * L * 0.95, ux * 0.03 * s, wx * W * 0.95, 0, uy * 0.03 * s, wy * W * 0.95, lz * L * 0.95, uz * 0.03 * s, wz * W * 0.95})
                .colour(darker(hull, 0.7), Prim.MATTE).id(id));
        for (int m = -1; m <= 1; m += 2) {
            double mx = x + lx * m * 0.35 * s + ux * 0.75 * s, my = y + uy * 0.75 * s, mz = z + lz * m * 0.35 * s + uz * 0.75 * s;
            out.add(Prim.segment(Type.CYLINDER, x + lx * m * 0.35 * s, y + 0.2 * s, z + lz * m * 0.35 * s, mx + ux * 0.5 * s, my + uy * 0.5 * s, mz + uz * 0.5 * s, 0.025 * s)
                    .colour(0x5a3a1e, Prim.MATTE).id(id));
            out.add(Prim.box(mx, my + 0.05 * s, mz, new double[] {lx * 0.3 * s, ux * 0.35 * s, wx * 0.02 * s, 0, uy * 0.35 * s, wy * 0.02 * s, lz * 0.3 * s, uz * 0.35 * s, wz * 0.02 * s})
                    .colour(0xeee6d2, Prim.MATTE).id(id));
        }
        out.add(Prim.box(x + lx * 0.35 * s + ux * 1.3 * s + wx * 0.1 * s, y + uy * 1.3 * s, z + lz * 0.35 * s + uz * 1.3 * s + wz * 0.1 * s,
                new double[] {lx * 0.01 * s, ux * 0.07 * s, wx * 0.1 * s, 0, uy * 0.07 * s, wy * 0.1 * s, lz * 0.01 * s, uz * 0.07 * s, wz * 0.1 * s}).colour(0x111111, Prim.MATTE).id(id));
    }
}
