package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder until issue #5 lands: says so honestly and exits non-zero. */
@Command(name = "generate", description = "(not available yet: issue #5)")
public final class GenerateBench implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'bench generate' is not available yet in this build (issue #5)");
    }
}
