package dev.tessera.train;

import java.util.Locale;

/** What a run trains: the compression network, the text encoder (pre-training), or the diffusion transformer. */
public enum TrainKind {
    VAE, TEXT, DIT;

    public static TrainKind parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "vae" -> VAE;
            case "text" -> TEXT;
            case "dit" -> DIT;
            default -> throw new IllegalArgumentException("unknown thing to train '" + s + "'; allowed: vae, text, dit");
        };
    }

    public String word() { return name().toLowerCase(Locale.ROOT); }
}
