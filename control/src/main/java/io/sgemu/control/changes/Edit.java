package io.sgemu.control.changes;

import io.sgemu.control.model.World;

/** What one change does to the world, whatever its time and source line. */
sealed interface Edit permits SgRulesEdit, EniAttributeEdit, NaclEntryEdit, NaclAssociationEdit, NoOpEdit {

    /** The world after the edit; throws {@link Rejected} where EC2 would refuse the request. */
    World applyTo(World world);

    /** What the edit does, after the action's name: {@code sg-1: tcp 443 from 0.0.0.0/0}. */
    String summary();
}
