package dev.tessera.world.physics;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic fixed-step rigid-body physics for spheres and boxes on a ground plane (y = 0): gravity, restitution,
 * Coulomb friction (so spheres roll and boxes slide and stop), sphere/box contacts between bodies, resting stacks
 * and toppling chains. Sequential impulses with accumulated clamping (the Box2D/Catto scheme), a small Baumgarte
 * position bias and sleeping, which is what keeps resting stacks from creeping.
 *
 * <p>Limits: box-box contacts are found corner-in-box only (no edge-edge), which is right for stacks, towers and
 * dominoes but can let two boxes meeting exactly edge-on pass slightly into each other. Everything is double
 * arithmetic in a fixed order, so the same inputs give the same bits.
 */
public final class Physics {
    public static final double GRAVITY = 9.81;
    public final double dt;
    public final List<Body> bodies = new ArrayList<>();
    private final List<Contact> contacts = new ArrayList<>();
    private static final int ITERATIONS = 16;
    private static final double SLOP = 0.003, BETA = 0.15, SLEEP_V2 = 0.0025, SLEEP_TIME = 0.4;
    public long steps;

    public Physics(double dt) {
        if (!(dt > 0)) throw new IllegalArgumentException("dt must be positive");
        this.dt = dt;
    }

    public Body add(Body b) { b.index = bodies.size(); bodies.add(b); return b; }

    private static final class Contact {
        Body a, b; // b == null: ground
        double px, py, pz, nx, ny, nz, depth;
        double ra0, ra1, ra2, rb0, rb1, rb2;
        double massN, massT1, massT2, t1x, t1y, t1z, t2x, t2y, t2z, bias, jn, jt1, jt2, friction;
    }

    public void step() {
        steps++;
        for (Body b : bodies) {
            b.touched = false;
            if (b.isDynamic()) b.vy -= GRAVITY * dt;
            b.updateWorldInertia();
        }
        contacts.clear();
        detect();
        prepare();
        for (int it = 0; it < ITERATIONS; it++) for (Contact c : contacts) solve(c);
        for (Body b : bodies) {
            if (!b.isDynamic()) continue;
            // Exact parabola for a free body (so free fall matches 1/2 g t^2), plain symplectic Euler under contact.
            double corr = b.touched ? 0 : 0.5 * GRAVITY * dt * dt;
            b.x += b.vx * dt; b.y += b.vy * dt + corr; b.z += b.vz * dt;
            b.integrateRotation(dt);
            double e = b.vx * b.vx + b.vy * b.vy + b.vz * b.vz + (b.wx * b.wx + b.wy * b.wy + b.wz * b.wz) * b.extent() * b.extent();
            if (b.touched && e < SLEEP_V2) {
                b.stillTime += dt;
                if (b.stillTime > SLEEP_TIME) b.sleep();
            } else b.stillTime = 0;
        }
    }

    // ---- detection -------------------------------------------------------------------------------------------
    private void detect() {
        int n = bodies.size();
        for (int i = 0; i < n; i++) {
            Body a = bodies.get(i);
            if (!a.collides) continue;
            if (a.isDynamic()) groundContacts(a);
            for (int j = i + 1; j < n; j++) {
                Body b = bodies.get(j);
                if (!b.collides || (!a.isDynamic() && !b.isDynamic())) continue;
                double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z, rr = a.extent() + b.extent() + SLOP;
                if (dx * dx + dy * dy + dz * dz > rr * rr) continue;
                if (a.sleeping && b.sleeping) continue;
                pair(a, b);
            }
        }
    }

    private void groundContacts(Body a) {
        if (a.shape == Body.Shape.SPHERE) {
            double d = a.r - a.y;
            if (d > -SLOP) add(a, null, a.x, 0, a.z, 0, 1, 0, d);
        } else {
            for (int k = 0; k < 8; k++) {
                double[] c = a.corner(k);
                if (c[1] < SLOP) add(a, null, c[0], c[1], c[2], 0, 1, 0, -c[1]);
            }
        }
    }

    private void pair(Body a, Body b) {
        if (a.shape == Body.Shape.SPHERE && b.shape == Body.Shape.SPHERE) {
            double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z, d = Math.sqrt(dx * dx + dy * dy + dz * dz);
            double pen = a.r + b.r - d;
            if (pen > -SLOP && d > 1e-9) {
                double nx = dx / d, ny = dy / d, nz = dz / d;
                add(a, b, b.x + nx * b.r, b.y + ny * b.r, b.z + nz * b.r, nx, ny, nz, pen);
            }
        } else if (a.shape == Body.Shape.SPHERE) sphereBox(a, b, false);
        else if (b.shape == Body.Shape.SPHERE) sphereBox(b, a, true);
        else { cornersIn(a, b); cornersIn(b, a); }
    }

