package dev.tessera.world.render;

import dev.tessera.media.Frame;

/**
 * Deterministic software renderer. Each primitive is ray-cast exactly, but only inside its projected screen
 * rectangle (a rasteriser's coverage with a ray tracer's exact surfaces), into depth/normal/id buffers at
 * {@code ss x ss} samples per pixel; then one shading pass (hemisphere ambient + Lambert + Phong, point lights,
 * blob shadows, decals), planar mirror reflections for wet/liquid ground (the scene rendered mirrored through y = 0),
 * one transparent layer for glass, particles splatted with a depth test, and a box-filter downsample for
 * anti-aliasing. Also reports, per object id, how many output pixels show it and their bounding box.
 *
 * <p>One instance per thread (it owns its buffers). No randomness: the same view gives the same bytes.
 */
public final class Renderer {
    public final int width, height, ss, sw, sh;
    private final float[] depth, nx, ny, nz, tdepth, tnx, tny, tnz;
    private final float[] rdepth, rnx, rny, rnz;
    private final int[] prim, tprim, rprim;
    private final float[] cr, cg, cb;
    private Prim[] prims = new Prim[0], mirror = new Prim[0];
    /** Per object id: visible output-pixel count (fractional, from samples) and bbox. Sized by {@link #maxIds}. */
    public final double[] pixels;
    /** Per object id: output-pixel coverage as if nothing occluded it (on screen only), for the visibility fraction. */
    public final double[] unoccluded;
    private final int[] covStamp;
    private int stampBase;
    public final int[] bbox;
    public final int maxIds;

    /**
     * Screen-rectangle culling (on by default). Off, every primitive is ray-cast at every sample: the plain
     * reference the benchmark compares against (same pixels, slower).
     */
    public boolean cull = true;

    /**
     * Adaptive anti-aliasing (on by default): cast one ray per pixel first, then the other ss x ss - 1 samples only
     * where neighbouring pixels see different surfaces. Off, every sample is cast: the plain reference that the
     * parity test compares against.
     */
    public boolean adaptive = true;
    private boolean[] edge = new boolean[0], mixed = new boolean[0];
    private boolean useEdges;
    private static final int ALL = 0, CENTRE = 1, REST = 2;

    public Renderer(int width, int height, int ss, int maxIds) {
        if (width <= 0 || height <= 0 || width > 8192 || height > 8192) throw new IllegalArgumentException("bad size " + width + "x" + height);
        if (ss < 1 || ss > 4) throw new IllegalArgumentException("anti-aliasing factor must be 1..4: " + ss);
        this.width = width; this.height = height; this.ss = ss; this.sw = width * ss; this.sh = height * ss; this.maxIds = maxIds;
        int n = sw * sh;
        depth = new float[n]; nx = new float[n]; ny = new float[n]; nz = new float[n];
        tdepth = new float[n]; tnx = new float[n]; tny = new float[n]; tnz = new float[n];
        rdepth = new float[n]; rnx = new float[n]; rny = new float[n]; rnz = new float[n];
        prim = new int[n]; tprim = new int[n]; rprim = new int[n];
        cr = new float[n]; cg = new float[n]; cb = new float[n];
        pixels = new double[maxIds];
        unoccluded = new double[maxIds];
        covStamp = new int[n];
        bbox = new int[maxIds * 4];
    }

    // camera state for the current frame (sample-space intrinsics)
    private double camX, camY, camZ, fX, fY, fZ, rX, rY, rZ, uX, uY, uZ, focal, pcx, pcy;
    private View view;
    // intersection outputs
    private double hitT, hnx, hny, hnz;

