package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder until issue #4 lands: says so honestly and exits non-zero. */
@Command(name = "world", description = "(not available yet: issue #4)")
public final class WorldBench implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'bench world' is not available yet in this build (issue #4)");
    }
}
