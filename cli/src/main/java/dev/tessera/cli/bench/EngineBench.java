package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder until issue #2 lands: says so honestly and exits non-zero. */
@Command(name = "engine", description = "(not available yet: issue #2)")
public final class EngineBench implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'bench engine' is not available yet in this build (issue #2)");
    }
}
