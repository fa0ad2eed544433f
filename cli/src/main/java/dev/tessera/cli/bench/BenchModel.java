package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import dev.tessera.model.TesseraModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code --model DIR} of the benchmarks that score a trained model: default folder, one-line errors. */
final class BenchModel {
    private BenchModel() {}

    /** {@code dir}, or models/default when null. */
    static Path dir(Path dir) { return dir != null ? dir : Path.of("models/default"); }

    /** Exit 2 when there is no model.json, exit 3 when the folder does not load (the loader's message). */
    private static void requireFolder(Path dir) {
        if (!Files.exists(dir.resolve("model.json"))) throw new ExitCodeException(2, "no model at " + dir + " (model.json missing)");
    }

    static TesseraModel load(Path dir) throws IOException {
        requireFolder(dir);
        try {
            return TesseraModel.load(dir);
        } catch (IllegalArgumentException e) {
            throw new ExitCodeException(3, e.getMessage());
        }
    }
}
