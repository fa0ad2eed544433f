package dev.tessera.cli.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./tessera bench engine|media|world|generate|eval|vae|direction [--json]}: each area owns its own benchmark class. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks; with --json the last line is one JSON object.",
        subcommands = {EngineBench.class, MediaBench.class, WorldBench.class, GenerateBench.class, EvalBench.class, VaeBench.class, DirectionBench.class, HeldOutBench.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing benchmark: engine, media, world, generate, eval, vae, direction or heldout");
    }
}
