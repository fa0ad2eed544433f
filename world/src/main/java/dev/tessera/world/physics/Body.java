package dev.tessera.world.physics;

/**
 * A rigid body: a sphere (radius r) or a box (half extents hx, hy, hz), position, velocity, orientation quaternion
 * (w, qx, qy, qz, body-to-world) and angular velocity. A body with mass 0 is static; {@code kinematic} bodies are
 * moved by the scene script and push dynamic ones without being pushed back.
 */
public final class Body {
    public enum Shape { SPHERE, BOX }

    public final Shape shape;
    public final double r, hx, hy, hz;
    public final double mass, invMass;
    private final double ix, iy, iz; // inverse principal inertia
    public double x, y, z, vx, vy, vz, wx, wy, wz;
    public double qw = 1, qx, qy, qz;
    public double restitution = 0.3, friction = 0.5;
    public boolean kinematic, collides = true, sleeping;
    /** Rolling resistance: fraction of spin lost per second while touching something (spheres only). */
    public double rollingDamping = 0.15;
    int index;
    boolean touched;
    double stillTime;
    final double[] invIw = new double[9];
    private final double[] R = new double[9];

    private Body(Shape shape, double r, double hx, double hy, double hz, double mass) {
        this.shape = shape; this.r = r; this.hx = hx; this.hy = hy; this.hz = hz;
        this.mass = mass; this.invMass = mass > 0 ? 1 / mass : 0;
        if (mass > 0) {
            if (shape == Shape.SPHERE) { double i = 0.4 * mass * r * r; ix = iy = iz = 1 / i; }
            else {
                ix = 1 / (mass / 3 * (hy * hy + hz * hz)); iy = 1 / (mass / 3 * (hx * hx + hz * hz)); iz = 1 / (mass / 3 * (hx * hx + hy * hy));
            }
        } else ix = iy = iz = 0;
        updateRotation();
    }

    public static Body sphere(double r, double mass) { return new Body(Shape.SPHERE, r, r, r, r, mass); }

    public static Body box(double hx, double hy, double hz, double mass) { return new Body(Shape.BOX, Math.sqrt(hx * hx + hy * hy + hz * hz), hx, hy, hz, mass); }

    public Body at(double x, double y, double z) { this.x = x; this.y = y; this.z = z; return this; }

    public Body velocity(double vx, double vy, double vz) { this.vx = vx; this.vy = vy; this.vz = vz; return this; }

    public Body spin(double wx, double wy, double wz) { this.wx = wx; this.wy = wy; this.wz = wz; return this; }

    /** Rotates the body by angle (radians) about a world axis. */
    public Body rotate(double ax, double ay, double az, double angle) {
        double l = Math.sqrt(ax * ax + ay * ay + az * az), s = Math.sin(angle / 2) / l, c = Math.cos(angle / 2);
        double bw = c, bx = ax * s, by = ay * s, bz = az * s;
        double nw = bw * qw - bx * qx - by * qy - bz * qz, nx = bw * qx + bx * qw + by * qz - bz * qy;
        double ny = bw * qy - bx * qz + by * qw + bz * qx, nz = bw * qz + bx * qy - by * qx + bz * qw;
        qw = nw; qx = nx; qy = ny; qz = nz;
        updateRotation();
        return this;
    }

    public boolean isDynamic() { return invMass > 0 && !kinematic && !sleeping; }

    boolean isMovable() { return isDynamic(); }

    double invMassEff() { return isDynamic() ? invMass : 0; }

    double extent() { return r; }

    double speed2() { return vx * vx + vy * vy + vz * vz + (wx * wx + wy * wy + wz * wz) * r * r; }

    public void wake() { sleeping = false; stillTime = 0; }

    void sleep() { sleeping = true; vx = vy = vz = wx = wy = wz = 0; }

    /** Rotation matrix body -> world, row-major. */
    public double[] rotation() { return R; }

