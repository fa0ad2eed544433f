package dev.tessera.engine.kernels;

/**
 * The global switch between the fast kernels and their plain-loop reference twins.
 *
 * <p>Every public kernel entry point checks {@link #reference()} and, when it is on, runs its twin instead. The switch
 * starts on when the system property {@code tessera.reference=true} or the environment variable
 * {@code TESSERA_REFERENCE=1} is set; tests flip it with {@link #setReference}.
 */
public final class Kernels {
    private Kernels() {}

    private static volatile boolean reference = initialReference();

    private static boolean initialReference() {
        String p = System.getProperty("tessera.reference");
        if (p != null) return p.equalsIgnoreCase("true") || p.equals("1");
        String e = System.getenv("TESSERA_REFERENCE");
        return e != null && (e.equals("1") || e.equalsIgnoreCase("true"));
    }

    /** True when every kernel runs its plain-loop reference twin. */
    public static boolean reference() {
        return reference;
    }

    /** Turns the reference twins on or off for the whole process; returns the previous value. */
    public static boolean setReference(boolean on) {
        boolean old = reference;
        reference = on;
        return old;
    }

    static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Checks that {@code [off, off + span)} lies inside an array of length {@code len}. */
    static void checkRange(String name, int len, long off, long span) {
        if (off < 0 || span < 0 || off + span > len)
            throw new IllegalArgumentException(name + ": needs elements [" + off + ", " + (off + span)
                    + ") but the array has " + len);
    }
}
