package io.sgemu.control.changes;

import io.sgemu.control.model.World;

/** A request that changes nothing the emulator models (a dry run, or only attributes that do not filter). */
record NoOpEdit(String subject, String why) implements Edit {
    @Override
    public World applyTo(World world) {
        return world;
    }

    @Override
    public String summary() {
        return subject + ": nothing to do (" + why + ")";
    }
}
