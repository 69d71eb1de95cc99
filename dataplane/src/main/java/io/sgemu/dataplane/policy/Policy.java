package io.sgemu.dataplane.policy;

import io.sgemu.dataplane.conntrack.ConnTrackTimeouts;
import io.sgemu.dataplane.flowlog.FlowLogEni;

/**
 * A compiled world, as the stages of SEMANTICS.md section 5 ask of it: every question a packet puts,
 * answered from flat, immutable tables without allocation. One implementation ({@link PolicySnapshot})
 * is built by the control side and published whole; a worker reads one snapshot per batch.
 *
 * <p>ENIs are numbered {@code 0..eniCount()-1}, subnets {@code 0..subnetCount()-1}. A compiler given
 * the previous snapshot keeps the numbers of ENIs that still exist, so conntrack entries and counters
 * keyed by ENI number stay valid across a change.
 *
 * <p>Addresses are given as a family (4 or 6) and two longs, as in {@code IpAddress}: an IPv4 address
 * has {@code hi == 0} and its 32 bits in the low half of {@code lo}. Ports, ICMP type and code are
 * {@code -1} where the packet has none (a later fragment has no ports).
 */
public interface Policy extends ConnTrackTimeouts {

    int NONE = -1;

    // ---------------------------------------------------------------- ENIs

    int eniCount();

    /** The ENI's id, {@code eni-...}. */
    String eniId(int eni);

    /** How the ENI appears in flow-log records (one instance per ENI, made at compile time). */
    FlowLogEni flowLogEni(int eni);

    int eniSubnet(int eni);

    /** True for the interface types that track every flow (SEMANTICS.md section 3). */
    boolean tracksEveryFlow(int eni);

    /** The ENI's tracked-connection allowance; 0 means unlimited. */
    long maxTrackedConnections(int eni);

    // ---------------------------------------------------------------- addresses

    /**
     * The address entry of a private IPv4/IPv6 (secondary included) or public IPv4 of an ENI, or
     * {@link #NONE} for an external address. Where two ENIs claim one address, the first ENI of the
     * world owns it, and private addresses win over public ones.
     */
    int findAddress(int family, long hi, long lo);

    /** The ENI that owns the address entry. */
    int addressEni(int entry);

    /** True when the entry is a public IPv4 (never matches a group reference). */
    boolean addressIsPublic(int entry);

    /** The address as its own ENI sees it: a public IPv4 becomes the private address it maps to. */
    long ownViewHi(int entry);

    long ownViewLo(int entry);

    /**
     * The address as its own ENI logs it in srcaddr/dstaddr: its own view, then a secondary private
     * IPv4 shown as the primary private IPv4.
     */
    long loggedHi(int entry);

    long loggedLo(int entry);

    /**
     * The identity of a private address's ENI (its set of security groups now) for group references;
     * {@link #NONE} for a public address.
     */
    int identity(int entry);

    // ---------------------------------------------------------------- stages

    /**
     * Stage 1 ({@code egress}) or 4 rules: does any rule of any group of the ENI allow the packet? The
     * remote end is the destination for egress, the source for ingress; {@code dstPort} is always the
     * packet's destination port. {@code remoteIdentity} is {@link #identity} of the remote address's
     * entry, or {@link #NONE} when it is external or public.
     */
    boolean securityGroupAllows(int eni, boolean egress, int family, long remoteHi, long remoteLo, int remoteIdentity,
                                int protocol, int dstPort, int icmpType, int icmpCode);

    /**
     * SEMANTICS.md section 3, untracked flows, conditions (a) and (b), for a packet that the ENI's rules
     * of direction {@code egress} allow.
     */
    boolean untracked(int eni, boolean egress, int family, long remoteHi, long remoteLo, int protocol, int srcPort,
                      int dstPort);

    int subnetCount();

    /**
     * Stage 2 ({@code egress}, the source's subnet) or 3 (the destination's subnet): the first entry of
     * the subnet's network ACL by rule number that matches decides; no match denies. The remote end is
     * the destination for egress, the source for ingress.
     */
    boolean networkAclAllows(int subnet, boolean egress, int family, long remoteHi, long remoteLo, int protocol,
                             int dstPort, int icmpType, int icmpCode);

    /**
     * Traffic to or from the reserved addresses that AWS neither filters nor logs (SEMANTICS.md section 5),
     * given the ENIs at either end ({@link #NONE} where there is none).
     */
    boolean isReserved(int family, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int srcPort,
                       int dstPort, int eniA, int eniB);

    /**
     * True when {@code other} gives every ENI number of this policy the same connection-tracking timeouts and
     * allowance, so that a worker moving from one to the other need not list its tracked connections again.
     * False when unsure.
     */
    default boolean sameTimeouts(Policy other) {
        return false;
    }
}
