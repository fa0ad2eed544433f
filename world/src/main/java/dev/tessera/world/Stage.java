package dev.tessera.world;

import dev.tessera.world.SceneSpec.Event;
import dev.tessera.world.SceneSpec.Rel;
import dev.tessera.world.SceneSpec.Thing;
import dev.tessera.world.SceneSpec.Worn;
import dev.tessera.world.Vocab.CameraMove;
import dev.tessera.world.Vocab.Category;
import dev.tessera.world.Vocab.Clothing;
import dev.tessera.world.Vocab.Direction;
import dev.tessera.world.Vocab.EventKind;
import dev.tessera.world.Vocab.Kind;
import dev.tessera.world.Vocab.Motion;
import dev.tessera.world.Vocab.Particle;
import dev.tessera.world.Vocab.Relation;
import dev.tessera.world.Vocab.Setting;
import dev.tessera.world.physics.Body;
import dev.tessera.world.physics.Physics;
import dev.tessera.world.render.Camera;
import dev.tessera.world.render.Prim;
import dev.tessera.world.render.Prim.Type;
import dev.tessera.world.render.View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A resolved scene made concrete: layout from the relations, physics bodies and animated actors from the motions,
 * an event schedule, the camera path and the scenery of the setting. {@link #advanceTo} runs the fixed-step
 * simulation; {@link #view} builds what the renderer draws at that instant. Everything derives from (spec, seed).
 */
final class Stage {
    static final double DT = 1.0 / 240;

    final SceneSpec spec;
    final double seconds;
    final int width, height;
    final Physics physics = new Physics(DT);
    final List<Actor> actors = new ArrayList<>();
    final List<EventRun> events = new ArrayList<>();
    final List<Prim> scenery = new ArrayList<>();
    final List<double[]> sceneryLights = new ArrayList<>();
    private final SplittableRandom rnd;
    private final long seed;
    double time;
    // camera base
    double camDist, camHeight, targetY, fovY;
    Actor tracked;

    Stage(SceneSpec spec, long seed, double seconds, int width, int height) {
        this.spec = spec; this.seed = seed; this.seconds = seconds; this.width = width; this.height = height;
        this.rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        schedule();
        layout();
        for (Actor a : actors) if (a instanceof Solid so) so.postPlace();
        scenery();
        cameraSetup();
    }

    // ---------------------------------------------------------------------------------------------------------------
    /** One truth object: a thing instance. */
    abstract class Actor {
        final Thing thing;
        final int instance, truthIndex;
        final String id;
        double baseX, baseZ;
        String state = "normal";
        double[] lastPos;

        Actor(Thing thing, int instance) {
            this.thing = thing; this.instance = instance; this.truthIndex = actors.size();
            this.id = "t" + thing.id() + (thing.count() > 1 ? "." + instance : "");
        }

        abstract void emit(View v, double t);
        abstract double[] centre(double t);
        void script(double t) {}
        double[] velocity(double t) {
            double[] a = centre(t), b = centre(Math.max(0, t - DT));
            if (t < DT) return new double[3];
            return new double[] {(a[0] - b[0]) / DT, (a[1] - b[1]) / DT, (a[2] - b[2]) / DT};
        }
        int rgb() { return thing.colour() == null ? 0x888888 : thing.colour().rgb; }
        double scale() { return thing.size() == null ? 1 : thing.size().scale; }
        int mat() {
            if (thing.material() == null) return Prim.MATTE;
            return switch (thing.material()) { case SHINY -> Prim.SHINY; case METAL -> Prim.METAL; case GLASS -> Prim.GLASS; default -> Prim.MATTE; };
        }
    }

    /** Events at run time: start time, measured end, state changes. */
    final class EventRun {
        final Event event;
        final int order;
        double start;
        Double end;
        final List<Truth.StateChange> changes = new ArrayList<>();
        EventRun(Event e, int order) { this.event = e; this.order = order; }
        boolean started(double t) { return t >= start; }
    }

    EventRun eventFor(Thing t, EventKind k) {
        for (EventRun e : events) if (e.event.subject() == t.id() && e.event.kind() == k) return e;
        return null;
    }

    EventRun eventAsAgent(Thing t) {
        for (EventRun e : events) if (e.event.agent() == t.id()) return e;
        return null;
    }

    // ---- layout ---------------------------------------------------------------------------------------------------
    private final Map<Integer, double[]> slot = new HashMap<>();

    private void layout() {
        List<Thing> placed = new ArrayList<>();
        for (Thing t : spec.things()) if (t.kind().category != Category.CROWD && t.kind() != Kind.PAINT_STROKE) placed.add(t);
        // order along x: seeded shuffle, then enforce LEFT_OF / RIGHT_OF by repeated swaps (relations form a DAG)
        List<Thing> order = new ArrayList<>(placed);
        for (int i = order.size() - 1; i > 0; i--) { int j = rnd.nextInt(i + 1); Thing tmp = order.get(i); order.set(i, order.get(j)); order.set(j, tmp); }
        for (int pass = 0; pass < 20; pass++) {
            boolean changed = false;
            for (Rel r : spec.relations()) {
                int a = r.a(), b = r.b();
                if (r.relation() == Relation.RIGHT_OF) { a = r.b(); b = r.a(); } else if (r.relation() != Relation.LEFT_OF) continue;
                int ia = indexOf(order, a), ib = indexOf(order, b);
                if (ia >= 0 && ib >= 0 && ia > ib) { Thing ta = order.remove(ia); order.add(ib, ta); changed = true; }
            }
            if (!changed) break;
        }
        // stacked things share their base's slot; things in front/behind share x with the reference
        List<Thing> columns = new ArrayList<>();
        double[] lanes = {1.3, -1.5, 2.3, -2.6};
        int lane = 0;
        for (Thing t : order) {
            if (travels(t)) { slot.put(t.id(), new double[] {0, 0, lanes[lane++ % lanes.length]}); continue; }
            if (!dependent(t)) columns.add(t);
        }
        int n = columns.size();
        double spread = Math.min(2.4, 0.9 * (n - 1));
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? 0 : -spread + 2 * spread * i / (n - 1);
            slot.put(columns.get(i).id(), new double[] {x, 0, 0});
        }
        for (int pass = 0; pass < 4; pass++)
            for (Rel r : spec.relations()) {
                double[] ref = slot.get(r.b());
                if (ref == null) continue;
                switch (r.relation()) {
                    case IN_FRONT_OF -> slot.put(r.a(), new double[] {ref[0], 0, ref[2] + 1.6});
                    case BEHIND -> slot.put(r.a(), new double[] {ref[0], 0, ref[2] - 1.6});
                    case ON_TOP_OF -> slot.put(r.a(), new double[] {ref[0], 1, ref[2]});
                    default -> {}
                }
            }
        for (Thing t : placed) slot.putIfAbsent(t.id(), new double[] {0, 0, 0});
        for (Thing t : spec.things()) for (int k = 0; k < t.count(); k++) actors.add(makeActor(t, k));
    }

    /** Things that cross the scene get their own lane in depth so they do not plough through the others. */
    private static boolean travels(Thing t) {
        Motion m = t.motion();
        return m != null && t.direction() != null && (m.travels() || m == Motion.JUMP) && t.kind().category != Category.DRAGON && t.kind() != Kind.SHIP;
    }

    private boolean dependent(Thing t) {
        for (Event e : spec.events()) if (e.agent() == t.id()) return true; // placed beside what it acts on
        for (Rel r : spec.relations())
            if (r.a() == t.id() && (r.relation() == Relation.IN_FRONT_OF || r.relation() == Relation.BEHIND || r.relation() == Relation.ON_TOP_OF)) return true;
        return false;
    }

    private static int indexOf(List<Thing> l, int id) { for (int i = 0; i < l.size(); i++) if (l.get(i).id() == id) return i; return -1; }

    /** Offsets for the k-th of a group of count things around the slot. */
    private double[] groupOffset(Thing t, int k) {
        if (t.count() == 1) return new double[] {0, 0};
        double spacing = switch (t.kind()) { case MAMMOTH -> 3.2; case SHIP -> 2.6; case HORSE -> 2.2; default -> 0.9; };
        double dx = (k - (t.count() - 1) / 2.0) * spacing;
        double dz = (k % 2 == 0 ? 0 : -1.2) * (t.kind() == Kind.MAMMOTH ? 1.5 : 0.6);
        return new double[] {dx, dz};
    }

    private Actor makeActor(Thing t, int k) {
        double[] s = slot.getOrDefault(t.id(), new double[3]);
        double[] off = groupOffset(t, k);
        Actor a = switch (t.kind().category) {
            case SHAPE, PROP -> switch (t.kind()) {
                case BALLOON -> new Balloon(t, k);
                case LAMP -> new Lamp(t, k);
                case DOMINO -> new DominoRow(t, k);
                case TOWER -> new Tower(t, k);
                case SHIP -> new Ship(t, k);
                case PAINT_STROKE -> new Paint(t, k);
                case GLASS -> new GlassActor(t, k);
                default -> new Solid(t, k);
            };
            case PERSON -> new Walker(t, k, false);
            case CROWD -> new Walker(t, k, true);
            case ANIMAL -> new Walker(t, k, false);
            case DRAGON -> new Dragon(t, k);
        };
        a.baseX = s[0] + off[0];
        a.baseZ = s[2] + off[1];
        if (a instanceof Placed p) p.place(s[1] > 0 ? stackBase(t) : 0);
        return a;
    }

    private double stackBase(Thing t) {
        for (Rel r : spec.relations()) if (r.a() == t.id() && r.relation() == Relation.ON_TOP_OF) return halfHeight(spec.thing(r.b())) * 2 + stackBase(spec.thing(r.b()));
        return 0;
    }

    interface Placed { void place(double baseY); }

    // ---- shapes ----------------------------------------------------------------------------------------------------
    static double[] halfExtents(Kind k) {
        return switch (k) {
            case BALL -> new double[] {0.35, 0.35, 0.35}; case CUBE -> new double[] {0.3, 0.3, 0.3};
            case CYLINDER -> new double[] {0.28, 0.35, 0.28}; case CONE -> new double[] {0.3, 0.4, 0.3};
            case PYRAMID -> new double[] {0.34, 0.35, 0.34}; case CAPSULE -> new double[] {0.18, 0.4, 0.18};
            case EGG -> new double[] {0.25, 0.34, 0.25}; case PRISM -> new double[] {0.35, 0.3, 0.25};
            case DIAMOND -> new double[] {0.3, 0.4, 0.3}; case DISC -> new double[] {0.35, 0.06, 0.35};
            case BAR -> new double[] {0.55, 0.12, 0.15}; case TETRAHEDRON -> new double[] {0.4, 0.35, 0.4};
            case COOKIE -> new double[] {0.42, 0.07, 0.42}; case APPLE -> new double[] {0.28, 0.28, 0.28};
            case GLASS -> new double[] {0.16, 0.25, 0.16};
            default -> new double[] {0.3, 0.3, 0.3};
        };
    }

    double halfHeight(Thing t) { return halfExtents(t.kind())[1] * (t.size() == null ? 1 : t.size().scale); }

    static boolean round(Kind k) { return k == Kind.BALL || k == Kind.APPLE; }

    /** Emits the primitives of a shape/prop kind with centre c, rotation R (body->world) and scale s. */
    static void shape(List<Prim> out, Kind k, double cx, double cy, double cz, double[] R, double s, int rgb, int mat, int id, boolean bitten) {
        double[] h = halfExtents(k);
        double hx = h[0] * s, hy = h[1] * s, hz = h[2] * s;
        switch (k) {
            case BALL -> out.add(Prim.ellipsoid(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, mat).id(id));
            case CUBE, BAR -> out.add(Prim.box(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, mat).id(id));
            case CYLINDER, DISC -> out.add(Prim.cylinder(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, mat).id(id));
            case CONE -> out.add(Prim.convex(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz), Prim.CONE).colour(rgb, mat).id(id));
            case PYRAMID -> out.add(Prim.convex(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz), Prim.PYRAMID).colour(rgb, mat).id(id));
            case TETRAHEDRON -> out.add(Prim.convex(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz), Prim.TETRA).colour(rgb, mat).id(id));
            case PRISM -> out.add(Prim.convex(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz), Prim.PRISM).colour(rgb, mat).id(id));
            case DIAMOND -> out.add(Prim.convex(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz), Prim.OCTA).colour(rgb, mat).id(id));
            case EGG -> out.add(Prim.ellipsoid(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, mat).id(id));
            case CAPSULE -> {
                out.add(Prim.cylinder(cx, cy, cz, Prim.rotAxes(R, hx, hy - hx, hz)).colour(rgb, mat).id(id));
                double ux = R[1] * (hy - hx), uy = R[4] * (hy - hx), uz = R[7] * (hy - hx);
                out.add(Prim.sphere(cx + ux, cy + uy, cz + uz, hx).colour(rgb, mat).id(id));
                out.add(Prim.sphere(cx - ux, cy - uy, cz - uz, hx).colour(rgb, mat).id(id));
            }
            case COOKIE -> {
                Prim p = Prim.cylinder(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, Prim.MATTE).id(id);
                // the bite sphere is wider than the cookie is thick (in local units), so it cuts clean through the rim
                if (bitten) { p.biteX = 2.1; p.biteY = 0; p.biteZ = 0.9; p.biteR = 2.0; }
                out.add(p);
                double[][] chips = {{-0.4, 0.2}, {0.1, -0.5}, {0.3, 0.3}, {-0.1, -0.05}, {-0.45, -0.4}, {0.55, -0.1}};
                for (double[] c : chips) {
                    if (bitten && Math.hypot(c[0] - 2.1, c[1] - 0.9) < 1.85) continue;
                    double lx = c[0] * hx, lz = c[1] * hz, ly = hy;
                    out.add(Prim.sphere(cx + R[0] * lx + R[1] * ly + R[2] * lz, cy + R[3] * lx + R[4] * ly + R[5] * lz, cz + R[6] * lx + R[7] * ly + R[8] * lz, 0.045 * s)
                            .colour(0x3a2212, Prim.SHINY).id(id));
                }
            }
            case APPLE -> {
                Prim p = Prim.ellipsoid(cx, cy, cz, Prim.rotAxes(R, hx, hy * 0.92, hz)).colour(rgb, Prim.SHINY).id(id);
                if (bitten) { p.biteX = 0.75; p.biteY = 0.25; p.biteZ = 0.75; p.biteR = 0.55; }
                out.add(p);
                double tx = R[1] * hy, ty = R[4] * hy, tz = R[7] * hy;
                out.add(Prim.segment(Type.CYLINDER, cx + tx * 0.8, cy + ty * 0.8, cz + tz * 0.8, cx + tx * 1.25, cy + ty * 1.25, cz + tz * 1.25, 0.02 * s).colour(0x4a3018, Prim.MATTE).id(id));
                out.add(Prim.ellipsoid(cx + tx * 1.1 + 0.06 * s, cy + ty * 1.1, cz + tz * 1.1, new double[] {0.08 * s, 0, 0, 0.02 * s, 0.015 * s, 0, 0, 0, 0.04 * s}).colour(0x3c9c45, Prim.MATTE).id(id));
            }
            default -> out.add(Prim.box(cx, cy, cz, Prim.rotAxes(R, hx, hy, hz)).colour(rgb, mat).id(id));
        }
    }

    static final double[] IDENTITY = {1, 0, 0, 0, 1, 0, 0, 0, 1};

    static double[] rotZ(double a) { double c = Math.cos(a), s = Math.sin(a); return new double[] {c, -s, 0, s, c, 0, 0, 0, 1}; }
    static double[] rotX(double a) { double c = Math.cos(a), s = Math.sin(a); return new double[] {1, 0, 0, 0, c, -s, 0, s, c}; }
    static double[] rotY(double a) { double c = Math.cos(a), s = Math.sin(a); return new double[] {c, 0, s, 0, 1, 0, -s, 0, c}; }
    static double[] mul(double[] a, double[] b) {
        double[] o = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) o[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
        return o;
    }

    /** Unit travel vector and start/end for a travelling motion with direction d. */
    double[] travel(Direction d, double baseX, double baseZ, double range) {
        if (d == null) return new double[] {baseX, baseZ, baseX, baseZ};
        return switch (d) {
            case LEFT_TO_RIGHT -> new double[] {-range, baseZ, range, baseZ};
            case RIGHT_TO_LEFT -> new double[] {range, baseZ, -range, baseZ};
            case TOWARD -> new double[] {baseX, baseZ - range * 0.8, baseX, baseZ + range * 0.5};
            case AWAY -> new double[] {baseX, baseZ + range * 0.5, baseX, baseZ - range * 0.8};
        };
    }

    /** A rigid shape or prop driven by physics (or kinematically for spin / non-round rolling). */
    final class Solid extends Actor implements Placed {
        Body body;
        boolean kinematicRoll, spin, floating;
        double[] path;
        double speed, baseY, yaw0;

        Solid(Thing t, int k) { super(t, k); }

        public void place(double baseY) {
            this.baseY = baseY;
            double s = scale();
            double[] h = halfExtents(thing.kind());
            Motion m = thing.motion() == null ? Motion.STILL : thing.motion();
            EventRun agentOf = eventAsAgent(thing);
            boolean sphere = round(thing.kind());
            body = sphere ? Body.sphere(h[0] * s, 1) : Body.box(h[0] * s, h[1] * s, h[2] * s, 1);
            body.friction = 0.5;
            body.restitution = 0.2;
            yaw0 = (rnd.nextDouble() - 0.5) * 0.6;
            // stacked boxes share one orientation: the contact model is corner-in-box, which misses edge-on-edge
            for (Rel r : spec.relations()) if (r.relation() == Relation.ON_TOP_OF && (r.a() == thing.id() || r.b() == thing.id())) yaw0 = 0;
            double y = baseY + h[1] * s;
            body.at(baseX, y, baseZ);
            if (!sphere) body.rotate(0, 1, 0, yaw0);
            double range = 3.0;
            double dur = Math.max(0.5, seconds * 0.85);
            switch (m) {
                case ROLL, SLIDE, WALK, RUN -> {
                    path = travel(thing.direction(), baseX, baseZ, range);
                    double dist = Math.hypot(path[2] - path[0], path[3] - path[1]);
                    if (dist < 1e-6) break; // no direction: nowhere to go
                    if (m == Motion.ROLL && !sphere) { kinematicRoll = true; speed = Math.min(2.0, dist / dur); body.kinematic = true; break; }
                    body.at(path[0], y, path[1]);
                    double ux = (path[2] - path[0]) / Math.max(1e-9, dist), uz = (path[3] - path[1]) / Math.max(1e-9, dist);
                    if (m == Motion.SLIDE || !sphere) {
                        double v0 = Math.min(4.0, 2 * dist / dur);
                        body.friction = Math.max(1e-4, v0 * v0 / (2 * Physics.GRAVITY * dist));
                        body.velocity(ux * v0, 0, uz * v0);
                    } else {
                        double v = Math.min(2.5, dist / dur);
                        body.rollingDamping = 0.02;
                        body.velocity(ux * v, 0, uz * v).spin(uz * v / body.r, 0, -ux * v / body.r);
                    }
                }
                case BOUNCE, JUMP -> {
                    body.restitution = sphere ? 0.78 : 0.5;
                    body.at(baseX, y + 1.8, baseZ);
                    if (thing.direction() != null) {
                        path = travel(thing.direction(), baseX, baseZ, range);
                        body.at(path[0], y + 1.8, path[1]);
                        double dist = Math.hypot(path[2] - path[0], path[3] - path[1]);
                        double v = Math.min(2.5, dist / dur);
                        body.velocity((path[2] - path[0]) / dist * v, 0, (path[3] - path[1]) / dist * v);
                    }
                }
                case FALL -> {
                    body.restitution = 0.3;
                    body.at(baseX, y + 2.2, baseZ);
                    if (!sphere) body.rotate(1, 0, 0.5, 0.5);
                }
                case SPIN -> { spin = true; body.kinematic = true; }
                case FLOAT -> { floating = true; body.kinematic = true; }
                default -> {}
            }
            if (spec.setting() == Setting.COFFEE && (m == Motion.STILL || m == Motion.FLOAT)) { floating = true; body.kinematic = true; }
            physics.add(body);
        }

        void postPlace() {
            EventRun agentOf = eventAsAgent(thing);
            if (agentOf != null && agentOf.event.kind() == EventKind.KNOCK) {
                // the ball waits to the left of the tower until its event starts
                Actor tower = actorOf(agentOf.event.subject());
                body.at(tower.baseX - 1.6, body.y, tower.baseZ);
                body.velocity(0, 0, 0).spin(0, 0, 0);
                body.kinematic = true;
                kinematicRoll = false; spin = false;
            }
        }

        @Override void script(double t) {
            EventRun agentOf = eventAsAgent(thing);
            if (agentOf != null && body.kinematic && t >= agentOf.start) {
                body.kinematic = false;
                body.wake();
                // thrown in a low arc so it strikes the middle of the tower, not just its base
                double v = 4.0;
                body.velocity(v, 3.0, 0);
                if (body.shape == Body.Shape.SPHERE) body.spin(0, 0, -v / body.r);
            }
            if (floating) {
                // rides the liquid surface: the same waves the renderer draws, sitting a little low in the water
                double h = halfExtents(thing.kind())[1] * scale();
                double wave = spec.setting() == Setting.COFFEE ? 0.06 * Math.sin(baseX * 2.2 + t * 1.8) * Math.cos(baseZ * 1.9 - t * 1.3) : 0.05 * Math.sin(t * 2.0);
                body.y = baseY + h * 0.6 + wave + (spec.setting() == Setting.COFFEE ? 0 : 0.35);
            }
            if (kinematicRoll) {
                double u = Math.min(1, t * speed / Math.hypot(path[2] - path[0], path[3] - path[1]));
                double x = path[0] + (path[2] - path[0]) * u, z = path[1] + (path[3] - path[1]) * u;
                body.x = x; body.z = z;
            }
        }

        double[] rotation(double t) {
            if (spin) return mul(rotY(yaw0 + t * 2.0), IDENTITY);
            if (floating) return mul(rotY(yaw0), rotZ(0.12 * Math.sin(t * 2.1 + baseX)));
            if (kinematicRoll) {
                double dist = Math.hypot(body.x - path[0], body.z - path[1]);
                double sign = path[2] >= path[0] ? -1 : 1;
                double h = halfExtents(thing.kind())[0] * scale();
                return rotZ(sign * dist / Math.max(0.05, h));
            }
            return body.rotation();
        }

        @Override void emit(View v, double t) {
            EventRun bite = eventFor(thing, EventKind.BITE);
            boolean bitten = bite != null && bite.started(t);
            shape(v.prims, thing.kind(), body.x, body.y, body.z, rotation(t), scale(), rgb(), mat(), truthIndex, bitten);
            double r = Math.max(body.hx, body.hz) * 1.3;
            double hgt = Math.max(0, body.bottom());
            v.blob(body.x, body.z, r * (1 + hgt * 0.3), 0.55 / (1 + hgt * 1.5));
            if (bitten && t - bite.start < 0.6) crumbs(v, body.x, body.y, body.z, t - bite.start, bite.start, 0x8a5a32);
        }

        @Override double[] centre(double t) { return new double[] {body.x, body.y, body.z}; }
        @Override double[] velocity(double t) { return new double[] {body.vx, body.vy, body.vz}; }
    }

    void crumbs(View v, double x, double y, double z, double age, double salt, int rgb) {
        SplittableRandom r = new SplittableRandom(Double.doubleToLongBits(salt) ^ seed);
        for (int i = 0; i < 10; i++) {
            double vx = r.nextDouble(-1, 1), vy = r.nextDouble(0.5, 2), vz = r.nextDouble(-1, 1);
            double py = y + vy * age - 4.9 * age * age;
            if (py < 0.02) py = 0.02;
            v.particle(x + vx * age * 0.6 + 0.2, py, z + vz * age * 0.6, 0, 0, 0, 0.02, rgb, 1);
        }
    }

    Actor actorOf(int thingId) {
        for (Actor a : actors) if (a.thing.id() == thingId) return a;
        throw new IllegalStateException("no actor for thing " + thingId);
    }

    /** A drinking glass; with a SHATTER event it stands on a pedestal, is pushed off, falls and leaves shards. */
    final class GlassActor extends Actor implements Placed {
        double baseY, x, y, z, vy;
        final List<double[]> shards = new ArrayList<>();
        GlassActor(Thing t, int k) { super(t, k); }
        public void place(double by) {
            EventRun e = eventFor(thing, EventKind.SHATTER);
            baseY = e != null ? 0.9 : by;
            x = baseX; z = baseZ; y = baseY + 0.25 * scale();
            if (e != null) scenery.add(Prim.box(baseX, 0.45, baseZ, new double[] {0.3, 0, 0, 0, 0.45, 0, 0, 0, 0.3}).colour(0x9a9690, Prim.MATTE));
            if (e != null) physics.add(Body.box(0.3, 0.45, 0.3, 0).at(baseX, 0.45, baseZ)); // the pedestal as a static collider
        }
        @Override void script(double t) {
            EventRun e = eventFor(thing, EventKind.SHATTER);
            if (e == null || t < e.start || e.end != null) return;
            double u = t - e.start;
            double h = 0.25 * scale();
            if (u < 0.3) { x = baseX + u / 0.3 * 0.45; return; }
            vy -= Physics.GRAVITY * DT;
            y += vy * DT;
            x += 0.4 * DT;
            if (y - h <= 0) {
                y = h;
                e.end = t;
                state = "shattered";
                e.changes.add(new Truth.StateChange(Truth.r3(t), id, "shattered"));
                SplittableRandom r = new SplittableRandom(seed ^ 0xBEEF ^ thing.id());
                for (int i = 0; i < 14; i++) {
                    double a = r.nextDouble(0, 2 * Math.PI), d = r.nextDouble(0.05, 0.7);
                    shards.add(new double[] {x + Math.cos(a) * d, z + Math.sin(a) * d * 0.7, r.nextDouble(0.03, 0.08), r.nextDouble(0, Math.PI)});
                }
            }
        }
        @Override void emit(View v, double t) {
            double s = scale();
            if (shards.isEmpty()) {
                v.prims.add(Prim.cylinder(x, y, z, new double[] {0.16 * s, 0, 0, 0, 0.25 * s, 0, 0, 0, 0.16 * s}).colour(0xdde8f0, Prim.GLASS).id(truthIndex));
                v.prims.add(Prim.cylinder(x, y - 0.22 * s, z, new double[] {0.15 * s, 0, 0, 0, 0.03 * s, 0, 0, 0, 0.15 * s}).colour(0xc8dce8, Prim.SHINY).id(truthIndex));
                v.blob(x, z, 0.25 * s, 0.3);
            } else {
                for (double[] sh : shards)
                    v.prims.add(Prim.convex(sh[0], sh[2] * 0.5, sh[1], mul(rotY(sh[3]), new double[] {sh[2], 0, 0, 0, sh[2] * 0.5, 0, 0, 0, sh[2] * 0.7}), Prim.TETRA)
                            .colour(0xe8f2fa, Prim.SHINY).id(truthIndex));
                EventRun e = eventFor(thing, EventKind.SHATTER);
                double age = t - e.end;
                if (age < 0.4) crumbs(v, x, 0.1, z, age, e.end, 0xf0f8ff);
            }
        }
        @Override double[] centre(double t) { return new double[] {x, y, z}; }
        @Override double[] velocity(double t) { return new double[] {0, vy, 0}; }
    }

    final class Balloon extends Actor {
        Balloon(Thing t, int k) { super(t, k); }
        double y(double t) { return 1.7 * scale() + 0.08 * Math.sin(t * 1.7 + instance); }
        double x(double t) { return baseX + 0.05 * Math.sin(t * 1.1 + instance * 2); }
        @Override void emit(View v, double t) {
            double s = scale();
            EventRun e = eventFor(thing, EventKind.POP);
            double x = x(t), y = y(t), z = baseZ;
            if (e != null && e.started(t)) {
                // shreds on the ground stay; a burst of bits right after the pop
                SplittableRandom r = new SplittableRandom(seed ^ thing.id() * 31L);
                for (int i = 0; i < 5; i++)
                    v.prims.add(Prim.box(baseX + r.nextDouble(-0.4, 0.4), 0.01, z + r.nextDouble(-0.3, 0.3), mul(rotY(r.nextDouble(0, 3)), new double[] {0.07, 0, 0, 0, 0.01, 0, 0, 0, 0.05}))
                            .colour(rgb(), Prim.SHINY).id(truthIndex));
                v.prims.add(Prim.segment(Type.CYLINDER, baseX, 0.01, z, baseX + 0.6, 0.01, z + 0.2, 0.008).colour(0xeeeeee, Prim.MATTE).id(truthIndex));
                double age = t - e.start;
                if (age < 0.5) {
                    SplittableRandom b = new SplittableRandom(seed ^ 77);
                    for (int i = 0; i < 24; i++) {
                        double vx = b.nextDouble(-2, 2), vy = b.nextDouble(-1, 2), vz = b.nextDouble(-2, 2);
                        v.particle(x + vx * age, y(e.start) + vy * age - 4.9 * age * age, z + vz * age, 0, 0, 0, 0.03, rgb(), 1);
                    }
                }
                return;
            }
            v.prims.add(Prim.ellipsoid(x, y, z, new double[] {0.3 * s, 0, 0, 0, 0.37 * s, 0, 0, 0, 0.3 * s}).colour(rgb(), Prim.SHINY).id(truthIndex));
            v.prims.add(Prim.convex(x, y - 0.39 * s, z, new double[] {0.04 * s, 0, 0, 0, 0.04 * s, 0, 0, 0, 0.04 * s}, Prim.CONE).colour(rgb(), Prim.SHINY).id(truthIndex));
            v.prims.add(Prim.segment(Type.CYLINDER, x, y - 0.42 * s, z, baseX, 0.0, z, 0.006).colour(0xeeeeee, Prim.MATTE).id(truthIndex));
            v.blob(x, z, 0.3 * s, 0.2);
        }
        @Override double[] centre(double t) {
            EventRun e = eventFor(thing, EventKind.POP);
            if (e != null && e.started(t)) return new double[] {baseX, 0.01, baseZ};
            return new double[] {x(t), y(t), baseZ};
        }
    }

    final class Lamp extends Actor {
        Lamp(Thing t, int k) { super(t, k); }
        boolean on(double t) { EventRun e = eventFor(thing, EventKind.LAMP_ON); return e != null && e.started(t); }
        @Override void emit(View v, double t) {
            double s = scale(), x = baseX, z = baseZ;
            int body = rgb();
            v.prims.add(Prim.cylinder(x, 0.03 * s, z, new double[] {0.22 * s, 0, 0, 0, 0.03 * s, 0, 0, 0, 0.22 * s}).colour(body, mat()).id(truthIndex));
            v.prims.add(Prim.segment(Type.CYLINDER, x, 0.05 * s, z, x, 1.0 * s, z, 0.025 * s).colour(body, mat()).id(truthIndex));
            boolean on = on(t);
            v.prims.add(Prim.sphere(x, 0.98 * s, z, 0.08 * s).colour(on ? 0xfff4c8 : 0xb8b4a8, on ? Prim.EMISSIVE : Prim.SHINY).id(truthIndex));
            v.prims.add(Prim.convex(x, 1.08 * s, z, new double[] {0.26 * s, 0, 0, 0, 0.2 * s, 0, 0, 0, 0.26 * s}, Prim.CONE).colour(on ? 0xffe7a0 : 0xd8cfb8, on ? Prim.EMISSIVE : Prim.MATTE).id(truthIndex));
            if (on) v.light(x, 0.9 * s, z + 0.2, 0xffd890, 3.5 * s);
            v.blob(x, z, 0.35 * s, 0.4);
        }
        @Override double[] centre(double t) { return new double[] {baseX, 0.6 * scale(), baseZ}; }
    }

    final class Paint extends Actor {
        Paint(Thing t, int k) { super(t, k); }
        @Override void emit(View v, double t) {
            EventRun e = eventFor(thing, EventKind.PAINT);
            double p = e == null ? 1 : Math.clamp((t - e.start) / paintTime(seconds), 0, 1);
            if (p <= 0) return;
            double len = 2.4 * p, x0 = -1.4;
            v.prims.add(Prim.box(x0 + len / 2, 1.7, WALL_Z + 0.13, new double[] {len / 2, 0, 0, 0, 0.12, 0, 0, 0, 0.02}).colour(rgb(), Prim.SHINY).id(truthIndex));
            v.prims.add(Prim.sphere(x0 + len, 1.7, WALL_Z + 0.13, 0.12).colour(rgb(), Prim.SHINY).id(truthIndex));
        }
        @Override double[] centre(double t) { return new double[] {-0.2, 1.7, WALL_Z + 0.13}; }
    }

    static final double WALL_Z = -2.6;

    final class DominoRow extends Actor implements Placed {
        final List<Body> d = new ArrayList<>();
        double[] fell;
        DominoRow(Thing t, int k) { super(t, k); }
        public void place(double by) {
            int n = 8;
            fell = new double[n];
            java.util.Arrays.fill(fell, -1);
            double x0 = baseX - 0.35 * (n - 1) / 2;
            for (int i = 0; i < n; i++) {
                Body b = Body.box(0.05, 0.3, 0.15, 0.2).at(x0 + i * 0.35, 0.3, baseZ);
                b.friction = 0.6; b.restitution = 0.05;
                d.add(physics.add(b));
            }
        }
        @Override void script(double t) {
            EventRun e = eventFor(thing, EventKind.DOMINO_CHAIN);
            if (e == null) return;
            if (t >= e.start && t < e.start + DT * 1.5 && d.getFirst().tilt() < 0.01) { d.getFirst().wake(); d.getFirst().spin(0, 0, -1.5).velocity(0.45, 0.075, 0); }
            for (int i = 0; i < d.size(); i++)
                if (fell[i] < 0 && d.get(i).tilt() > Math.toRadians(60)) {
                    fell[i] = t;
                    e.changes.add(new Truth.StateChange(Truth.r3(t), id + "/" + i, "fallen"));
                    if (i == d.size() - 1) { e.end = t; state = "fallen"; }
                }
        }
        @Override void emit(View v, double t) {
            for (Body b : d) {
                v.prims.add(Prim.box(b.x, b.y, b.z, Prim.rotAxes(b.rotation(), b.hx, b.hy, b.hz)).colour(rgb(), mat() == Prim.MATTE ? Prim.SHINY : mat()).id(truthIndex));
                v.blob(b.x, b.z, 0.22, 0.35);
            }
        }
        @Override double[] centre(double t) {
            double x = 0, y = 0, z = 0;
            for (Body b : d) { x += b.x; y += b.y; z += b.z; }
            return new double[] {x / d.size(), y / d.size(), z / d.size()};
        }
    }

    final class Tower extends Actor implements Placed {
        final List<Body> blocks = new ArrayList<>();
        double top0;
        Tower(Thing t, int k) { super(t, k); }
        public void place(double by) {
            int n = 5;
            for (int i = 0; i < n; i++) {
                Body b = Body.box(0.22, 0.18, 0.22, 0.3).at(baseX, 0.18 + 0.36 * i, baseZ);
                b.friction = 0.6; b.restitution = 0.1;
                blocks.add(physics.add(b));
            }
            top0 = blocks.getLast().y;
        }
        @Override void script(double t) {
            EventRun e = eventFor(thing, EventKind.KNOCK);
            if (e == null || e.end != null || t < e.start) return;
            if (blocks.getLast().y < top0 * 0.5) {
                e.end = t; state = "knocked_down";
                e.changes.add(new Truth.StateChange(Truth.r3(t), id, "knocked_down"));
            }
        }
        @Override void emit(View v, double t) {
            int base = rgb();
            for (int i = 0; i < blocks.size(); i++) {
                Body b = blocks.get(i);
                int c = i % 2 == 0 ? base : Figures.mix(base, 0xffffff, 0.35);
                v.prims.add(Prim.box(b.x, b.y, b.z, Prim.rotAxes(b.rotation(), b.hx, b.hy, b.hz)).colour(c, mat()).id(truthIndex));
                if (b.y < 0.4) v.blob(b.x, b.z, 0.4, 0.4);
            }
        }
        @Override double[] centre(double t) {
            double x = 0, y = 0, z = 0;
            for (Body b : blocks) { x += b.x; y += b.y; z += b.z; }
            return new double[] {x / blocks.size(), y / blocks.size(), z / blocks.size()};
        }
    }

    final class Ship extends Actor {
        Ship(Thing t, int k) { super(t, k); }
        double waveY(double x, double z, double t) { return spec.setting() == Setting.COFFEE ? 0.06 * Math.sin(x * 2.2 + t * 1.8) * Math.cos(z * 1.9 - t * 1.3) : 0; }
        double x(double t) {
            boolean battle = thing.motions().contains(Motion.BATTLE);
            if (battle) return baseX * 0.8 + 0.3 * Math.sin(t * 0.7 + instance * Math.PI);
            double[] p = travel(thing.direction(), baseX, baseZ, 3);
            double u = Math.min(1, t / Math.max(0.5, seconds * 0.9));
            return p[0] + (p[2] - p[0]) * u;
        }
        double yaw(double t) {
            boolean battle = thing.motions().contains(Motion.BATTLE);
            if (battle) return (baseX < 0 ? 0.35 : Math.PI - 0.35) + 0.25 * Math.sin(t * 0.6 + instance);
            return thing.direction() == Direction.RIGHT_TO_LEFT ? Math.PI : 0;
        }
        @Override void emit(View v, double t) {
            double x = x(t), z = baseZ, y = waveY(x, z, t);
            double roll = 0.12 * Math.sin(t * 2.1 + instance * 1.7);
            Figures.ship(v.prims, truthIndex, x, y + 0.1, z, yaw(t), roll, scale() * 0.9, rgb());
            if (thing.motions().contains(Motion.BATTLE)) {
                // cannon fire: smoke puffs drifting up and splashes where the shots land
                double period = 1.3, ph = (t + instance * 0.65) % period;
                double fx = Math.cos(yaw(t)), fz = -Math.sin(yaw(t));
                double side = 0.4 * scale();
                for (int k = 0; k < 6; k++) {
                    double age = ph + k * period;
                    if (age > 4 || t - age < 0) continue;
                    double a = 1 - age / 4;
                    v.particle(x + fz * side + 0.1 * age, 0.45 + 0.35 * age, z - fx * side + 0.05 * age, 0, 0, 0, 0.08 + 0.08 * age, 0xd8d8d4, 0.55 * a);
                }
                if (ph < 0.6) {
                    double sx = (x + (-baseX) * 0.8) / 2, sz = z + 0.6;
                    for (int i = 0; i < 10; i++) {
                        double ang = i * 0.628, r = 0.6 * ph;
                        v.particle(sx + Math.cos(ang) * r, 0.02 + 1.6 * ph - 4.9 * ph * ph + 0.1, sz + Math.sin(ang) * r * 0.5, 0, 0, 0, 0.03, 0x7a5030, 0.9);
                    }
                }
            }
        }
        @Override double[] centre(double t) { return new double[] {x(t), waveY(x(t), baseZ, t) + 0.4, baseZ}; }
    }

    /** People, pedestrians and four-legged animals: kinematic walk/run/jump/wave/turn along a path. */
    final class Walker extends Actor {
        final boolean crowd;
        final Figures.Look look;
        double[] path;
        double speed, yaw0;
        final List<double[]> prints = new ArrayList<>();
        double lastPrint = -1;

        Walker(Thing t, int k, boolean crowd) {
            super(t, k);
            this.crowd = crowd;
            SplittableRandom r = new SplittableRandom(seed * 31 + t.id() * 131L + k);
            look = crowd || t.kind().category == Category.PERSON ? lookOf(t, r) : null;
            if (crowd) {
                // pedestrians walk across the back of the scene, wrapping around
                boolean right = r.nextBoolean();
                double z = -3.0 - r.nextDouble() * 6, x0 = r.nextDouble(-7, 7);
                path = new double[] {x0, z, right ? 1 : -1, r.nextDouble(0.8, 1.4)};
            }
        }

        Motion motion() { return thing.motion() == null ? Motion.WALK : thing.motion(); }

        boolean travelling() { return !crowd && (motion() == Motion.WALK || motion() == Motion.RUN) && thing.direction() != null; }

        double natural() { return (motion() == Motion.RUN ? 3.0 : 1.3) * (thing.kind() == Kind.MAMMOTH ? 0.9 : 1) * (thing.kind() == Kind.HORSE ? 1.3 : 1); }

        double[] pos(double t) {
            if (crowd) {
                double x = path[0] + path[2] * path[3] * t;
                x = ((x + 8) % 16 + 16) % 16 - 8;
                return new double[] {x, path[1], path[2] > 0 ? 0 : Math.PI};
            }
            if (!travelling()) {
                double yaw = switch (motion()) { case TURN -> Math.PI / 2 + Math.min(Math.PI, Math.max(0, t - 0.5) * 2.0); default -> Math.PI / 2 - 0.3 * (baseX > 0 ? 1 : -1) * 0; };
                if (motion() == Motion.WALK || motion() == Motion.RUN) {
                    // walking in place is not walking: without a direction a walker circles its slot slowly
                    double a = t * natural() / 1.2;
                    return new double[] {baseX + Math.sin(a) * 1.2 - 0, baseZ + Math.cos(a) * 0.6 - 0.6, Math.atan2(-(-Math.sin(a) * 0.6), Math.cos(a) * 1.2)};
                }
                return new double[] {baseX, baseZ, yaw};
            }
            double range = thing.kind() == Kind.MAMMOTH ? 5 : 3.2;
            double[] p = travel(thing.direction(), baseX, baseZ, range);
            double dist = Math.hypot(p[2] - p[0], p[3] - p[1]);
            double v = tracked == this ? natural() : Math.min(natural(), dist / Math.max(0.5, seconds * 0.9));
            double s = v * t;
            double ux = (p[2] - p[0]) / dist, uz = (p[3] - p[1]) / dist;
            double x = p[0] + ux * s, z = p[1] + uz * s;
            return new double[] {x, z, Math.atan2(-uz, ux)};
        }

        double phase(double t) {
            double stride = thing.kind() == Kind.MAMMOTH ? 2.4 : 1.4;
            double v = crowd ? path[3] : travelling() ? speedAt() : natural() * 0.6;
            return switch (motion()) {
                case JUMP -> t * 2 * Math.PI * 0.9;
                case WAVE, TURN, STILL -> 0;
                default -> t * v / stride * 2 * Math.PI;
            };
        }

        double speedAt() {
            double range = thing.kind() == Kind.MAMMOTH ? 5 : 3.2;
            double[] p = travel(thing.direction(), baseX, baseZ, range);
            double dist = Math.hypot(p[2] - p[0], p[3] - p[1]);
            return tracked == this ? natural() : Math.min(natural(), dist / Math.max(0.5, seconds * 0.9));
        }

        @Override void script(double t) {
            EventRun e = eventFor(thing, EventKind.FOOTPRINTS);
            if (e == null || t < e.start) return;
            double ph = phase(t);
            int step = (int) Math.floor(ph / Math.PI);
            if (step != (int) lastPrint) {
                lastPrint = step;
                double[] p = pos(t);
                double side = (step & 1) == 0 ? 1 : -1;
                double w = thing.kind().category == Category.ANIMAL ? 0.25 * scale() : 0.1;
                prints.add(new double[] {p[0] + Math.sin(p[2]) * w * side, p[1] + Math.cos(p[2]) * w * side, p[2]});
                if (e.end == null && prints.size() >= 2) { e.end = t; state = "footprints"; e.changes.add(new Truth.StateChange(Truth.r3(t), id, "footprints")); }
            }
        }

        @Override void emit(View v, double t) {
            double[] p = pos(t);
            double ph = phase(t);
            for (double[] f : prints) v.decals.add(new double[] {f[0], f[1], 0.14, 0.07, -f[2], 0x7a8498, 0.7});
            if (thing.kind().category == Category.ANIMAL) {
                Figures.animal(v.prims, truthIndex, thing.kind(), p[0], p[1], p[2], scale(), ph, rgb(), motion() != Motion.STILL);
                double s = thing.kind() == Kind.MAMMOTH ? 1.6 : thing.kind() == Kind.DOG ? 0.45 : thing.kind() == Kind.CAT ? 0.3 : 1;
                v.blob(p[0], p[1], 1.1 * s * scale(), 0.45);
            } else {
                Figures.person(v.prims, truthIndex, p[0], p[1], p[2], scale(), motion(), ph, t, look);
                v.blob(p[0], p[1], 0.45 * scale(), 0.45);
            }
        }

        @Override double[] centre(double t) {
            double[] p = pos(t);
            double h = thing.kind() == Kind.MAMMOTH ? 1.8 * scale() : thing.kind() == Kind.DOG ? 0.4 : thing.kind() == Kind.CAT ? 0.27
                    : thing.kind() == Kind.HORSE ? 1.2 : 0.9 * scale();
            if (motion() == Motion.JUMP && thing.kind().category != Category.ANIMAL) h += Math.max(0, Math.sin(phase(t))) * 0.45 * scale();
            return new double[] {p[0], h, p[1]};
        }
    }

    Figures.Look lookOf(Thing t, SplittableRandom r) {
        int[] skins = {0xf1c7a5, 0xe0ac84, 0xc68a5e, 0x8d5a3b, 0xf5d6bc};
        int[] hairs = {0x1c1410, 0x3b2616, 0x6b4a2a, 0xc8a060, 0x101010};
        int[] tops = {0x3d5a8a, 0x8a3d3d, 0x2f6f4f, 0xd8d0c0, 0x585858, 0xc08040};
        int skin = skins[r.nextInt(skins.length)], hair = hairs[r.nextInt(hairs.length)];
        int top = tops[r.nextInt(tops.length)], legs = r.nextBoolean() ? 0x2a3550 : 0x303030, shoes = 0x2a2420;
        Integer dress = null, hat = null, bag = null, scarf = null;
        boolean jacket = false, sunglasses = false, lipstick = false;
        int sleeves = top;
        for (Worn w : t.clothing()) {
            int c = w.colour() != null ? w.colour().rgb : 0x303030;
            switch (w.item()) {
                case JACKET -> { jacket = true; top = c; sleeves = c; }
                case SHIRT -> { top = c; sleeves = c; }
                case DRESS -> dress = c;
                case TROUSERS -> legs = c;
                case BOOTS -> shoes = c;
                case HAT -> hat = c;
                case BAG -> bag = c;
                case SCARF -> scarf = c;
                case SUNGLASSES -> sunglasses = true;
                case LIPSTICK -> lipstick = true;
            }
        }
        if (dress != null && t.clothing().stream().noneMatch(w -> w.item() == Clothing.TROUSERS)) legs = skin;
        boolean longHair = t.kind() == Kind.WOMAN;
        return new Figures.Look(skin, hair, top, sleeves, legs, shoes, dress, jacket, hat, sunglasses, bag, scarf, lipstick, longHair);
    }

    /** Dragon dance: a segmented body carried on poles by dancers, moving in a travelling wave. */
    final class Dragon extends Actor {
        static final int SEG = 9;
        Dragon(Thing t, int k) { super(t, k); }
        double headX(double t) {
            Direction d = thing.direction() == null ? Direction.LEFT_TO_RIGHT : thing.direction();
            double v = Math.min(1.0, 4.0 / Math.max(0.5, seconds));
            return (d == Direction.RIGHT_TO_LEFT ? 2.5 - v * t : -0.5 + v * t) + baseX;
        }
        double sign() { return thing.direction() == Direction.RIGHT_TO_LEFT ? 1 : -1; }
        double[] seg(int i, double t) {
            double x = headX(t) + sign() * i * 0.55;
            double y = 1.75 + 0.45 * Math.sin(t * 3.2 - i * 0.7);
            double z = baseZ + 0.7 * Math.sin(t * 1.6 - i * 0.5);
            return new double[] {x, y, z};
        }
        @Override void emit(View v, double t) {
            int body = rgb(), gold = Colour_GOLD;
            for (int i = SEG - 1; i >= 0; i--) {
                double[] p = seg(i, t);
                double[] q = seg(Math.max(0, i - 1), t);
                double r = i == 0 ? 0.38 : 0.3 - 0.012 * i;
                if (i == 0) {
                    double yaw = sign() < 0 ? 0 : Math.PI;
                    v.prims.add(Prim.ellipsoid(p[0], p[1], p[2], Prim.yawAxes(yaw, 0.5, 0.34, 0.32)).colour(body, Prim.SHINY).id(truthIndex));
                    double fx = Math.cos(yaw);
                    v.prims.add(Prim.box(p[0] + fx * 0.45, p[1] - 0.12, p[2], Prim.yawAxes(yaw, 0.22, 0.07, 0.2)).colour(gold, Prim.METAL).id(truthIndex));
                    for (int side = -1; side <= 1; side += 2) {
                        v.prims.add(Prim.sphere(p[0] + fx * 0.3, p[1] + 0.16, p[2] + side * 0.2, 0.07).colour(0xffffff, Prim.SHINY).id(truthIndex));
                        v.prims.add(Prim.segment(Type.CYLINDER, p[0] - fx * 0.1, p[1] + 0.25, p[2] + side * 0.15, p[0] - fx * 0.45, p[1] + 0.6, p[2] + side * 0.3, 0.03).colour(gold, Prim.METAL).id(truthIndex));
                    }
                } else {
                    v.prims.add(Prim.segment(Type.SPHERE, p[0], p[1], p[2], (p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2, r)
                            .colour(i % 2 == 0 ? body : Figures.mix(body, gold, 0.6), Prim.SHINY).id(truthIndex));
                    v.prims.add(Prim.convex(p[0], p[1] + r * 0.9, p[2], new double[] {0.08, 0, 0, 0, 0.12, 0, 0, 0, 0.04}, Prim.PYRAMID).colour(gold, Prim.METAL).id(truthIndex));
                }
                // the dancer under this segment holding the pole
                v.prims.add(Prim.segment(Type.CYLINDER, p[0], 0.9, p[2], p[0], p[1] - r * 0.8, p[2], 0.02).colour(0x6b4a2a, Prim.MATTE).id(truthIndex));
                double ph = t * 6 + i;
                Figures.person(v.prims, truthIndex, p[0], p[2] + 0.05, sign() < 0 ? 0 : Math.PI, 0.62, Motion.RUN, ph, t, DANCER);
                v.blob(p[0], p[2], 0.45, 0.4);
            }
        }
        @Override double[] centre(double t) {
            double[] a = seg(0, t), b = seg(SEG - 1, t);
            return new double[] {(a[0] + b[0]) / 2, 1.4, (a[2] + b[2]) / 2};
        }
    }

    static final int Colour_GOLD = Vocab.Colour.GOLD.rgb;
    static final Figures.Look DANCER = new Figures.Look(0xe0ac84, 0x101010, 0xd8b040, 0xd8b040, 0xb02020, 0x202020, null, false, null, false, null, null, false, false);

    // ---- events ---------------------------------------------------------------------------------------------------
    /** Typical duration of an event from its start to its effect (measured on the default props), seconds. */
    static double duration(EventKind k, double seconds) {
        return switch (k) {
            case BITE, POP, LAMP_ON -> 0.15;
            case SHATTER -> 0.85;
            case FOOTPRINTS -> 0.6;
            case PAINT -> paintTime(seconds);
            case KNOCK -> 1.8;
            case DOMINO_CHAIN -> 2.2;
        };
    }

    static double paintTime(double seconds) { return Math.min(1.2, 0.3 * seconds); }

    static final double MIN_GAP = 0.05;

    /** True when the scene's events, one after another, can all finish inside a clip of this length. */
    static boolean eventsFit(SceneSpec spec, double seconds) {
        double total = MIN_GAP * (spec.events().size() + 1);
        for (Event e : spec.events()) total += duration(e.kind(), seconds);
        return total <= 0.95 * seconds;
    }

    /** Events one after another with equal gaps, each given its typical duration ("first ..., then ..."). */
    private void schedule() {
        int n = spec.events().size();
        if (n == 0) return;
        double total = 0;
        for (Event e : spec.events()) total += duration(e.kind(), seconds);
        double gap = Math.max(MIN_GAP, (0.95 * seconds - total) / (n + 1));
        double t = 0;
        for (int i = 0; i < n; i++) {
            EventRun e = new EventRun(spec.events().get(i), i + 1);
            t += gap;
            e.start = Truth.r3(t);
            t += duration(e.event.kind(), seconds);
            events.add(e);
        }
    }

    /** Scripts, instantaneous events and physics, advanced with the fixed step up to time t. */
    void advanceTo(double t) {
        while (time + DT * 0.5 < t) {
            for (EventRun e : events) instantEvent(e, time);
            for (Actor a : actors) a.script(time);
            physics.step();
            time += DT;
        }
    }

    private void instantEvent(EventRun e, double t) {
        if (e.end != null || t < e.start) return;
        Actor a = actorOf(e.event.subject());
        switch (e.event.kind()) {
            case BITE, POP, LAMP_ON -> {
                e.end = Truth.r3(e.start + 0.1);
                String st = e.event.kind().after();
                for (Actor x : actors) if (x.thing.id() == e.event.subject()) {
                    x.state = st;
                    e.changes.add(new Truth.StateChange(Truth.r3(t), x.id, st));
                }
            }
            case PAINT -> {
                if (t >= e.start + paintTime(seconds)) { e.end = Truth.r3(e.start + paintTime(seconds)); a.state = "painted"; e.changes.add(new Truth.StateChange(Truth.r3(t), a.id, "painted")); }
            }
            default -> {}
        }
    }

    // ---- scenery ---------------------------------------------------------------------------------------------------
    private void scenery() {
        SplittableRandom r = new SplittableRandom(seed ^ 0xC0FFEE);
        switch (spec.setting()) {
            case CITY -> {
                int[] neon = {0xff3aa0, 0x30e0ff, 0xffd040, 0x60ff80, 0xff6030, 0xa060ff};
                for (int side = -1; side <= 1; side += 2)
                    for (int i = 0; i < 9; i++) {
                        double z = -1.5 - i * 5.2, w = 2.4, h = 4 + r.nextDouble() * 9, x = side * (7.0 + w / 2);
                        int base = Figures.mix(0x1a1c26, 0x3a3040, r.nextDouble());
                        scenery.add(Prim.box(x, h / 2, z, new double[] {w / 2, 0, 0, 0, h / 2, 0, 0, 0, 2.4}).colour(base, Prim.MATTE));
                        // lit windows: a few emissive panes on the street-facing side
                        for (int k = 0; k < 4; k++) {
                            double wy = 1.5 + r.nextDouble() * (h - 2), wz = z + r.nextDouble(-1.8, 1.8);
                            scenery.add(Prim.box(x - side * w / 2, wy, wz, new double[] {0.03, 0, 0, 0, 0.35, 0, 0, 0, 0.25}).colour(0xffd9a0, Prim.EMISSIVE));
                        }
                        int c = neon[r.nextInt(neon.length)];
                        boolean vertical = r.nextBoolean();
                        double sy = 2.2 + r.nextDouble() * 2, sz = z + r.nextDouble(-1, 1);
                        scenery.add(Prim.box(x - side * (w / 2 + 0.08), sy, sz, vertical ? new double[] {0.06, 0, 0, 0, 1.0, 0, 0, 0, 0.22} : new double[] {0.06, 0, 0, 0, 0.25, 0, 0, 0, 1.1})
                                .colour(c, Prim.EMISSIVE));
                        if (i < 2) sceneryLights.add(new double[] {x - side * (w / 2 + 0.6), sy, sz, ((c >> 16) & 255) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0, 6});
                    }
            }
            case SNOW, GRASS -> {
                boolean snow = spec.setting() == Setting.SNOW;
                for (int i = 0; i < 14; i++) {
                    double x = r.nextDouble(-16, 16), z = r.nextDouble(-22, -8), h = r.nextDouble(1.8, 3.2);
                    scenery.add(Prim.segment(Type.CYLINDER, x, 0, z, x, h * 0.3, z, 0.12).colour(0x4a3222, Prim.MATTE));
                    scenery.add(Prim.convex(x, h * 0.3 + h * 0.45, z, new double[] {h * 0.3, 0, 0, 0, h * 0.45, 0, 0, 0, h * 0.3}, Prim.CONE).colour(snow ? 0x2d5a3a : 0x2f6a32, Prim.MATTE));
                    if (snow) scenery.add(Prim.convex(x, h * 0.3 + h * 0.7, z, new double[] {h * 0.14, 0, 0, 0, h * 0.21, 0, 0, 0, h * 0.14}, Prim.CONE).colour(0xf4f6fa, Prim.MATTE));
                }
                if (snow)
                    for (int i = 0; i < 4; i++) {
                        double x = -45 + i * 30 + r.nextDouble(-6, 6), z = -70 - r.nextDouble() * 10, h = r.nextDouble(12, 22);
                        scenery.add(Prim.convex(x, h / 2, z, new double[] {h * 0.9, 0, 0, 0, h / 2, 0, 0, 0, h * 0.9}, Prim.PYRAMID).colour(0x6c7488, Prim.MATTE));
                        scenery.add(Prim.convex(x, h * 0.82, z, new double[] {h * 0.9 * 0.36, 0, 0, 0, h * 0.18, 0, 0, 0, h * 0.9 * 0.36}, Prim.PYRAMID).colour(0xf4f6fa, Prim.MATTE));
                    }
            }
            case TABLE -> scenery.add(Prim.box(0, 4, -6, new double[] {20, 0, 0, 0, 4, 0, 0, 0, 0.1}).colour(0xd8cbb4, Prim.MATTE));
            case COFFEE -> {
                Prim wall = Prim.cylinder(0, 0.3, 0, new double[] {5.2, 0, 0, 0, 1.6, 0, 0, 0, 5.2}).colour(0xf4f0ea, Prim.SHINY);
                wall.inside = true;
                scenery.add(wall);
                // the rim: a ring of short rounded segments (no torus primitive)
                for (int k = 0; k < 40; k++) {
                    double a0 = 2 * Math.PI * k / 40, a1 = 2 * Math.PI * (k + 1) / 40;
                    scenery.add(Prim.segment(Type.SPHERE, 5.3 * Math.cos(a0), 1.9, 5.3 * Math.sin(a0), 5.3 * Math.cos(a1), 1.9, 5.3 * Math.sin(a1), 0.16)
                            .colour(0xfaf8f4, Prim.SHINY));
                }
            }
            default -> {}
        }
        boolean paint = spec.events().stream().anyMatch(e -> e.kind() == EventKind.PAINT);
        if (paint) scenery.add(Prim.box(0, 1.6, WALL_Z, new double[] {4.5, 0, 0, 0, 1.6, 0, 0, 0, 0.1}).colour(0xefe8da, Prim.MATTE));
        boolean dragon = spec.things().stream().anyMatch(t -> t.kind() == Kind.DRAGON);
        if (dragon)
            for (int i = 0; i < 8; i++) {
                double x = -6 + i * 1.7, y = 3.6 + 0.3 * Math.sin(i), z = -4.5;
                scenery.add(Prim.segment(Type.CYLINDER, x, y + 0.35, z, x, y + 1.2, z, 0.01).colour(0x222222, Prim.MATTE));
                scenery.add(Prim.ellipsoid(x, y, z, new double[] {0.3, 0, 0, 0, 0.36, 0, 0, 0, 0.3}).colour(0xff2a1a, Prim.EMISSIVE));
                scenery.add(Prim.cylinder(x, y + 0.36, z, new double[] {0.14, 0, 0, 0, 0.04, 0, 0, 0, 0.14}).colour(0xe0b030, Prim.METAL));
            }
    }

    // ---- camera ----------------------------------------------------------------------------------------------------
    private void cameraSetup() {
        boolean big = spec.things().stream().anyMatch(t -> t.kind() == Kind.MAMMOTH || t.kind() == Kind.DRAGON || t.kind() == Kind.HORSE);
        boolean people = spec.things().stream().anyMatch(t -> t.kind().category == Category.PERSON);
        boolean mammoth = spec.things().stream().anyMatch(t -> t.kind() == Kind.MAMMOTH);
        long placed = spec.things().stream().filter(t -> t.kind().category != Category.CROWD).count();
        boolean travel = spec.things().stream().anyMatch(Stage::travels);
        // frame tighter when there is little to show, so small clips keep their subject large
        camDist = mammoth ? 12.5 : big ? 9.5 : travel ? 6.6 : placed <= 1 ? 4.4 : placed == 2 ? 5.0 : placed == 3 ? 5.8 : 6.6;
        camHeight = big ? 3.2 : 2.4;
        targetY = big ? 1.5 : people ? 0.9 : 0.5;
        fovY = Math.toRadians(big ? 50 : 46);
        if (spec.setting() == Setting.COFFEE) { camDist = 4.6; camHeight = 2.3; targetY = 0.2; }
        if (spec.camera() == CameraMove.TRACKING) {
            int id = spec.trackId();
            if (id < 0) {
                for (Thing t : spec.things()) if (t.motion() != null && t.motion() != Motion.STILL) { id = t.id(); break; }
                if (id < 0 && !spec.things().isEmpty()) id = 0;
            }
            if (id >= 0) tracked = actorOf(id);
        }
        // characters that are followed walk at natural speed: close up behind them stays framed
    }

    Camera camera(double t) {
        double p = seconds <= 0 ? 0 : Math.clamp(t / seconds, 0, 1);
        double tx = 0, tz = 0;
        double px = 0, py = camHeight, pz = camDist;
        double yaw = 0, fov = fovY;
        switch (spec.camera()) {
            case PAN_LEFT -> yaw += 0.5 * p;
            case PAN_RIGHT -> yaw -= 0.5 * p;
            case ZOOM_IN -> fov *= 1 - 0.45 * p;
            case ZOOM_OUT -> fov = Math.min(Math.toRadians(100), fov * (1 + 0.5 * p));
            case DOLLY_IN -> pz = camDist * (1 - 0.4 * p);
            case DOLLY_OUT -> pz = camDist * (1 + 0.5 * p);
            case CRANE_UP -> py = camHeight + 2.0 * p;
            case CRANE_DOWN -> py = camHeight - Math.min(1.6, camHeight - 0.4) * p;
            case ORBIT_LEFT, ORBIT_RIGHT -> {
                double th = (spec.camera() == CameraMove.ORBIT_LEFT ? -0.5 : 0.5) * p;
                px = Math.sin(th) * camDist; pz = Math.cos(th) * camDist;
                yaw = th;
            }
            case TRACKING -> {
                if (tracked != null) { double[] c = tracked.centre(t); tx = c[0]; tz = c[2]; px = tx; pz = tz + camDist; }
            }
            default -> {}
        }
        double pitch = Math.atan2(targetY - py, pz - tz);
        if (spec.camera() == CameraMove.DOLLY_IN || spec.camera() == CameraMove.DOLLY_OUT || spec.camera() == CameraMove.CRANE_UP || spec.camera() == CameraMove.CRANE_DOWN)
            pitch = Math.atan2(targetY - camHeight, camDist); // pure translation: orientation fixed
        if (spec.camera() == CameraMove.ORBIT_LEFT || spec.camera() == CameraMove.ORBIT_RIGHT) pitch = Math.atan2(targetY - camHeight, camDist);
        if (spec.camera() == CameraMove.TILT_UP) pitch += 0.35 * p;
        if (spec.camera() == CameraMove.TILT_DOWN) pitch -= 0.3 * p;
        return new Camera(px, py, pz, yaw, pitch, fov, width, height);
    }

    // ---- view ------------------------------------------------------------------------------------------------------
    View view(double t) {
        View v = new View();
        v.time = t;
        v.camera = camera(t);
        v.prims.addAll(scenery);
        for (double[] L : sceneryLights) v.lights.add(L);
        switch (spec.setting()) {
            case STUDIO -> { v.ground = View.GROUND_STUDIO; v.sky = View.SKY_STUDIO; v.sun(-0.5, 0.85, 0.5); }
            case GRASS -> v.ground = View.GROUND_GRASS;
            case BEACH -> v.ground = View.GROUND_SAND;
            case SNOW -> v.ground = View.GROUND_SNOW;
            case CITY -> { v.ground = View.GROUND_ASPHALT; v.reflectivity = 0.5; v.light(0, 4.5, 3.5, 0xffe0c0, 10); }
            case TABLE -> { v.ground = View.GROUND_WOOD; v.sky = View.SKY_STUDIO; v.sun(-0.4, 0.9, 0.3); }
            case COFFEE -> { v.ground = View.GROUND_COFFEE; v.sky = View.SKY_STUDIO; v.reflectivity = 0.3; v.waves = 1; v.sun(-0.4, 0.9, 0.35); }
        }
        if (spec.setting().outdoor() && !(spec.setting() == Setting.CITY && spec.time() == Vocab.TimeOfDay.NIGHT)) {
            switch (spec.time()) {
                case DAY -> { v.sky = View.SKY_DAY; v.sun(-0.4, 0.75, 0.35); }
                case DUSK -> { v.sky = View.SKY_DUSK; v.sun(-0.8, 0.22, -0.5); v.sunR = 1.0; v.sunG = 0.72; v.sunB = 0.5; v.ambient = 0.42; }
                case NIGHT -> { v.sky = View.SKY_NIGHT; v.sun(-0.3, 0.8, 0.4); v.sunR = 0.35; v.sunG = 0.36; v.sunB = 0.5; v.ambient = 0.42; }
            }
        }
        if (spec.setting() == Setting.CITY && spec.time() == Vocab.TimeOfDay.NIGHT) {
            // night street: dark sky, a soft moon key and a strong fill from the signs and street lamps
            v.sky = View.SKY_NIGHT; v.sun(-0.3, 0.8, 0.5); v.sunR = 0.5; v.sunG = 0.5; v.sunB = 0.65; v.ambient = 0.5;
        }
        for (Actor a : actors) a.emit(v, t);
        particles(v, t);
        return v;
    }

    private void particles(View v, double t) {
        for (Particle p : spec.particles()) {
            SplittableRandom r = new SplittableRandom(seed ^ (p.ordinal() * 0x9E37L));
            switch (p) {
                case RAIN -> {
                    for (int i = 0; i < 260; i++) {
                        double x = r.nextDouble(-7, 7), z = r.nextDouble(-8, 5), y0 = r.nextDouble(0, 6), sp = 9;
                        double y = 6 - ((6 - y0 + sp * t) % 6);
                        v.particle(x, y, z, 0.05, -0.35, 0, 0.006, 0xb8c8e0, 0.55);
                        double hit = (6 - y0 + sp * t) % 6;
                        if (hit < 0.9) v.particle(x, 0.02, z, 0, 0, 0, 0.02 + 0.04 * hit, 0xd0dcf0, 0.5 * (1 - hit / 0.9));
                    }
                }
                case SNOWFALL -> {
                    for (int i = 0; i < 260; i++) {
                        double x = r.nextDouble(-8, 8), z = r.nextDouble(-10, 5), y0 = r.nextDouble(0, 6), sp = r.nextDouble(0.5, 1.0);
                        double y = 6 - ((6 - y0 + sp * t) % 6);
                        v.particle(x + 0.25 * Math.sin(t * 1.3 + i), y, z, 0, 0, 0, 0.03, 0xffffff, 0.9);
                    }
                }
                case CONFETTI -> {
                    int[] cs = {0xff3a3a, 0xffd040, 0x40c0ff, 0x60e070, 0xff70d0, 0xffffff};
                    for (int i = 0; i < 200; i++) {
                        double x = r.nextDouble(-5, 5), z = r.nextDouble(-5, 4), y0 = r.nextDouble(0, 5), sp = r.nextDouble(0.4, 0.9);
                        double y = 5 - ((5 - y0 + sp * t) % 5);
                        double fl = Math.sin(t * 5 + i);
                        v.particle(x + 0.3 * Math.sin(t * 2 + i), y, z, 0.04 * fl, 0.0, 0.03, 0.025, cs[i % cs.length], 1);
                    }
                }
                case SPLASH -> {
                    int col = spec.setting() == Setting.COFFEE ? 0x8a6040 : 0xc8e0f0;
                    for (int b = 0; b < 4; b++) {
                        double period = 1.1 + 0.2 * b, ph = (t + b * 0.37) % period;
                        int cycle = (int) Math.floor((t + b * 0.37) / period);
                        SplittableRandom rb = new SplittableRandom(seed ^ (b * 1000L + cycle));
                        double cx = rb.nextDouble(-2.5, 2.5), cz = rb.nextDouble(-1.5, 1.5);
                        if (ph > 0.7) continue;
                        for (int i = 0; i < 14; i++) {
                            double ang = i * 2 * Math.PI / 14, sp = 0.8 + 0.3 * (i % 3);
                            v.particle(cx + Math.cos(ang) * sp * ph, Math.max(0.01, 2.6 * ph - 4.9 * ph * ph), cz + Math.sin(ang) * sp * ph, 0, 0, 0, 0.035, col, 0.9);
                        }
                    }
                }
                case SMOKE -> {
                    for (int i = 0; i < 40; i++) {
                        double age = (t * 0.8 + i * 0.1) % 4.0;
                        double sx = -2.5 + 0.2 * Math.sin(i);
                        v.particle(sx + 0.3 * age + 0.1 * Math.sin(i * 1.7), 0.2 + 0.6 * age, -1.5 + 0.1 * Math.cos(i), 0, 0, 0, 0.08 + 0.1 * age, 0x9a9a9e, 0.5 * (1 - age / 4));
                    }
                }
            }
        }
    }
}
