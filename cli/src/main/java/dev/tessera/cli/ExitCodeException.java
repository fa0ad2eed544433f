package dev.tessera.cli;

/** A user-facing failure that also chooses the process exit code (e.g. `verify`: 1 = no mark, 2 = broken manifest). */
public class ExitCodeException extends RuntimeException {
    private final int code;

    public ExitCodeException(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() { return code; }
}
