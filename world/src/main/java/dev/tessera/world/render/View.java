package dev.tessera.world.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the renderer draws at one instant: camera, primitives, ground and sky, blob shadows, ground decals,
 * point lights and particles. Built fresh for each frame by the stage.
 */
public final class View {
    public static final int GROUND_STUDIO = 0, GROUND_GRASS = 1, GROUND_SAND = 2, GROUND_SNOW = 3, GROUND_ASPHALT = 4,
            GROUND_WOOD = 5, GROUND_COFFEE = 6;
    public static final int SKY_DAY = 0, SKY_DUSK = 1, SKY_NIGHT = 2, SKY_STUDIO = 3;

    public Camera camera;
    public final List<Prim> prims = new ArrayList<>();
    public int ground = GROUND_STUDIO, sky = SKY_STUDIO;
    /** 0 = matte ground, up to ~0.6 for a wet street or a liquid surface (planar mirror reflection). */
    public double reflectivity;
    public double time;
    /** Unit vector toward the sun/key light, its colour and the ambient level. */
    public double sunX = -0.45, sunY = 0.8, sunZ = 0.4, sunR = 1, sunG = 0.97, sunB = 0.92, ambient = 0.38;
    /** Blob shadows on the ground: x, z, radius, strength. */
    public final List<double[]> blobs = new ArrayList<>();
    /** Ground decals: x, z, rx, rz, yaw, rgb, alpha. */
    public final List<double[]> decals = new ArrayList<>();
    /** Point lights: x, y, z, r, g, b, range. */
    public final List<double[]> lights = new ArrayList<>();
    /** Particles: x, y, z, streak dx, dy, dz, size (world units), rgb, alpha. */
    public final List<double[]> particles = new ArrayList<>();
    /** Wave amplitude of a liquid ground (coffee). */
    public double waves;

    public void blob(double x, double z, double r, double strength) { blobs.add(new double[] {x, z, r, strength}); }

    public void particle(double x, double y, double z, double sx, double sy, double sz, double size, int rgb, double alpha) {
        particles.add(new double[] {x, y, z, sx, sy, sz, size, rgb, alpha});
    }

    public void light(double x, double y, double z, int rgb, double range) {
        lights.add(new double[] {x, y, z, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0, (rgb & 255) / 255.0, range});
    }

    public void sun(double x, double y, double z) {
        double l = Math.sqrt(x * x + y * y + z * z);
        sunX = x / l; sunY = y / l; sunZ = z / l;
    }
}
