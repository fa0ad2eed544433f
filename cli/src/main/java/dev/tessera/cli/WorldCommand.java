package dev.tessera.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Placeholder until issue #4 lands: says so honestly and exits non-zero. */
@Command(name = "world", description = "(not available yet: issue #4)")
public final class WorldCommand implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> args;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'world' is not available yet in this build (issue #4)");
    }
}
