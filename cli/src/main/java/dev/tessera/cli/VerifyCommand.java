package dev.tessera.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Placeholder until issue #3 lands: says so honestly and exits non-zero. */
@Command(name = "verify", description = "(not available yet: issue #3)")
public final class VerifyCommand implements Callable<Integer> {
    @Parameters(arity = "0..*") List<String> args;

    @Override public Integer call() {
        throw new ExitCodeException(3, "'verify' is not available yet in this build (issue #3)");
    }
}
