package io.sgemu.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sgemu gen}: generators of test material for a world. */
@Command(name = "gen", mixinStandardHelpOptions = true,
        description = {"Generate test material: 'sgemu gen capture' writes realistic traffic for a world, "
            + "'sgemu gen world' writes a world (ClassBench-derived or AWS-shaped) as AWS CLI JSON."},
        subcommands = {GenCaptureCommand.class, GenWorldCommand.class, CommandLine.HelpCommand.class})
final class GenCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
