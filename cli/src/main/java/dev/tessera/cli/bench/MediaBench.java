package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder until issue #3 lands: says so honestly and exits non-zero. */
@Command(name = "media", description = "(not available yet: issue #3)")
public final class MediaBench implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'bench media' is not available yet in this build (issue #3)");
    }
}
