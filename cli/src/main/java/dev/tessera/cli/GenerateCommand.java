package dev.tessera.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Placeholder until issue #5 lands: says so honestly and exits non-zero. */
@Command(name = "generate", description = "(not available yet: issue #5)")
public final class GenerateCommand implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> args;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'generate' is not available yet in this build (issue #5)");
    }
}
