package dev.tessera.world.render;

/**
 * One exactly ray-traced primitive: a unit sphere, a unit cylinder (radius 1, y in [-1, 1]) or a convex polytope given
 * by planes, in a local frame mapped to the world by {@code world = centre + A * local} (A's columns are the local
 * axes, scale included, so ellipsoids and elliptic cylinders come free). A primitive may have a spherical bite taken
 * out of it (CSG difference), which is how a bitten cookie keeps its bite mark.
 */
public final class Prim {
    public enum Type { SPHERE, CYLINDER, CONVEX }

    public static final int MATTE = 0, SHINY = 1, METAL = 2, GLASS = 3, EMISSIVE = 4, WATER = 5;

    public final Type type;
    public final double cx, cy, cz;
    public final double[] a = new double[9];   // local -> world (row-major)
    public final double[] inv = new double[9]; // world -> local
    public final double[] planes;              // convex: nx, ny, nz, d per plane (local)
    public double radius;                      // bounding radius (world)
    public int rgb, material, objectId = -1;
    /** Bite sphere in local coordinates; biteR == 0: none. */
    public double biteX, biteY, biteZ, biteR;
    /** Render the far side with the normal flipped (seen from inside, like a cup wall). */
    public boolean inside;

    public Prim(Type type, double cx, double cy, double cz, double[] axes, double[] planes) {
        this.type = type; this.cx = cx; this.cy = cy; this.cz = cz; this.planes = planes;
        System.arraycopy(axes, 0, a, 0, 9);
        invert(a, inv);
        double c0 = Math.sqrt(a[0] * a[0] + a[3] * a[3] + a[6] * a[6]), c1 = Math.sqrt(a[1] * a[1] + a[4] * a[4] + a[7] * a[7]);
        double c2 = Math.sqrt(a[2] * a[2] + a[5] * a[5] + a[8] * a[8]);
        double localR = switch (type) { case SPHERE -> 1; case CYLINDER -> Math.sqrt(2); case CONVEX -> Math.sqrt(3); };
        radius = localR * Math.max(c0, Math.max(c1, c2));
    }

    public Prim colour(int rgb, int material) { this.rgb = rgb; this.material = material; return this; }

    public Prim id(int objectId) { this.objectId = objectId; return this; }

    /** Mirror image through the ground plane y = 0 (for planar reflections). */
    public Prim mirrored() {
        double[] m = a.clone();
        m[3] = -m[3]; m[4] = -m[4]; m[5] = -m[5];
        Prim p = new Prim(type, cx, -cy, cz, m, planes);
        p.rgb = rgb; p.material = material; p.objectId = objectId; p.inside = inside;
        p.biteX = biteX; p.biteY = biteY; p.biteZ = biteZ; p.biteR = biteR;
        return p;
    }

    static void invert(double[] m, double[] o) {
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (Math.abs(det) < 1e-18) throw new IllegalArgumentException("degenerate primitive");
        double id = 1 / det;
        o[0] = (m[4] * m[8] - m[5] * m[7]) * id; o[1] = (m[2] * m[7] - m[1] * m[8]) * id; o[2] = (m[1] * m[5] - m[2] * m[4]) * id;
        o[3] = (m[5] * m[6] - m[3] * m[8]) * id; o[4] = (m[0] * m[8] - m[2] * m[6]) * id; o[5] = (m[2] * m[3] - m[0] * m[5]) * id;
        o[6] = (m[3] * m[7] - m[4] * m[6]) * id; o[7] = (m[1] * m[6] - m[0] * m[7]) * id; o[8] = (m[0] * m[4] - m[1] * m[3]) * id;
    }

    // ---- builders ----------------------------------------------------------------------------------------------

    /** Axes of a frame rotated by yaw about +y with half extents sx, sy, sz. */
    public static double[] yawAxes(double yaw, double sx, double sy, double sz) {
        double c = Math.cos(yaw), s = Math.sin(yaw);
        return new double[] {c * sx, 0, s * sz, 0, sy, 0, -s * sx, 0, c * sz};
    }

    /** Axes from a rotation matrix (row-major, body -> world) and half extents. */
    public static double[] rotAxes(double[] r, double sx, double sy, double sz) {
        return new double[] {r[0] * sx, r[1] * sy, r[2] * sz, r[3] * sx, r[4] * sy, r[5] * sz, r[6] * sx, r[7] * sy, r[8] * sz};
    }

