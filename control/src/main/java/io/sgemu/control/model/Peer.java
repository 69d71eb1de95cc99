package io.sgemu.control.model;

import io.sgemu.dataplane.net.Cidr;

/** The one peer of a security-group rule (SEMANTICS.md section 2): a CIDR, a prefix list, or a group. */
public sealed interface Peer {

    /** An IPv4 or IPv6 CIDR. */
    record CidrPeer(Cidr cidr) implements Peer {
        @Override
        public String toString() {
            return cidr.toString();
        }
    }

    /** A managed prefix list, matched against its current entries. */
    record PrefixListPeer(String prefixListId) implements Peer {
        @Override
        public String toString() {
            return prefixListId;
        }
    }

    /** A reference to a security group: matches the private IPs of every ENI currently in the group. */
    record GroupPeer(String groupId) implements Peer {
        @Override
        public String toString() {
            return groupId;
        }
    }
}