    void updateRotation() {
        double w = qw, a = qx, b = qy, c = qz;
        R[0] = 1 - 2 * (b * b + c * c); R[1] = 2 * (a * b - c * w); R[2] = 2 * (a * c + b * w);
        R[3] = 2 * (a * b + c * w); R[4] = 1 - 2 * (a * a + c * c); R[5] = 2 * (b * c - a * w);
        R[6] = 2 * (a * c - b * w); R[7] = 2 * (b * c + a * w); R[8] = 1 - 2 * (a * a + b * b);
    }

    void updateWorldInertia() {
        if (invMass == 0) return;
        // I^-1_world = R diag(ix,iy,iz) R^T
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                invIw[i * 3 + j] = R[i * 3] * ix * R[j * 3] + R[i * 3 + 1] * iy * R[j * 3 + 1] + R[i * 3 + 2] * iz * R[j * 3 + 2];
    }

    void applyImpulse(double jx, double jy, double jz, double r0, double r1, double r2) {
        if (!isDynamic()) return;
        vx += jx * invMass; vy += jy * invMass; vz += jz * invMass;
        double cx = r1 * jz - r2 * jy, cy = r2 * jx - r0 * jz, cz = r0 * jy - r1 * jx;
        wx += invIw[0] * cx + invIw[1] * cy + invIw[2] * cz;
        wy += invIw[3] * cx + invIw[4] * cy + invIw[5] * cz;
        wz += invIw[6] * cx + invIw[7] * cy + invIw[8] * cz;
    }

    void integrateRotation(double dt) {
        if (touched && shape == Shape.SPHERE) {
            double k = Math.max(0, 1 - rollingDamping * dt);
            wx *= k; wy *= k; wz *= k;
            if (y - r < 0.01) { vx *= k; vz *= k; }
        }
        double h = 0.5 * dt;
        double dw = -(wx * qx + wy * qy + wz * qz) * h, dx = (wx * qw + wy * qz - wz * qy) * h;
        double dy = (wy * qw + wz * qx - wx * qz) * h, dz = (wz * qw + wx * qy - wy * qx) * h;
        qw += dw; qx += dx; qy += dy; qz += dz;
        double l = Math.sqrt(qw * qw + qx * qx + qy * qy + qz * qz);
        qw /= l; qx /= l; qy /= l; qz /= l;
        updateRotation();
    }

    public double[] corner(int k) {
        double lx = (k & 1) == 0 ? -hx : hx, ly = (k & 2) == 0 ? -hy : hy, lz = (k & 4) == 0 ? -hz : hz;
        return toWorld(lx, ly, lz);
    }

    public double[] toWorld(double lx, double ly, double lz) {
        return new double[] {x + R[0] * lx + R[1] * ly + R[2] * lz, y + R[3] * lx + R[4] * ly + R[5] * lz, z + R[6] * lx + R[7] * ly + R[8] * lz};
    }

    public double[] toWorldDir(double lx, double ly, double lz) {
        return new double[] {R[0] * lx + R[1] * ly + R[2] * lz, R[3] * lx + R[4] * ly + R[5] * lz, R[6] * lx + R[7] * ly + R[8] * lz};
    }

    public double[] toLocal(double px, double py, double pz) {
        double dx = px - x, dy = py - y, dz = pz - z;
        return new double[] {R[0] * dx + R[3] * dy + R[6] * dz, R[1] * dx + R[4] * dy + R[7] * dz, R[2] * dx + R[5] * dy + R[8] * dz};
    }

    /** Lowest point of the body above the ground. */
    public double bottom() {
        if (shape == Shape.SPHERE) return y - r;
        double m = Double.MAX_VALUE;
        for (int k = 0; k < 8; k++) m = Math.min(m, corner(k)[1]);
        return m;
    }

    /** Tilt of the body's local up axis from world up, radians. */
    public double tilt() { return Math.acos(Math.clamp(R[4], -1, 1)); }
}