    public static Prim sphere(double x, double y, double z, double r) { return new Prim(Type.SPHERE, x, y, z, new double[] {r, 0, 0, 0, r, 0, 0, 0, r}, null); }

    public static Prim ellipsoid(double x, double y, double z, double[] axes) { return new Prim(Type.SPHERE, x, y, z, axes, null); }

    public static Prim cylinder(double x, double y, double z, double[] axes) { return new Prim(Type.CYLINDER, x, y, z, axes, null); }

    public static Prim box(double x, double y, double z, double[] axes) { return new Prim(Type.CONVEX, x, y, z, axes, BOX); }

    public static Prim convex(double x, double y, double z, double[] axes, double[] planes) { return new Prim(Type.CONVEX, x, y, z, axes, planes); }

    /** A primitive (ellipsoid, cylinder or box) whose local y axis runs from p to q, with cross-section radius r. */
    public static Prim segment(Type type, double px, double py, double pz, double qx, double qy, double qz, double r) {
        double dx = (qx - px) / 2, dy = (qy - py) / 2, dz = (qz - pz) / 2;
        double l = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (l < 1e-9) { dy = 1e-4; l = 1e-4; }
        double ux = dx / l, uy = dy / l, uz = dz / l;
        // any perpendicular
        double ax, ay, az;
        if (Math.abs(uy) < 0.9) { ax = uz; ay = 0; az = -ux; } else { ax = 0; ay = -uz; az = uy; }
        double al = Math.sqrt(ax * ax + ay * ay + az * az); ax /= al; ay /= al; az /= al;
        double bx = uy * az - uz * ay, by = uz * ax - ux * az, bz = ux * ay - uy * ax;
        double[] axes = {ax * r, dx, bx * r, ay * r, dy, by * r, az * r, dz, bz * r};
        double[] pl = type == Type.CONVEX ? BOX : null;
        return new Prim(type, px + dx, py + dy, pz + dz, axes, pl);
    }

    public static final double[] BOX = {1, 0, 0, 1, -1, 0, 0, 1, 0, 1, 0, 1, 0, -1, 0, 1, 0, 0, 1, 1, 0, 0, -1, 1};
    public static final double[] PYRAMID = pyramid(4, 1, Math.PI / 4);
    public static final double[] CONE = pyramid(24, 1, 0);
    public static final double[] TETRA = pyramid(3, 0.5, Math.PI / 2);
    public static final double[] PRISM = {2 / Math.sqrt(5), 1 / Math.sqrt(5), 0, 1 / Math.sqrt(5), -2 / Math.sqrt(5), 1 / Math.sqrt(5), 0, 1 / Math.sqrt(5),
            0, -1, 0, 1, 0, 0, 1, 1, 0, 0, -1, 1};
    public static final double[] OCTA = octa();

    /** A pyramid with base y = -1 (a regular polygon of the given in-radius) and apex (0, 1, 0). */
    static double[] pyramid(int sides, double rIn, double angle0) {
        double[] p = new double[4 * (sides + 1)];
        for (int i = 0; i < sides; i++) {
            double ang = angle0 + 2 * Math.PI * (i + 0.5) / sides;
            double nx = 2 * Math.cos(ang), nz = 2 * Math.sin(ang), ny = rIn, l = Math.sqrt(nx * nx + ny * ny + nz * nz);
            p[4 * i] = nx / l; p[4 * i + 1] = ny / l; p[4 * i + 2] = nz / l; p[4 * i + 3] = ny / l;
        }
        p[4 * sides] = 0; p[4 * sides + 1] = -1; p[4 * sides + 2] = 0; p[4 * sides + 3] = 1;
        return p;
    }

    static double[] octa() {
        double[] p = new double[32];
        int k = 0;
        double s = 1 / Math.sqrt(3);
        for (int i = 0; i < 8; i++) {
            p[k++] = ((i & 1) == 0 ? 1 : -1) * s; p[k++] = ((i & 2) == 0 ? 1 : -1) * s; p[k++] = ((i & 4) == 0 ? 1 : -1) * s; p[k++] = s;
        }
        return p;
    }
}
