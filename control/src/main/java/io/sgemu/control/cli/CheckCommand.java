package io.sgemu.control.cli;

import io.sgemu.control.aws.LoadedWorld;
import io.sgemu.control.aws.WorldInventory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code sgemu check}: validates a world and prints its inventory, quota warnings and notes. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate a world and print an inventory with AWS quota warnings.",
            "Exit code 0 when the world loads, 2 (with the file and JSON path) when it does not."})
final class CheckCommand implements Callable<Integer> {

    @Mixin
    WorldOptions world;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        LoadedWorld loaded = world.load();
        spec.commandLine().getOut().print(WorldInventory.render(loaded));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
