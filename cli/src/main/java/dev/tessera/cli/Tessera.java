package dev.tessera.cli;

import dev.tessera.cli.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./tessera <command>}: the one entry point. Every subcommand is its own class; this class only wires them and
 * turns failures into one clear line on stderr with a non-zero exit (set TESSERA_DEBUG=1 for the stack trace).
 */
@Command(name = "tessera", mixinStandardHelpOptions = true, version = "tessera 0.1.0",
        description = "Text to video, trained on a world simulator, judged by SimBench.",
        subcommands = {GenerateCommand.class, WorldCommand.class, TrainCommand.class, EvalCommand.class,
                VerifyCommand.class, BenchCommand.class, CompareCommand.class})
public final class Tessera implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try ./tessera --help)");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Tessera());
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            if (System.getenv("TESSERA_DEBUG") != null) ex.printStackTrace();
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            line.getErr().println("tessera: " + msg.lines().findFirst().orElse(msg));
            return ex instanceof ExitCodeException e ? e.code() : 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("tessera: " + ex.getMessage());
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
