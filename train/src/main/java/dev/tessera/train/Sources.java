package dev.tessera.train;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the data source a config names: {@code world} or a folder of captioned clips. */
public final class Sources {
    private Sources() {}

    public static ClipSource open(TrainConfig cfg) throws IOException {
        if (cfg.data().equals("world")) return WorldSource.create(cfg.seed(), cfg.fps(), cfg.focus());
        return new FolderSource(Path.of(cfg.data()), cfg.fps());
    }
}