    /** Sphere s against box bx; the contact normal points from the box to the sphere (flipped when swapped). */
    private void sphereBox(Body s, Body bx, boolean swapped) {
        double[] l = bx.toLocal(s.x, s.y, s.z);
        double cx = clamp(l[0], bx.hx), cy = clamp(l[1], bx.hy), cz = clamp(l[2], bx.hz);
        double dx = l[0] - cx, dy = l[1] - cy, dz = l[2] - cz, d2 = dx * dx + dy * dy + dz * dz;
        double nlx, nly, nlz, pen;
        if (d2 > 1e-12) {
            double d = Math.sqrt(d2);
            pen = s.r - d;
            nlx = dx / d; nly = dy / d; nlz = dz / d;
        } else { // centre inside the box: push out along the nearest face
            double px = bx.hx - Math.abs(l[0]), py = bx.hy - Math.abs(l[1]), pz = bx.hz - Math.abs(l[2]);
            nlx = nly = nlz = 0;
            if (px <= py && px <= pz) { nlx = l[0] >= 0 ? 1 : -1; pen = px + s.r; }
            else if (py <= pz) { nly = l[1] >= 0 ? 1 : -1; pen = py + s.r; }
            else { nlz = l[2] >= 0 ? 1 : -1; pen = pz + s.r; }
        }
        if (pen <= -SLOP) return;
        double[] n = bx.toWorldDir(nlx, nly, nlz);
        double[] p = bx.toWorld(cx, cy, cz);
        if (!swapped) add(s, bx, p[0], p[1], p[2], n[0], n[1], n[2], pen);
        else add(bx, s, p[0], p[1], p[2], -n[0], -n[1], -n[2], pen);
    }

