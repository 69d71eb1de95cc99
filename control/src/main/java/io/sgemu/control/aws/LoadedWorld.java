package io.sgemu.control.aws;

import io.sgemu.control.model.World;
import java.util.List;

/**
 * A world and what loading it had to say. Warnings are things that are probably wrong or beyond AWS's
 * quotas; notes are choices the loader made (files passed over, default NACLs supplied). Each names
 * the file it is about.
 */
public record LoadedWorld(World world, List<String> warnings, List<String> notes) {
    public LoadedWorld {
        warnings = List.copyOf(warnings);
        notes = List.copyOf(notes);
    }
}
