package io.sgemu.control.gen;

import io.sgemu.control.model.World;
import java.util.List;

/**
 * A generated world and what the user should know about it: mostly the AWS quotas it goes beyond (sgemu
 * loads such worlds with warnings only: it exists to test scale beyond them).
 */
public record GeneratedWorld(World world, List<String> warnings) {
    public GeneratedWorld {
        warnings = List.copyOf(warnings);
    }

    public WorldSize size() {
        return WorldSize.of(world);
    }
}
