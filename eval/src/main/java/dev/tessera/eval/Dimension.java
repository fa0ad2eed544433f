package dev.tessera.eval;

/** SimBench's twelve dimensions, in report order; {@link #id()} is the name used in report.json. */
public enum Dimension {
    PRESENCE, ATTRIBUTES, SPATIAL, MOTION_DIRECTION, PHYSICS, PERMANENCE, CAUSE_EFFECT, EVENT_ORDER, CAMERA,
    CONSISTENCY, MOTION_AMOUNT, LANGUAGE_AGREEMENT;

    public String id() { return name().toLowerCase(); }
}