    public Frame render(View v) {
        this.view = v;
        Camera c = v.camera;
        if (c.width() != width || c.height() != height) throw new IllegalArgumentException("camera size differs from renderer size");
        double[] b = c.basis();
        fX = b[0]; fY = b[1]; fZ = b[2]; rX = b[3]; rY = b[4]; rZ = b[5]; uX = b[6]; uY = b[7]; uZ = b[8];
        camX = c.x(); camY = c.y(); camZ = c.z();
        focal = c.fy() * ss; pcx = sw / 2.0; pcy = sh / 2.0;
        prims = v.prims.toArray(new Prim[0]);
        java.util.Arrays.fill(depth, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(tdepth, Float.POSITIVE_INFINITY);
        java.util.Arrays.fill(prim, -1);
        java.util.Arrays.fill(tprim, -1);
        java.util.Arrays.fill(unoccluded, 0);
        // stamps are (frame base + object id + 1): no clearing between frames; an object's primitives are contiguous
        if (stampBase > Integer.MAX_VALUE - 2 * (maxIds + 2)) { java.util.Arrays.fill(covStamp, 0); stampBase = 0; }
        stampBase += maxIds + 2;
        useEdges = adaptive && ss > 1;
        if (useEdges) {
            for (int i = 0; i < prims.length; i++) splat(prims[i], i, false, CENTRE);
            findEdges();
            for (int i = 0; i < prims.length; i++) splat(prims[i], i, false, REST);
        } else
            for (int i = 0; i < prims.length; i++) splat(prims[i], i, false, ALL);
        double w = 1.0 / (ss * ss);
        for (int k = 0; k < maxIds; k++) unoccluded[k] *= w;
        boolean reflect = v.reflectivity > 0 && camY > 0;
        if (reflect) {
            mirror = new Prim[prims.length];
            java.util.Arrays.fill(rdepth, Float.POSITIVE_INFINITY);
            java.util.Arrays.fill(rprim, -1);
            for (int i = 0; i < prims.length; i++) {
                mirror[i] = prims[i].mirrored();
                if (prims[i].material != Prim.GLASS) splat(mirror[i], i, true, ALL);
            }
        }
        shadeAll(reflect);
        drawParticles();
        return resolve();
    }

    // ---- coverage ----------------------------------------------------------------------------------------------
    /** Marks pixels whose centre sample sees another surface (primitive or glass in front) than a neighbour's. */
    private void findEdges() {
        if (edge.length != width * height) { edge = new boolean[width * height]; mixed = new boolean[width * height]; }
        java.util.Arrays.fill(edge, false);
        java.util.Arrays.fill(mixed, false);
        int c = ss / 2;
        for (int py = 0; py < height; py++)
            for (int px = 0; px < width; px++) {
                int i = (py * ss + c) * sw + px * ss + c, k = prim[i], t = front(i);
                if (px + 1 < width) {
                    int j = i + ss;
                    if (prim[j] != k || front(j) != t) { edge[py * width + px] = true; edge[py * width + px + 1] = true; }
                }
                if (py + 1 < height) {
                    int j = i + ss * sw;
                    if (prim[j] != k || front(j) != t) { edge[py * width + px] = true; edge[(py + 1) * width + px] = true; }
                }
            }
    }

    private void splat(Prim p, int index, boolean mirrored, int mode) {
        double r = p.radius;
        double minU = Double.MAX_VALUE, maxU = -Double.MAX_VALUE, minV = Double.MAX_VALUE, maxV = -Double.MAX_VALUE;
        boolean full = !cull;
        // screen rectangle from the 8 corners of the primitive's oriented bounding box (local [-1,1]^3 through A)
        double[] A = p.a;
        for (int k = 0; k < 8 && !full; k++) {
            double sx = (k & 1) == 0 ? -1 : 1, sy = (k & 2) == 0 ? -1 : 1, sz = (k & 4) == 0 ? -1 : 1;
            double px = p.cx + A[0] * sx + A[1] * sy + A[2] * sz - camX, py = p.cy + A[3] * sx + A[4] * sy + A[5] * sz - camY,
                    pz = p.cz + A[6] * sx + A[7] * sy + A[8] * sz - camZ;
            double zc = px * fX + py * fY + pz * fZ;
            if (zc < 1e-3) { full = true; break; }
            double u = pcx + focal * (px * rX + py * rY + pz * rZ) / zc, vv = pcy - focal * (px * uX + py * uY + pz * uZ) / zc;
            minU = Math.min(minU, u); maxU = Math.max(maxU, u); minV = Math.min(minV, vv); maxV = Math.max(maxV, vv);
        }
        int x0, x1, y0, y1;
        if (full) {
            // everything behind the camera: skip; otherwise scan the whole screen
            double dx = p.cx - camX, dy = p.cy - camY, dz = p.cz - camZ;
            if (cull && dx * fX + dy * fY + dz * fZ < -r) return;
            x0 = 0; y0 = 0; x1 = sw - 1; y1 = sh - 1;
        } else {
            x0 = Math.max(0, (int) Math.floor(minU)); x1 = Math.min(sw - 1, (int) Math.ceil(maxU));
            y0 = Math.max(0, (int) Math.floor(minV)); y1 = Math.min(sh - 1, (int) Math.ceil(maxV));
            if (x0 > x1 || y0 > y1) return;
        }
        double[] m = p.inv;
        double ox = camX - p.cx, oy = camY - p.cy, oz = camZ - p.cz;
        double lox = m[0] * ox + m[1] * oy + m[2] * oz, loy = m[3] * ox + m[4] * oy + m[5] * oz, loz = m[6] * ox + m[7] * oy + m[8] * oz;
        double lfx = m[0] * fX + m[1] * fY + m[2] * fZ, lfy = m[3] * fX + m[4] * fY + m[5] * fZ, lfz = m[6] * fX + m[7] * fY + m[8] * fZ;
        double lrx = m[0] * rX + m[1] * rY + m[2] * rZ, lry = m[3] * rX + m[4] * rY + m[5] * rZ, lrz = m[6] * rX + m[7] * rY + m[8] * rZ;
        double lux = m[0] * uX + m[1] * uY + m[2] * uZ, luy = m[3] * uX + m[4] * uY + m[5] * uZ, luz = m[6] * uX + m[7] * uY + m[8] * uZ;
        boolean glass = p.material == Prim.GLASS && !mirrored;
        float[] dBuf = mirrored ? rdepth : glass ? tdepth : depth;
        float[] nxB = mirrored ? rnx : glass ? tnx : nx, nyB = mirrored ? rny : glass ? tny : ny, nzB = mirrored ? rnz : glass ? tnz : nz;
        int[] pBuf = mirrored ? rprim : glass ? tprim : prim;
        double inv = 1 / focal;
        int oid = p.objectId;
        boolean count = !mirrored && oid >= 0 && oid < maxIds && mode != REST;
        double unit = mode == CENTRE ? ss * ss : 1; // a centre sample stands for its whole pixel
        int stamp = stampBase + oid + 1;
        int c = ss / 2;
        int xStart = x0, xStep = 1;
        if (mode == CENTRE) { xStart = x0 + Math.floorMod(c - x0, ss); xStep = ss; }
        for (int y = y0; y <= y1; y++) {
            int sy = y % ss;
            if (mode == CENTRE && sy != c) continue;
            double v = (y + 0.5 - pcy) * inv;
            double bx = lfx - v * lux, by = lfy - v * luy, bz = lfz - v * luz;
            int row = y * sw, erow = (y / ss) * width;
            for (int x = xStart; x <= x1; x += xStep) {
                if (mode == REST) {
                    int px = x / ss;
                    if (!edge[erow + px] || (sy == c && x - px * ss == c)) continue;
                }
                double u = (x + 0.5 - pcx) * inv;
                double dx = bx + u * lrx, dy = by + u * lry, dz = bz + u * lrz;
                if (!intersect(p, lox, loy, loz, dx, dy, dz)) continue;
                int i = row + x;
                if (count && covStamp[i] != stamp) { covStamp[i] = stamp; unoccluded[oid] += unit; }
                // hitT is the ray parameter along the (unnormalised) camera ray, so it compares as depth along forward
                if (hitT < dBuf[i]) {
                    if (mirrored) {
                        // only the part of the mirrored scene below the ground plane is a reflection
                        double wy = camY + hitT * (fY - v * uY + u * rY);
                        if (wy > 0) continue;
                    }
                    dBuf[i] = (float) hitT;
                    // world normal = inv^T * local normal
                    double wx = m[0] * hnx + m[3] * hny + m[6] * hnz, wy = m[1] * hnx + m[4] * hny + m[7] * hnz, wz = m[2] * hnx + m[5] * hny + m[8] * hnz;
                    double l = 1 / Math.sqrt(wx * wx + wy * wy + wz * wz);
                    nxB[i] = (float) (wx * l); nyB[i] = (float) (wy * l); nzB[i] = (float) (wz * l);
                    pBuf[i] = index;
                }
            }
        }
    }

    /** Ray (local origin o, local direction d) against the primitive; sets hitT and the local normal. */
    private boolean intersect(Prim p, double ox, double oy, double oz, double dx, double dy, double dz) {
        double tn, tf, nnx = 0, nny = 0, nnz = 0, fnx = 0, fny = 0, fnz = 0;
        switch (p.type) {
            case SPHERE -> {
                double a = dx * dx + dy * dy + dz * dz, b = ox * dx + oy * dy + oz * dz, c = ox * ox + oy * oy + oz * oz - 1;
                double disc = b * b - a * c;
                if (disc < 0) return false;
                double s = Math.sqrt(disc);
                tn = (-b - s) / a; tf = (-b + s) / a;
                nnx = ox + tn * dx; nny = oy + tn * dy; nnz = oz + tn * dz;
                if (p.inside) { fnx = ox + tf * dx; fny = oy + tf * dy; fnz = oz + tf * dz; }
            }
            case CYLINDER -> {
                double a = dx * dx + dz * dz, b = ox * dx + oz * dz, c = ox * ox + oz * oz - 1;
                double s0, s1;
                if (a < 1e-12) {
                    if (c > 0) return false;
                    s0 = -1e30; s1 = 1e30;
                } else {
                    double disc = b * b - a * c;
                    if (disc < 0) return false;
                    double s = Math.sqrt(disc);
                    s0 = (-b - s) / a; s1 = (-b + s) / a;
                }
                if (p.inside) { // an open tube seen from inside (a cup wall): no caps
                    double yy = oy + s1 * dy;
                    if (yy < -1 || yy > 1 || s1 <= 1e-4) return false;
                    hitT = s1; hnx = -(ox + s1 * dx); hny = 0; hnz = -(oz + s1 * dz);
                    return true;
                }
                double y0, y1;
                if (Math.abs(dy) < 1e-12) {
                    if (Math.abs(oy) > 1) return false;
                    y0 = -1e30; y1 = 1e30;
                } else {
                    double ta = (-1 - oy) / dy, tb = (1 - oy) / dy;
                    y0 = Math.min(ta, tb); y1 = Math.max(ta, tb);
                }
                if (s0 > y0) { tn = s0; nnx = ox + tn * dx; nnz = oz + tn * dz; } else { tn = y0; nny = dy > 0 ? -1 : 1; }
                if (s1 < y1) { tf = s1; fnx = ox + tf * dx; fnz = oz + tf * dz; } else { tf = y1; fny = dy > 0 ? 1 : -1; }
                if (tn > tf) return false;
            }
            default -> {
                double[] pl = p.planes;
                tn = -1e30; tf = 1e30;
                for (int k = 0; k < pl.length; k += 4) {
                    double den = pl[k] * dx + pl[k + 1] * dy + pl[k + 2] * dz;
                    double dist = pl[k + 3] - (pl[k] * ox + pl[k + 1] * oy + pl[k + 2] * oz);
                    if (Math.abs(den) < 1e-12) { if (dist < 0) return false; continue; }
                    double t = dist / den;
                    if (den < 0) { if (t > tn) { tn = t; nnx = pl[k]; nny = pl[k + 1]; nnz = pl[k + 2]; } }
                    else if (t < tf) { tf = t; fnx = pl[k]; fny = pl[k + 1]; fnz = pl[k + 2]; }
                    if (tn > tf) return false;
                }
            }
        }
        if (p.biteR > 0) {
            double bx = ox - p.biteX, by = oy - p.biteY, bz = oz - p.biteZ;
            double a = dx * dx + dy * dy + dz * dz, b = bx * dx + by * dy + bz * dz, c = bx * bx + by * by + bz * bz - p.biteR * p.biteR;
            double disc = b * b - a * c;
            if (disc > 0) {
                double s = Math.sqrt(disc), b0 = (-b - s) / a, b1 = (-b + s) / a;
                if (tn >= b0 && tn <= b1) {
                    if (b1 >= tf) return false;
                    tn = b1;
                    nnx = -(bx + b1 * dx); nny = -(by + b1 * dy); nnz = -(bz + b1 * dz);
                }
            }
        }
        if (p.inside) {
            if (tf <= 1e-4) return false;
            hitT = tf; hnx = -fnx; hny = -fny; hnz = -fnz;
            return true;
        }
        if (tn <= 1e-4) return false;
        hitT = tn; hnx = nnx; hny = nny; hnz = nnz;
        return true;
    }

    // ---- shading -----------------------------------------------------------------------------------------------
    private final double[] col = new double[3];

    /**
     * Shades every sample, but where all ss x ss samples of a pixel see the same surface (same primitive, same glass
     * in front, same reflected primitive) it shades one and copies it: anti-aliasing costs extra only on edges.
     */
    private void shadeAll(boolean reflect) {
        for (int py = 0; py < height; py++)
            for (int px = 0; px < width; px++) {
                int i0 = (py * ss) * sw + px * ss;
                if (useEdges && !edge[py * width + px]) {
                    // only the centre sample was cast: shade it and fill the pixel (depth too, for the particles' test)
                    int c = ss / 2, ic = i0 + c * sw + c;
                    shadeSample(px * ss + c, py * ss + c, ic, reflect);
                    float r = (float) col[0], g = (float) col[1], b = (float) col[2], d = depth[ic];
                    for (int sy = 0; sy < ss; sy++)
                        for (int sx = 0; sx < ss; sx++) { int i = i0 + sy * sw + sx; cr[i] = r; cg[i] = g; cb[i] = b; depth[i] = d; }
                    continue;
                }
                boolean uniform = true;
                int p0 = prim[i0], t0 = front(i0), r0 = reflect && p0 < 0 ? rprim[i0] : -2;
                for (int sy = 0; sy < ss && uniform; sy++)
                    for (int sx = 0; sx < ss; sx++) {
                        int i = i0 + sy * sw + sx;
                        if (prim[i] != p0 || front(i) != t0 || (reflect && p0 < 0 && rprim[i] != r0)) { uniform = false; break; }
                    }
                if (uniform) {
                    // shade the sample nearest the pixel centre and copy
                    int c = ss / 2;
                    int ic = i0 + c * sw + c;
                    shadeSample(px * ss + c, py * ss + c, ic, reflect);
                    float r = (float) col[0], g = (float) col[1], b = (float) col[2];
                    for (int sy = 0; sy < ss; sy++)
                        for (int sx = 0; sx < ss; sx++) { int i = i0 + sy * sw + sx; cr[i] = r; cg[i] = g; cb[i] = b; }
                } else
                    for (int sy = 0; sy < ss; sy++)
                        for (int sx = 0; sx < ss; sx++) {
                            int i = i0 + sy * sw + sx;
                            shadeSample(px * ss + sx, py * ss + sy, i, reflect);
                            cr[i] = (float) col[0]; cg[i] = (float) col[1]; cb[i] = (float) col[2];
                        }
            }
    }

    private int front(int i) { return tprim[i] >= 0 && tdepth[i] < depth[i] ? tprim[i] : -1; }

    private void shadeSample(int x, int y, int i, boolean reflect) {
        View v = view;
        double inv = 1 / focal;
        double vv = (y + 0.5 - pcy) * inv, u = (x + 0.5 - pcx) * inv;
        double dx = fX - vv * uX + u * rX, dy = fY - vv * uY + u * rY, dz = fZ - vv * uZ + u * rZ;
        int pi = prim[i];
        if (pi >= 0) {
            double t = depth[i];
            shadeSurface(prims[pi], camX + t * dx, camY + t * dy, camZ + t * dz, nx[i], ny[i], nz[i], dx, dy, dz);
        } else if (dy < 0 && camY > 0) {
            double t = -camY / dy;
            double gx = camX + t * dx, gz = camZ + t * dz;
            shadeGround(gx, gz, t * Math.sqrt(dx * dx + dy * dy + dz * dz), dx, dy, dz);
            if (reflect) {
                int ri = i;
                if (v.waves > 0) { // ripples displace the reflection lookup
                    int off = (int) Math.round(ss * 1.5 * Math.sin(gx * 3.1 + v.time * 2.3) * Math.cos(gz * 2.7 - v.time * 1.7));
                    int yy = Math.clamp(y + off, 0, sh - 1);
                    ri = yy * sw + x;
                }
                double gr = col[0], gg = col[1], gb = col[2];
                int rp = rprim[ri];
                double k = v.reflectivity;
                if (rp >= 0) {
                    double t2 = rdepth[ri];
                    double ex = camX + t2 * dx, ey = camY + t2 * dy, ez = camZ + t2 * dz;
                    shadeSurface(mirror[rp], ex, ey, ez, rnx[ri], rny[ri], rnz[ri], dx, dy, dz);
                } else {
                    skyColour(dx, -dy, dz);
                    k *= 0.6;
                }
                col[0] = gr * (1 - k) + col[0] * k; col[1] = gg * (1 - k) + col[1] * k; col[2] = gb * (1 - k) + col[2] * k;
            }
        } else skyColour(dx, dy, dz);
        int tp = tprim[i];
        if (tp >= 0 && tdepth[i] < depth[i]) {
            double t = tdepth[i];
            glassOver(prims[tp], camX + t * dx, camY + t * dy, camZ + t * dz, tnx[i], tny[i], tnz[i], dx, dy, dz);
        }
    }

    private void shadeSurface(Prim p, double px, double py, double pz, double nX, double nY, double nZ, double dx, double dy, double dz) {
        double ar = ((p.rgb >> 16) & 255) / 255.0, ag = ((p.rgb >> 8) & 255) / 255.0, ab = (p.rgb & 255) / 255.0;
        if (p.material == Prim.EMISSIVE) { col[0] = ar; col[1] = ag; col[2] = ab; return; }
        View v = view;
        double dl = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
        double vx = -dx * dl, vy = -dy * dl, vz = -dz * dl;
        double ndl = Math.max(0, nX * v.sunX + nY * v.sunY + nZ * v.sunZ);
        // hemisphere ambient: brighter facing the sky
        double amb = v.ambient * (0.65 + 0.35 * nY);
        double lr = amb + ndl * v.sunR, lg = amb + ndl * v.sunG, lb = amb + ndl * v.sunB;
        for (double[] L : v.lights) {
            double lx = L[0] - px, ly = L[1] - py, lz = L[2] - pz, d2 = lx * lx + ly * ly + lz * lz;
            double d = Math.sqrt(d2), fall = Math.max(0, 1 - d / L[6]);
            double k = Math.max(0, (nX * lx + nY * ly + nZ * lz) / d) * fall * fall * 1.6;
            lr += k * L[3]; lg += k * L[4]; lb += k * L[5];
        }
        double r = ar * lr, g = ag * lg, b = ab * lb;
        double spec = switch (p.material) { case Prim.SHINY -> 0.55; case Prim.METAL -> 0.9; case Prim.WATER -> 0.6; default -> 0.06; };
        double shin = switch (p.material) { case Prim.SHINY -> 40; case Prim.METAL -> 60; default -> 8; };
        double hx = v.sunX + vx, hy = v.sunY + vy, hz = v.sunZ + vz, hl = Math.sqrt(hx * hx + hy * hy + hz * hz);
        double nh = Math.max(0, (nX * hx + nY * hy + nZ * hz) / hl);
        double s = spec * Math.pow(nh, shin) * (ndl > 0 ? 1 : 0);
        if (p.material == Prim.METAL) {
            // metal: tinted environment reflection
            double vn = vx * nX + vy * nY + vz * nZ;
            double rx = 2 * vn * nX - vx, ry = 2 * vn * nY - vy, rz = 2 * vn * nZ - vz;
            double sr = r, sg = g, sb = b;
            envColour(rx, ry, rz);
            r = 0.45 * sr + 0.55 * col[0] * ar; g = 0.45 * sg + 0.55 * col[1] * ag; b = 0.45 * sb + 0.55 * col[2] * ab;
        }
        col[0] = r + s * v.sunR; col[1] = g + s * v.sunG; col[2] = b + s * v.sunB;
    }

    private void glassOver(Prim p, double px, double py, double pz, double nX, double nY, double nZ, double dx, double dy, double dz) {
        double br = col[0], bg = col[1], bb = col[2];
        double ar = ((p.rgb >> 16) & 255) / 255.0, ag = ((p.rgb >> 8) & 255) / 255.0, ab = (p.rgb & 255) / 255.0;
        double dl = 1 / Math.sqrt(dx * dx + dy * dy + dz * dz);
        double cos = Math.abs(nX * dx + nY * dy + nZ * dz) * dl;
        double fres = 0.12 + 0.6 * Math.pow(1 - cos, 3);
        View v = view;
        double vx = -dx * dl, vy = -dy * dl, vz = -dz * dl;
        double hx = v.sunX + vx, hy = v.sunY + vy, hz = v.sunZ + vz, hl = Math.sqrt(hx * hx + hy * hy + hz * hz);
        double s = 0.9 * Math.pow(Math.max(0, Math.abs(nX * hx + nY * hy + nZ * hz) / hl), 60);
        double tint = 0.75;
        col[0] = br * tint * (0.6 + 0.4 * ar) * (1 - fres) + fres * 0.9 + s;
        col[1] = bg * tint * (0.6 + 0.4 * ag) * (1 - fres) + fres * 0.92 + s;
        col[2] = bb * tint * (0.6 + 0.4 * ab) * (1 - fres) + fres * 0.95 + s;
    }

    private static double hash(int x, int y) {
        int h = x * 374761393 + y * 668265263;
        h = (h ^ (h >>> 13)) * 1274126177;
        return ((h ^ (h >>> 16)) & 0xffff) / 65535.0;
    }

    private static double noise(double x, double y) {
        int ix = (int) Math.floor(x), iy = (int) Math.floor(y);
        double fx = x - ix, fy = y - iy;
        fx = fx * fx * (3 - 2 * fx); fy = fy * fy * (3 - 2 * fy);
        double a = hash(ix, iy), b = hash(ix + 1, iy), c = hash(ix, iy + 1), d = hash(ix + 1, iy + 1);
        return a + (b - a) * fx + (c - a) * fy + (a - b - c + d) * fx * fy;
    }

    private void shadeGround(double gx, double gz, double dist, double dx, double dy, double dz) {
        View v = view;
        double r, g, b;
        // texture contrast fades with distance so far ground does not alias
        double fade = Math.max(0, 1 - dist / 28);
        switch (v.ground) {
            case View.GROUND_GRASS -> {
                double n = noise(gx * 2.2, gz * 2.2);
                r = 0.22 + 0.12 * n * fade; g = 0.48 + 0.18 * n * fade; b = 0.16 + 0.05 * n;
            }
            case View.GROUND_SAND -> {
                double n = noise(gx * 4, gz * 4);
                if (gz < -9) { double w = 0.5 + 0.5 * Math.sin(gx * 1.3 + v.time * 1.5 + gz); r = 0.12 + 0.05 * w; g = 0.38 + 0.06 * w; b = 0.58 + 0.08 * w; }
                else if (gz < -8) { r = 0.92; g = 0.93; b = 0.9; }
                else { r = 0.86 + 0.06 * n * fade; g = 0.76 + 0.05 * n * fade; b = 0.55; }
            }
            case View.GROUND_SNOW -> {
                double n = noise(gx * 2, gz * 2);
                r = 0.9 + 0.05 * n * fade; g = 0.92 + 0.05 * n * fade; b = 0.97;
            }
            case View.GROUND_ASPHALT -> {
                double n = noise(gx * 5, gz * 5);
                r = 0.11 + 0.05 * n * fade; g = 0.11 + 0.05 * n * fade; b = 0.13 + 0.05 * n * fade;
                // lane dashes along z and kerbs
                double ax = Math.abs(gx);
                if (ax < 0.08 && Math.floorMod((int) Math.floor(gz * 0.5), 2) == 0) { r = g = 0.75; b = 0.6; }
                if (ax > 4.0) { r += 0.12; g += 0.12; b += 0.12; } // pavement
            }
            case View.GROUND_WOOD -> {
                double plank = Math.floor(gx * 1.6);
                double grain = noise(gx * 1.6 * 8, gz * 0.9 + plank * 7.3);
                r = 0.55 + 0.12 * grain * fade - 0.03 * hash((int) plank, 3); g = 0.36 + 0.08 * grain * fade; b = 0.2 + 0.04 * grain;
                if (gx * 1.6 - plank < 0.04) { r *= 0.7; g *= 0.7; b *= 0.7; }
            }
            case View.GROUND_COFFEE -> {
                double w = Math.sin(gx * 2.2 + v.time * 1.8) * Math.cos(gz * 1.9 - v.time * 1.3);
                double foam = noise(gx * 1.5 + v.time * 0.1, gz * 1.5);
                r = 0.36 + 0.08 * w; g = 0.22 + 0.05 * w; b = 0.12 + 0.03 * w;
                if (foam > 0.72) { double f = (foam - 0.72) * 3; r += f * 0.4; g += f * 0.35; b += f * 0.25; }
            }
            default -> {
                // studio: soft large checker so camera motion is visible
                int cx = (int) Math.floor(gx), cz = (int) Math.floor(gz);
                double c = ((cx + cz) & 1) == 0 ? 0.06 * fade : 0;
                r = 0.72 + c; g = 0.72 + c; b = 0.74 + c;
            }
        }
        for (double[] d : v.decals) {
            double ex = gx - d[0], ez = gz - d[1], c = Math.cos(d[4]), s = Math.sin(d[4]);
            double lx = (ex * c + ez * s) / d[2], lz = (-ex * s + ez * c) / d[3];
            if (lx * lx + lz * lz < 1) {
                int rgb = (int) d[5];
                double a = d[6];
                r = r * (1 - a) + a * ((rgb >> 16) & 255) / 255.0; g = g * (1 - a) + a * ((rgb >> 8) & 255) / 255.0; b = b * (1 - a) + a * (rgb & 255) / 255.0;
            }
        }
        double shade = 1;
        for (double[] bl : v.blobs) {
            double ex = gx - bl[0], ez = gz - bl[1], q = (ex * ex + ez * ez) / (bl[2] * bl[2]);
            if (q < 1) { double f = 1 - q; shade *= 1 - bl[3] * f * f; }
        }
        double light = v.ambient * 0.9 + Math.max(0, v.sunY) * 0.75;
        double lr = light * v.sunR, lg = light * v.sunG, lb = light * v.sunB;
        for (double[] L : v.lights) {
            double lx = L[0] - gx, ly = L[1], lz = L[2] - gz, d = Math.sqrt(lx * lx + ly * ly + lz * lz), fall = Math.max(0, 1 - d / L[6]);
            double k = Math.max(0, ly / d) * fall * fall * 2.2;
            lr += k * L[3]; lg += k * L[4]; lb += k * L[5];
        }
        r *= lr * shade; g *= lg * shade; b *= lb * shade;
        // distance haze toward the horizon colour
        if (dist > 25) {
            double haze = Math.min(1, (dist - 25) / 60);
            double hr = r, hg = g, hb = b;
            skyColour(dx, 0.02, dz);
            r = hr + (col[0] - hr) * haze; g = hg + (col[1] - hg) * haze; b = hb + (col[2] - hb) * haze;
        }
        col[0] = r; col[1] = g; col[2] = b;
    }

    private void skyColour(double dx, double dy, double dz) {
        double l = Math.sqrt(dx * dx + dy * dy + dz * dz), e = Math.max(0, dy / l);
        View v = view;
        double r, g, b;
        switch (v.sky) {
            case View.SKY_DAY -> { r = 0.72 - 0.4 * e; g = 0.83 - 0.3 * e; b = 0.95 - 0.08 * e; }
            case View.SKY_DUSK -> { r = 0.98 - 0.7 * e; g = 0.58 - 0.35 * e; b = 0.4 + 0.1 * e; }
            case View.SKY_NIGHT -> {
                r = 0.06 - 0.04 * e; g = 0.07 - 0.05 * e; b = 0.14 - 0.08 * e;
                if (e > 0.05) {
                    int sx = (int) Math.floor(dx / l * 300), sy = (int) Math.floor(dy / l * 300), sz = (int) Math.floor(dz / l * 300);
                    if (hash(sx * 7 + sz, sy) > 0.997) { r = g = b = 0.85; }
                }
            }
            default -> { r = 0.62 + 0.1 * e; g = 0.63 + 0.1 * e; b = 0.66 + 0.1 * e; }
        }
        if (v.sky != View.SKY_STUDIO && v.sunY > 0) {
            double sd = (dx * v.sunX + dy * v.sunY + dz * v.sunZ) / l;
            if (sd > 0.9990) { r = 1; g = 0.97; b = 0.85; }
            else if (sd > 0.97) { double k = (sd - 0.97) / 0.03 * 0.35; r += k; g += k * 0.9; b += k * 0.6; }
        }
        col[0] = r; col[1] = g; col[2] = b;
    }

    /** What a mirror-like surface sees: sky above, a dim ground below. */
    private void envColour(double dx, double dy, double dz) {
        if (dy >= 0) skyColour(dx, dy, dz);
        else { skyColour(dx, 0.01, dz); col[0] *= 0.45; col[1] *= 0.45; col[2] *= 0.45; }
    }

    // ---- particles ---------------------------------------------------------------------------------------------
    private void drawParticles() {
        for (double[] q : view.particles) {
            double[] a = toScreen(q[0], q[1], q[2]);
            if (a == null) continue;
            int rgb = (int) q[7];
            double pr = ((rgb >> 16) & 255) / 255.0, pg = ((rgb >> 8) & 255) / 255.0, pb = (rgb & 255) / 255.0, alpha = q[8];
            double rad = Math.max(0.6, q[6] * focal / a[2]);
            boolean streak = q[3] != 0 || q[4] != 0 || q[5] != 0;
            if (streak) {
                double[] e = toScreen(q[0] + q[3], q[1] + q[4], q[2] + q[5]);
                if (e == null) continue;
                int n = (int) Math.ceil(Math.max(Math.abs(e[0] - a[0]), Math.abs(e[1] - a[1]))) + 1;
                for (int k = 0; k <= n; k++) {
                    double f = (double) k / n;
                    plot(a[0] + (e[0] - a[0]) * f, a[1] + (e[1] - a[1]) * f, a[2], rad * 0.5, pr, pg, pb, alpha);
                }
            } else plot(a[0], a[1], a[2], rad, pr, pg, pb, alpha);
        }
    }

    private double[] toScreen(double px, double py, double pz) {
        double dx = px - camX, dy = py - camY, dz = pz - camZ;
        double zc = dx * fX + dy * fY + dz * fZ;
        if (zc < 0.05) return null;
        return new double[] {pcx + focal * (dx * rX + dy * rY + dz * rZ) / zc, pcy - focal * (dx * uX + dy * uY + dz * uZ) / zc, zc};
    }

    private void plot(double u, double v, double zc, double rad, double r, double g, double b, double alpha) {
        int x0 = (int) Math.floor(u - rad), x1 = (int) Math.ceil(u + rad), y0 = (int) Math.floor(v - rad), y1 = (int) Math.ceil(v + rad);
        if (x1 < 0 || y1 < 0 || x0 >= sw || y0 >= sh) return;
        double r2 = rad * rad;
        for (int y = Math.max(0, y0); y <= Math.min(sh - 1, y1); y++)
            for (int x = Math.max(0, x0); x <= Math.min(sw - 1, x1); x++) {
                double ex = x + 0.5 - u, ey = y + 0.5 - v;
                if (ex * ex + ey * ey > r2 + 0.25) continue;
                int i = y * sw + x;
                // depth along the ray = zc / (ray . forward) = zc for our unnormalised rays
                if (depth[i] < zc) continue;
                cr[i] = (float) (cr[i] * (1 - alpha) + r * alpha);
                cg[i] = (float) (cg[i] * (1 - alpha) + g * alpha);
                cb[i] = (float) (cb[i] * (1 - alpha) + b * alpha);
                if (useEdges) mixed[(y / ss) * width + x / ss] = true; // no longer one flat colour: resolve averages it
            }
    }

    // ---- resolve -----------------------------------------------------------------------------------------------
    private Frame resolve() {
        int[] out = new int[width * height];
        java.util.Arrays.fill(pixels, 0);
        for (int k = 0; k < maxIds; k++) { bbox[4 * k] = Integer.MAX_VALUE; bbox[4 * k + 1] = Integer.MAX_VALUE; bbox[4 * k + 2] = -1; bbox[4 * k + 3] = -1; }
        int[] objOf = new int[prims.length];
        for (int k = 0; k < prims.length; k++) { int id = prims[k].objectId; objOf[k] = id < maxIds ? id : -1; }
        double w = 1.0 / (ss * ss);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                double r = 0, g = 0, b = 0;
                boolean whole = useEdges && !edge[y * width + x];
                if (whole) {
                    int c = ss / 2, ic = (y * ss + c) * sw + x * ss + c;
                    int tp = tprim[ic], pp = prim[ic];
                    int id = tp >= 0 && tdepth[ic] < depth[ic] ? objOf[tp] : pp >= 0 ? objOf[pp] : -1;
                    if (id >= 0) {
                        pixels[id] += 1;
                        int k = 4 * id;
                        if (x < bbox[k]) bbox[k] = x;
                        if (y < bbox[k + 1]) bbox[k + 1] = y;
                        if (x > bbox[k + 2]) bbox[k + 2] = x;
                        if (y > bbox[k + 3]) bbox[k + 3] = y;
                    }
                    if (!mixed[y * width + x]) {
                        out[y * width + x] = (toByte(cr[ic]) << 16) | (toByte(cg[ic]) << 8) | toByte(cb[ic]);
                        continue;
                    }
                }
                for (int sy = 0; sy < ss; sy++) {
                    int row = (y * ss + sy) * sw + x * ss;
                    for (int sx = 0; sx < ss; sx++) {
                        int i = row + sx;
                        r += cr[i]; g += cg[i]; b += cb[i];
                        if (whole) continue;
                        int tp = tprim[i], pp = prim[i];
                        int id = tp >= 0 && tdepth[i] < depth[i] ? objOf[tp] : pp >= 0 ? objOf[pp] : -1;
                        if (id >= 0) {
                            pixels[id] += w;
                            int k = 4 * id;
                            if (x < bbox[k]) bbox[k] = x;
                            if (y < bbox[k + 1]) bbox[k + 1] = y;
                            if (x > bbox[k + 2]) bbox[k + 2] = x;
                            if (y > bbox[k + 3]) bbox[k + 3] = y;
                        }
                    }
                }
                out[y * width + x] = (toByte(r * w) << 16) | (toByte(g * w) << 8) | toByte(b * w);
            }
        return new Frame(width, height, out);
    }

    private static int toByte(double v) {
        // gentle filmic shoulder so highlights do not clip hard
        double c = v < 0.8 ? v : 0.8 + 0.2 * (1 - Math.exp(-(v - 0.8) * 5));
        int i = (int) Math.round(c * 255);
        return i < 0 ? 0 : Math.min(255, i);
    }
}