    /**
     * Corners of box a that lie inside box b. The contact normal is one face axis of b for the whole pair: the axis
     * along which the two boxes overlap least (their centres are most separated relative to their extents), which
     * is right for stacks (corner-on-corner ties) and for a domino leaning on the next.
     */
    private void cornersIn(Body a, Body b) {
        double[] d = b.toLocal(a.x, a.y, a.z);
        double[] Ra = a.rotation(), Rb = b.rotation();
        int axis = 0;
        double best = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
            // a's half extent projected on b's axis k: sum_j |(Rb^T Ra)_kj| h_j
            double proj = 0;
            double[] ha = {a.hx, a.hy, a.hz};
            for (int j = 0; j < 3; j++) proj += Math.abs(Rb[k] * Ra[j] + Rb[3 + k] * Ra[3 + j] + Rb[6 + k] * Ra[6 + j]) * ha[j];
            double hb = k == 0 ? b.hx : k == 1 ? b.hy : b.hz;
            double overlap = hb + proj - Math.abs(d[k]);
            if (overlap < best) { best = overlap; axis = k; }
        }
        double sign = d[axis] >= 0 ? 1 : -1;
        double[] n = b.toWorldDir(axis == 0 ? sign : 0, axis == 1 ? sign : 0, axis == 2 ? sign : 0);
        for (int k = 0; k < 8; k++) {
            double[] c = a.corner(k);
            double[] l = b.toLocal(c[0], c[1], c[2]);
            if (b.hx - Math.abs(l[0]) < -SLOP || b.hy - Math.abs(l[1]) < -SLOP || b.hz - Math.abs(l[2]) < -SLOP) continue;
            double h = axis == 0 ? b.hx : axis == 1 ? b.hy : b.hz;
            double pen = h - l[axis] * sign;
            add(a, b, c[0], c[1], c[2], n[0], n[1], n[2], pen);
        }
    }

    private static double clamp(double v, double h) { return v < -h ? -h : Math.min(v, h); }

    private void add(Body a, Body b, double px, double py, double pz, double nx, double ny, double nz, double depth) {
        Contact c = new Contact();
        c.a = a; c.b = b; c.px = px; c.py = py; c.pz = pz; c.nx = nx; c.ny = ny; c.nz = nz; c.depth = depth;
        contacts.add(c);
        a.touched = true;
        if (b != null) b.touched = true;
        // a fast body hitting a sleeping one wakes it
        if (b != null) {
            if (a.sleeping && b.speed2() > SLEEP_V2 * 4) a.wake();
            if (b.sleeping && a.speed2() > SLEEP_V2 * 4) b.wake();
        }
    }

    // ---- solver ------------------------------------------------------------------------------------------------
    private void prepare() {
        for (Contact c : contacts) {
            Body a = c.a, b = c.b;
            c.ra0 = c.px - a.x; c.ra1 = c.py - a.y; c.ra2 = c.pz - a.z;
            if (b != null) { c.rb0 = c.px - b.x; c.rb1 = c.py - b.y; c.rb2 = c.pz - b.z; }
            // tangent basis
            if (Math.abs(c.nx) < 0.57) { c.t1x = 0; c.t1y = c.nz; c.t1z = -c.ny; }
            else { c.t1x = c.ny; c.t1y = -c.nx; c.t1z = 0; }
            double l = Math.sqrt(c.t1x * c.t1x + c.t1y * c.t1y + c.t1z * c.t1z);
            c.t1x /= l; c.t1y /= l; c.t1z /= l;
            c.t2x = c.ny * c.t1z - c.nz * c.t1y; c.t2y = c.nz * c.t1x - c.nx * c.t1z; c.t2z = c.nx * c.t1y - c.ny * c.t1x;
            c.massN = 1 / kMass(c, c.nx, c.ny, c.nz);
            c.massT1 = 1 / kMass(c, c.t1x, c.t1y, c.t1z);
            c.massT2 = 1 / kMass(c, c.t2x, c.t2y, c.t2z);
            c.friction = b == null ? a.friction : Math.sqrt(a.friction * b.friction);
            double vn = relVel(c, c.nx, c.ny, c.nz);
            double e = b == null ? a.restitution : Math.max(a.restitution, b.restitution);
            c.bias = (vn < -0.6 ? -e * vn : 0) + BETA / dt * Math.max(0, c.depth - SLOP);
        }
    }

    private double kMass(Contact c, double nx, double ny, double nz) {
        double k = c.a.invMassEff() + angularTerm(c.a, c.ra0, c.ra1, c.ra2, nx, ny, nz);
        if (c.b != null) k += c.b.invMassEff() + angularTerm(c.b, c.rb0, c.rb1, c.rb2, nx, ny, nz);
        return k;
    }

    /** n . ((I^-1 (r x n)) x r) */
    private static double angularTerm(Body b, double r0, double r1, double r2, double nx, double ny, double nz) {
        if (!b.isMovable()) return 0;
        double cx = r1 * nz - r2 * ny, cy = r2 * nx - r0 * nz, cz = r0 * ny - r1 * nx;
        double[] I = b.invIw;
        double ix = I[0] * cx + I[1] * cy + I[2] * cz, iy = I[3] * cx + I[4] * cy + I[5] * cz, iz = I[6] * cx + I[7] * cy + I[8] * cz;
        double qx = iy * r2 - iz * r1, qy = iz * r0 - ix * r2, qz = ix * r1 - iy * r0;
        return nx * qx + ny * qy + nz * qz;
    }

    private static double relVel(Contact c, double nx, double ny, double nz) {
        Body a = c.a, b = c.b;
        double vx = a.vx + a.wy * c.ra2 - a.wz * c.ra1, vy = a.vy + a.wz * c.ra0 - a.wx * c.ra2, vz = a.vz + a.wx * c.ra1 - a.wy * c.ra0;
        if (b != null) {
            vx -= b.vx + b.wy * c.rb2 - b.wz * c.rb1; vy -= b.vy + b.wz * c.rb0 - b.wx * c.rb2; vz -= b.vz + b.wx * c.rb1 - b.wy * c.rb0;
        }
        return vx * nx + vy * ny + vz * nz;
    }

    private static void applyImpulse(Contact c, double jx, double jy, double jz) {
        c.a.applyImpulse(jx, jy, jz, c.ra0, c.ra1, c.ra2);
        if (c.b != null) c.b.applyImpulse(-jx, -jy, -jz, c.rb0, c.rb1, c.rb2);
    }

    private void solve(Contact c) {
        double vn = relVel(c, c.nx, c.ny, c.nz);
        double dj = c.massN * (c.bias - vn);
        double old = c.jn;
        c.jn = Math.max(0, old + dj);
        dj = c.jn - old;
        applyImpulse(c, c.nx * dj, c.ny * dj, c.nz * dj);
        double maxF = c.friction * c.jn;
        double vt = relVel(c, c.t1x, c.t1y, c.t1z);
        double o1 = c.jt1;
        c.jt1 = Math.max(-maxF, Math.min(maxF, o1 - c.massT1 * vt));
        double d1 = c.jt1 - o1;
        applyImpulse(c, c.t1x * d1, c.t1y * d1, c.t1z * d1);
        vt = relVel(c, c.t2x, c.t2y, c.t2z);
        double o2 = c.jt2;
        c.jt2 = Math.max(-maxF, Math.min(maxF, o2 - c.massT2 * vt));
        double d2 = c.jt2 - o2;
        applyImpulse(c, c.t2x * d2, c.t2y * d2, c.t2z * d2);
    }
}
