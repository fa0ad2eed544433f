package dev.tessera.eval;

/**
 * Names a camera move from the clip's total background motion (fractions of the frame; expansion as a fraction).
 * Pan left moves the background right (+x), tilt up moves it down (+y), zoom/dolly in expands it.
 */
public final class CameraMoves {
    private CameraMoves() {}

    /**
     * Sign of the background's horizontal shift for an orbit relative to the pan of the same name, and of its vertical
     * shift for a crane relative to the tilt of the same name. An orbit left swings the camera round its subject, so
     * the scenery beyond the subject slides the way the camera goes (left), opposite to a pan left; a crane up keeps
     * its subject framed and the ground sinks in the image as in a tilt up. Checked against world renders
     * (CalibrationTest).
     */
    static final int ORBIT_SIGN = -1, CRANE_SIGN = 1;

    static String classify(double nx, double ny, double ns) {
        double mx = Math.abs(nx), my = Math.abs(ny), ms = Math.abs(ns) * 1.5;
        double m = Math.max(mx, Math.max(my, ms));
        if (m < 0.04) return "static";
        if (m == mx) return nx > 0 ? "background_right (pan_left/orbit)" : "background_left (pan_right/orbit)";
        if (m == my) return ny > 0 ? "background_down (tilt_up/crane)" : "background_up (tilt_down/crane)";
        return ns > 0 ? "expanding (zoom_in/dolly_in)" : "contracting (zoom_out/dolly_out)";
    }
}
