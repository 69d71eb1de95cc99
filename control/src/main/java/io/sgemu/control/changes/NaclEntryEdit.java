package io.sgemu.control.changes;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.List;

/**
 * Create/Replace/DeleteNetworkAclEntry. An entry is identified by its NACL, direction and rule number.
 * A replaced entry keeps its place in the list (order never matters to verdicts, but it keeps
 * inventories stable).
 */
record NaclEntryEdit(Kind kind, String aclId, NaclEntry entry, int ruleNumber, boolean egress) implements Edit {

    enum Kind { CREATE, REPLACE, DELETE }

    @Override
    public World applyTo(World world) {
        NetworkAcl acl = world.networkAcls().get(aclId);
        if (acl == null) {
            throw new Rejected("InvalidNetworkAclID.NotFound", "the network ACL " + aclId + " does not exist");
        }
        List<NaclEntry> entries = new ArrayList<>(acl.entries());
        int at = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).ruleNumber() == ruleNumber && entries.get(i).egress() == egress) {
                at = i;
            }
        }
        String which = (egress ? "egress" : "ingress") + " entry " + ruleNumber + " of " + aclId;
        switch (kind) {
            case CREATE -> {
                if (at >= 0) {
                    throw new Rejected("NetworkAclEntryAlreadyExists", "the " + which + " already exists");
                }
                entries.add(entry);
            }
            case REPLACE -> {
                if (at < 0) {
                    throw new Rejected("InvalidNetworkAclEntry.NotFound", "there is no " + which + " to replace");
                }
                entries.set(at, entry);
            }
            case DELETE -> {
                if (at < 0) {
                    throw new Rejected("InvalidNetworkAclEntry.NotFound", "there is no " + which + " to delete");
                }
                entries.remove(at);
            }
        }
        return world.withNetworkAcl(acl.withEntries(entries));
    }

    @Override
    public String summary() {
        return aclId + ": " + (kind == Kind.DELETE ? (egress ? "egress" : "ingress") + " entry " + ruleNumber : entry.describe());
    }
}
