package dev.tessera.cli.bench;

import dev.tessera.cli.ExitCodeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Placeholder until issue #6 lands: says so honestly and exits non-zero. */
@Command(name = "eval", description = "(not available yet: issue #6)")
public final class EvalBench implements Callable<Integer> {
    @Option(names = "--json") boolean json;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'bench eval' is not available yet in this build (issue #6)");
    }
}
