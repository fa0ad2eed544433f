package dev.tessera.world.render;

/**
 * Pinhole camera: position, yaw (about +y, 0 looks down -z, positive turns left), pitch (positive looks up) and
 * vertical field of view, for an image of width x height pixels. Image coordinates: x right, y down, pixel centres at
 * i + 0.5; principal point at the image centre; square pixels (fx = fy).
 */
public record Camera(double x, double y, double z, double yaw, double pitch, double fovY, int width, int height) {
    public double fy() { return height / 2.0 / Math.tan(fovY / 2); }
    public double fx() { return fy(); }
    public double cx() { return width / 2.0; }
    public double cy() { return height / 2.0; }

    /** Forward, right and up unit vectors, 9 doubles. */
    public double[] basis() {
        double cp = Math.cos(pitch), sp = Math.sin(pitch), cyw = Math.cos(yaw), syw = Math.sin(yaw);
        double fx = -syw * cp, fy = sp, fz = -cyw * cp;
        double rx = cyw, ry = 0, rz = -syw;
        double ux = ry * fz - rz * fy, uy = rz * fx - rx * fz, uz = rx * fy - ry * fx;
        return new double[] {fx, fy, fz, rx, ry, rz, ux, uy, uz};
    }

    /** Projects a world point: {u, v, depth}; depth <= 0 means behind the camera. */
    public double[] project(double px, double py, double pz) {
        double[] b = basis();
        double dx = px - x, dy = py - y, dz = pz - z;
        double zc = dx * b[0] + dy * b[1] + dz * b[2], xc = dx * b[3] + dy * b[4] + dz * b[5], yc = dx * b[6] + dy * b[7] + dz * b[8];
        double f = fy();
        return new double[] {cx() + f * xc / zc, cy() - f * yc / zc, zc};
    }

    /** World-to-camera rotation in the OpenCV convention (x right, y down, z forward), row-major 3x3. */
    public double[] rotationCv() {
        double[] b = basis();
        return new double[] {b[3], b[4], b[5], -b[6], -b[7], -b[8], b[0], b[1], b[2]};
    }

    /** Translation t = -R * position (OpenCV convention, so x_cam = R x_world + t). */
    public double[] translationCv() {
        double[] r = rotationCv();
        return new double[] {-(r[0] * x + r[1] * y + r[2] * z), -(r[3] * x + r[4] * y + r[5] * z), -(r[6] * x + r[7] * y + r[8] * z)};
    }

    public Camera withSize(int w, int h) { return new Camera(x, y, z, yaw, pitch, fovY, w, h); }
}
