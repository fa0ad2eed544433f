package dev.tessera.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Placeholder until issue #6 lands: says so honestly and exits non-zero. */
@Command(name = "eval", description = "(not available yet: issue #6)")
public final class EvalCommand implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> args;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'eval' is not available yet in this build (issue #6)");
    }
}
