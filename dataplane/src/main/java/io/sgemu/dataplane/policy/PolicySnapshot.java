package io.sgemu.dataplane.policy;

import io.sgemu.dataplane.flowlog.FlowLogEni;
import io.sgemu.dataplane.net.IpAddress;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A compiled world: immutable, flat, every {@link Policy} question answered without allocation. Built by
 * the control side's compiler and published whole (a worker reads one snapshot per batch; every field is
 * final and the arrays are never written after construction, so a safe publication - a release store of
 * the reference - is all a reader needs).
 *
 * <h2>Layout</h2>
 * <ul>
 *   <li><b>ENIs</b> {@code 0..eniCount()-1}, struct-of-arrays: id, flow-log identity, subnet number,
 *       tracks-every-flow, connection-tracking settings (an index into the distinct (allowance, three
 *       timeouts) of the world), policy number, the VPC+2 resolver (IPv4 bits, or -1). A number whose ENI left the world is a hole: id null, policy {@link #NONE}, never an address's
 *       owner; numbers are never reused while their holes stand, so conntrack and counters keyed by number
 *       stay valid across snapshots.</li>
 *   <li><b>Policies</b>: {@code policies[p]} is the {@link RuleTable}s of one distinct set of security
 *       groups: usually one table compiled from all the set's groups (one prefix walk per packet), or,
 *       when the compiler spends no memory on merging that set, one table per group, their answers
 *       united (the rules are a union, so both give the same verdicts).</li>
 *   <li><b>Addresses</b>: {@link AddressTable}, an exact-match hash (host addresses only).</li>
 *   <li><b>Identities</b>: identity {@code i} is the sorted group numbers
 *       {@code identityGroups[identityStart[i] .. identityStart[i+1])}: the groups of the ENI that owns the
 *       private address (of every ENI that claims it, when two do, as group membership is by address).
 *       Rule tables name groups by number, so a change of membership changes only identities.</li>
 *   <li><b>Subnets</b> {@code 0..subnetCount()-1}: the {@link NetworkAclTable} of each, or null for a
 *       subnet without a NACL (AWS's default: allow all).</li>
 * </ul>
 */
public final class PolicySnapshot implements Policy {

    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int DNS_PORT = 53;
    private static final int DHCP_SERVER = 67;
    private static final int DHCP_CLIENT = 68;

    /** Instance metadata and time sync (IPv4, IPv6): reserved whatever the protocol. */
    private static final long[] ALWAYS_V4 = {bits("169.254.169.254"), bits("169.254.169.123")};
    private static final long[][] ALWAYS_V6 = {v6("fd00:ec2::254"), v6("fd00:ec2::123")};
    private static final long DNS_V4 = bits("169.254.169.253");
    private static final long[] DNS_V6 = v6("fd00:ec2::253");

    private final String[] eniIds;
    private final FlowLogEni[] flowLogEnis;
    private final int[] eniSubnet;
    private final boolean[] tracksEveryFlow;
    /** Index into the distinct connection-tracking settings below (most ENIs share the default). */
    private final int[] eniConnTrack;
    private final long[] maxTracked;
    private final int[] tcpEstablished;
    private final int[] udpTimeout;
    private final int[] udpStreamTimeout;
    private final int[] eniPolicy;
    /** The identity of each ENI's own private addresses (an address entry says {@link AddressTable#OWNER}). */
    private final int[] eniIdentity;
    private final long[] eniResolver;
    private final RuleTable[][] policies;
    private final AddressTable addresses;
    private final int[] identityStart;
    private final int[] identityGroups;
    /** Identities of this snapshot: the arrays may hold more (appended for later snapshots, never read here). */
    private final int identityCount;
    /** Shared by the snapshots that share the identity arrays: see {@link IdentityClaim}. */
    private final IdentityClaim identityClaim;
    private final String[] subnetIds;
    private final NetworkAclTable[] subnetAcl;
    private final Object compilerState;

    private PolicySnapshot(Builder b) {
        int n = b.eniCount;
        eniIds = b.eniIds;
        flowLogEnis = b.flowLogEnis;
        eniSubnet = b.eniSubnet;
        tracksEveryFlow = b.tracksEveryFlow;
        eniConnTrack = b.eniConnTrack;
        int settings = b.connTrackSettings.size();
        // At least one row: a hole's index 0 must read something (zeros when the world has no ENI).
        maxTracked = new long[Math.max(1, settings)];
        tcpEstablished = new int[Math.max(1, settings)];
        udpTimeout = new int[Math.max(1, settings)];
        udpStreamTimeout = new int[Math.max(1, settings)];
        for (int i = 0; i < settings; i++) {
            long[] c = b.connTrackSettings.get(i);
            maxTracked[i] = c[0];
            tcpEstablished[i] = (int) c[1];
            udpTimeout[i] = (int) c[2];
            udpStreamTimeout[i] = (int) c[3];
        }
        eniPolicy = b.eniPolicy;
        eniIdentity = b.eniIdentity;
        eniResolver = b.eniResolver;
        policies = b.policies;
        addresses = b.addresses;
        identityStart = b.identityStart;
        identityGroups = b.identityGroups;
        identityCount = b.identityStart.length - 1;
        identityClaim = new IdentityClaim(identityCount);
        subnetIds = b.subnetIds;
        subnetAcl = b.subnetAcl;
        compilerState = b.compilerState;
        for (int e = 0; e < n; e++) {
            if (eniIds[e] != null && (eniPolicy[e] < 0 || eniPolicy[e] >= policies.length)) {
                throw new IllegalArgumentException("ENI " + eniIds[e] + " has no policy");
            }
        }
    }

    /** A snapshot that is {@code p}'s arrays with the patch's changes; only the patched ENIs are checked. */
    private PolicySnapshot(Patch p) {
        PolicySnapshot base = p.base;
        eniIds = base.eniIds;
        flowLogEnis = base.flowLogEnis;
        eniSubnet = base.eniSubnet;
        tracksEveryFlow = base.tracksEveryFlow;
        eniConnTrack = p.eniConnTrack;
        maxTracked = p.maxTracked;
        tcpEstablished = p.tcpEstablished;
        udpTimeout = p.udpTimeout;
        udpStreamTimeout = p.udpStreamTimeout;
        eniPolicy = p.eniPolicy;
        eniIdentity = p.eniIdentity;
        eniResolver = base.eniResolver;
        policies = p.policies;
        addresses = base.addresses;
        identityStart = p.identityStart;
        identityGroups = p.identityGroups;
        identityCount = p.identityCount;
        identityClaim = p.identityClaim;
        subnetIds = base.subnetIds;
        subnetAcl = p.subnetAcl;
        compilerState = p.compilerState;
        for (int i = 0; i < p.touchedEnis.size(); i++) {
            int e = p.touchedEnis.get(i);
            if (eniIds[e] == null || eniPolicy[e] < 0 || eniPolicy[e] >= policies.length
                    || eniIdentity[e] < 0 || eniIdentity[e] >= identityCount) {
                throw new IllegalArgumentException("ENI number " + e + " patched into an inconsistent state");
            }
        }
        if (p.policiesReplaced && policies.length < base.policies.length) {
            throw new IllegalArgumentException("policies may be added or replaced, not removed");
        }
    }

    public static Builder builder(int eniCount, int subnetCount) {
        return new Builder(eniCount, subnetCount);
    }

    /**
     * A change to this snapshot that shares every array it does not touch (the incremental compiler's way to
     * make the next snapshot in time proportional to the change, not to the world). ENIs, addresses and
     * subnets stay as they are; an ENI's policy, identity and connection-tracking settings, the policies,
     * the identities (appended) and the subnets' NACLs may change.
     */
    public Patch patch() {
        return new Patch(this);
    }

    /**
     * True when {@code other} has the same connection-tracking settings for every ENI number of this one (it
     * shares their arrays): a worker taking it need not list its tracked connections again.
     */
    @Override
    public boolean sameTimeouts(Policy other) {
        return other instanceof PolicySnapshot o && o.eniConnTrack == eniConnTrack && o.maxTracked == maxTracked
                && o.tcpEstablished == tcpEstablished && o.udpTimeout == udpTimeout
                && o.udpStreamTimeout == udpStreamTimeout;
    }

    private static long bits(String text) {
        return IpAddress.parse(text).lo();
    }

    private static long[] v6(String text) {
        IpAddress a = IpAddress.parse(text);
        return new long[] {a.hi(), a.lo()};
    }

    // ---------------------------------------------------------------- ENIs

    @Override
    public int eniCount() {
        return eniIds.length;
    }

    @Override
    public String eniId(int eni) {
        return eniIds[eni];
    }

    @Override
    public FlowLogEni flowLogEni(int eni) {
        return flowLogEnis[eni];
    }

    @Override
    public int eniSubnet(int eni) {
        return eniSubnet[eni];
    }

    @Override
    public boolean tracksEveryFlow(int eni) {
        return tracksEveryFlow[eni];
    }

    @Override
    public long maxTrackedConnections(int eni) {
        return maxTracked[eniConnTrack[eni]];
    }

    @Override
    public int tcpEstablishedTimeoutSeconds(int eni) {
        return tcpEstablished[eniConnTrack[eni]];
    }

    @Override
    public int udpTimeoutSeconds(int eni) {
        return udpTimeout[eniConnTrack[eni]];
    }

    @Override
    public int udpStreamTimeoutSeconds(int eni) {
        return udpStreamTimeout[eniConnTrack[eni]];
    }

    /** The ENI's number, or {@link #NONE} (a linear search: for set-up and tests, not per packet). */
    public int eniNumber(String id) {
        for (int e = 0; e < eniIds.length; e++) {
            if (id.equals(eniIds[e])) {
                return e;
            }
        }
        return NONE;
    }

    /** The rule tables whose union is the ENI's security groups (a copy of the array; the tables are shared). */
    public RuleTable[] ruleTables(int eni) {
        int p = eniPolicy[eni];
        return p < 0 ? new RuleTable[0] : policies[p].clone();
    }

    public int policyCount() {
        return policies.length;
    }

    // ---------------------------------------------------------------- addresses

    @Override
    public int findAddress(int family, long hi, long lo) {
        return addresses.find(family, hi, lo);
    }

    @Override
    public int addressEni(int entry) {
        return addresses.eni(entry);
    }

    @Override
    public boolean addressIsPublic(int entry) {
        return addresses.isPublic(entry);
    }

    @Override
    public long ownViewHi(int entry) {
        return addresses.ownHi(entry);
    }

    @Override
    public long ownViewLo(int entry) {
        return addresses.ownLo(entry);
    }

    @Override
    public long loggedHi(int entry) {
        return addresses.loggedHi(entry);
    }

    @Override
    public long loggedLo(int entry) {
        return addresses.loggedLo(entry);
    }

    @Override
    public int identity(int entry) {
        int i = addresses.identity(entry);
        return i == AddressTable.OWNER ? eniIdentity[addresses.eni(entry)] : i;
    }

    /** The subnet's compiled NACL, or null (no NACL: everything allowed). */
    public NetworkAclTable networkAcl(int subnet) {
        return subnetAcl[subnet];
    }

    /** Every policy's tables, in an array of {@code length >= policyCount()} (a copy; the tables are shared). */
    public RuleTable[][] policies(int length) {
        return Arrays.copyOf(policies, length);
    }

    /** The rule tables of policy {@code p} (the array itself: callers must not write it). */
    public RuleTable[] policyTables(int p) {
        return policies[p];
    }

    /** The number of addresses. */
    public int addressCount() {
        return addresses.size();
    }

    /** Entry numbers are below this (they are hash slots: not every number below it is an entry). */
    public int addressCapacity() {
        return addresses.capacity();
    }

    public int identityCount() {
        return identityCount;
    }

    /** The sorted group numbers of an identity (a copy). */
    public int[] identityGroups(int identity) {
        return Arrays.copyOfRange(identityGroups, identityStart[identity], identityStart[identity + 1]);
    }

    // ---------------------------------------------------------------- stages

    @Override
    public boolean securityGroupAllows(int eni, boolean egress, int family, long remoteHi, long remoteLo,
                                       int remoteIdentity, int protocol, int dstPort, int icmpType, int icmpCode) {
        int p = eniPolicy[eni];
        if (p < 0) {
            return false;
        }
        int d = egress ? 1 : 0;
        int f = family == 4 ? 0 : 1;
        int from = 0;
        int to = 0;
        if (remoteIdentity >= 0) {
            from = identityStart[remoteIdentity];
            to = identityStart[remoteIdentity + 1];
        }
        RuleTable[] tables = policies[p];
        for (int i = 0; i < tables.length; i++) {
            if (tables[i].allows(d, f, remoteHi, remoteLo, identityGroups, from, to, protocol, dstPort, icmpType,
                    icmpCode)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean untracked(int eni, boolean egress, int family, long remoteHi, long remoteLo, int protocol,
                             int srcPort, int dstPort) {
        if (protocol != TCP && protocol != UDP) {
            return false;
        }
        int p = eniPolicy[eni];
        if (p < 0) {
            return false;
        }
        RuleTable[] tables = policies[p];
        int same = egress ? 1 : 0;
        int opposite = 1 - same;
        int f = family == 4 ? 0 : 1;
        // (a) an all-addresses rule of P's direction admits P, and the opposite direction has an
        // all-addresses, all-ports rule for P's protocol.
        if (anyAdmits(tables, same, f, protocol, dstPort) && anyAllPorts(tables, opposite, f, protocol)) {
            return true;
        }
        // (b) the reverse R (ports swapped: R's destination port is P's source port) is admitted by an
        // all-addresses rule of the opposite direction, and P's direction has the all-ports rule.
        return anyAdmits(tables, opposite, f, protocol, srcPort) && anyAllPorts(tables, same, f, protocol);
    }

    private static boolean anyAdmits(RuleTable[] tables, int d, int f, int protocol, int dstPort) {
        for (int i = 0; i < tables.length; i++) {
            if (tables[i].allAddressesAdmit(d, f, protocol, dstPort)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyAllPorts(RuleTable[] tables, int d, int f, int protocol) {
        for (int i = 0; i < tables.length; i++) {
            if (tables[i].allAddressesAllPorts(d, f, protocol)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int subnetCount() {
        return subnetAcl.length;
    }

    public String subnetId(int subnet) {
        return subnetIds[subnet];
    }

    @Override
    public boolean networkAclAllows(int subnet, boolean egress, int family, long remoteHi, long remoteLo, int protocol,
                                    int dstPort, int icmpType, int icmpCode) {
        NetworkAclTable acl = subnetAcl[subnet];
        return acl == null || acl.allows(egress, family, remoteHi, remoteLo, protocol, dstPort, icmpType, icmpCode);
    }

    /** {@code eniA} is the ENI of the source, {@code eniB} that of the destination. */
    @Override
    public boolean isReserved(int family, long srcHi, long srcLo, long dstHi, long dstLo, int protocol, int srcPort,
                              int dstPort, int eniA, int eniB) {
        if (isAlways(family, srcHi, srcLo) || isAlways(family, dstHi, dstLo)) {
            return true;
        }
        if (protocol == TCP || protocol == UDP) {
            // DNS either way: the resolver's side of the flow is port 53; the VPC+2 resolver is the one of
            // the VPC of the ENI that talks to it.
            if (dstPort == DNS_PORT && isResolver(family, dstHi, dstLo, eniA)) {
                return true;
            }
            if (srcPort == DNS_PORT && isResolver(family, srcHi, srcLo, eniB)) {
                return true;
            }
        }
        // DHCP: UDP between ports 68 and 67, both ports.
        return protocol == UDP && ((srcPort == DHCP_CLIENT && dstPort == DHCP_SERVER)
                || (srcPort == DHCP_SERVER && dstPort == DHCP_CLIENT));
    }

    private static boolean isAlways(int family, long hi, long lo) {
        if (family == 4) {
            return lo == ALWAYS_V4[0] || lo == ALWAYS_V4[1];
        }
        return (hi == ALWAYS_V6[0][0] && lo == ALWAYS_V6[0][1]) || (hi == ALWAYS_V6[1][0] && lo == ALWAYS_V6[1][1]);
    }

    private boolean isResolver(int family, long hi, long lo, int client) {
        if (family == 4) {
            return lo == DNS_V4 || (client >= 0 && eniResolver[client] >= 0 && lo == eniResolver[client]);
        }
        return hi == DNS_V6[0] && lo == DNS_V6[1];
    }

    /** What the compiler that made this snapshot keeps for the next compilation (opaque to the dataplane). */
    public Object compilerState() {
        return compilerState;
    }

    /**
     * Bytes of compiled policy held by this snapshot (arrays and object headers, approximately; each shared
     * rule table counted once; the flow-log records' strings belong to the model and are not counted).
     */
    public long bytes() {
        long[] parts = byteParts();
        return parts[0] + parts[1] + parts[2] + parts[3];
    }

    /** {@link #bytes()} by part: ENIs, rule tables (and policies), addresses and identities, NACLs. */
    public String describeBytes() {
        long[] p = byteParts();
        return String.format("ENIs %.1f MB, rule tables %.1f MB, addresses and identities %.1f MB, NACLs %.1f MB",
                p[0] / 1e6, p[1] / 1e6, p[2] / 1e6, p[3] / 1e6);
    }

    private long[] byteParts() {
        int n = eniIds.length;
        long b = 128 + PrefixMap.arrayBytes(n, 4) * 6 + PrefixMap.arrayBytes(n, 8) + PrefixMap.arrayBytes(n, 1)
                + (long) n * 40 // a FlowLogEni record each
                + PrefixMap.arrayBytes(maxTracked.length, 8) + PrefixMap.arrayBytes(maxTracked.length, 4) * 3;
        Map<Object, Boolean> seen = new IdentityHashMap<>();
        long enis = b;
        b = PrefixMap.arrayBytes(policies.length, 4);
        for (RuleTable[] set : policies) {
            b += PrefixMap.arrayBytes(set.length, 4);
            for (RuleTable t : set) {
                if (seen.put(t, Boolean.TRUE) == null) {
                    b += t.bytes();
                }
            }
        }
        long tables = b;
        long addressBytes = addresses.bytes() + PrefixMap.arrayBytes(identityStart.length, 4)
                + PrefixMap.arrayBytes(identityGroups.length, 4);
        b = PrefixMap.arrayBytes(subnetAcl.length, 4) * 2;
        for (NetworkAclTable acl : subnetAcl) {
            if (acl != null && seen.put(acl, Boolean.TRUE) == null) {
                b += acl.bytes();
            }
        }
        return new long[] {enis, tables, addressBytes, b};
    }

    /** Assembles a snapshot; every ENI number not given an ENI stays a hole. */
    public static final class Builder {
        private final int eniCount;
        private final String[] eniIds;
        private final FlowLogEni[] flowLogEnis;
        private final int[] eniSubnet;
        private final boolean[] tracksEveryFlow;
        private final int[] eniConnTrack;
        private final java.util.List<long[]> connTrackSettings = new java.util.ArrayList<>();
        private final java.util.Map<java.util.List<Long>, Integer> connTrackIndex = new java.util.HashMap<>();
        private final int[] eniPolicy;
        private final int[] eniIdentity;
        private final long[] eniResolver;
        private RuleTable[][] policies = new RuleTable[0][];
        private AddressTable addresses = new AddressTable.Builder().build();
        private int[] identityStart = {0};
        private int[] identityGroups = new int[0];
        private final String[] subnetIds;
        private final NetworkAclTable[] subnetAcl;
        private Object compilerState;

        private Builder(int eniCount, int subnetCount) {
            this.eniCount = eniCount;
            eniIds = new String[eniCount];
            flowLogEnis = new FlowLogEni[eniCount];
            eniSubnet = new int[eniCount];
            tracksEveryFlow = new boolean[eniCount];
            eniConnTrack = new int[eniCount];
            eniPolicy = new int[eniCount];
            eniIdentity = new int[eniCount];
            eniResolver = new long[eniCount];
            Arrays.fill(eniSubnet, NONE);
            Arrays.fill(eniPolicy, NONE);
            Arrays.fill(eniIdentity, NONE);
            Arrays.fill(eniResolver, -1);
            subnetIds = new String[subnetCount];
            subnetAcl = new NetworkAclTable[subnetCount];
        }

        /**
         * ENI number {@code eni}. {@code resolverV4}: the IPv4 bits of its VPC's base + 2 resolver, or -1.
         */
        public Builder eni(int eni, String id, FlowLogEni flowLog, int subnet, boolean tracksEvery, long allowance,
                           int tcpEstablishedSeconds, int udpSeconds, int udpStreamSeconds, int policy, long resolverV4) {
            eniIds[eni] = id;
            flowLogEnis[eni] = flowLog;
            eniSubnet[eni] = subnet;
            tracksEveryFlow[eni] = tracksEvery;
            java.util.List<Long> key = java.util.List.of(allowance, (long) tcpEstablishedSeconds, (long) udpSeconds,
                    (long) udpStreamSeconds);
            Integer index = connTrackIndex.get(key);
            if (index == null) {
                index = connTrackSettings.size();
                connTrackIndex.put(key, index);
                connTrackSettings.add(new long[] {allowance, tcpEstablishedSeconds, udpSeconds, udpStreamSeconds});
            }
            eniConnTrack[eni] = index;
            eniPolicy[eni] = policy;
            eniResolver[eni] = resolverV4;
            return this;
        }

        /** The identity of the ENI's private addresses whose entry says {@link AddressTable#OWNER}. */
        public Builder eniIdentity(int eni, int identity) {
            eniIdentity[eni] = identity;
            return this;
        }

        public Builder policies(RuleTable[][] sets) {
            this.policies = sets;
            return this;
        }

        public Builder addresses(AddressTable table) {
            this.addresses = table;
            return this;
        }

        /** Identity {@code i} is {@code groups[i]}, sorted ascending, no duplicates. */
        public Builder identities(int[][] groups) {
            identityStart = new int[groups.length + 1];
            int total = 0;
            for (int i = 0; i < groups.length; i++) {
                identityStart[i] = total;
                total += groups[i].length;
            }
            identityStart[groups.length] = total;
            identityGroups = new int[total];
            for (int i = 0; i < groups.length; i++) {
                System.arraycopy(groups[i], 0, identityGroups, identityStart[i], groups[i].length);
            }
            return this;
        }

        /** Subnet number {@code subnet}; {@code acl} null: no NACL, everything allowed. */
        public Builder subnet(int subnet, String id, NetworkAclTable acl) {
            subnetIds[subnet] = id;
            subnetAcl[subnet] = acl;
            return this;
        }

        public Builder compilerState(Object state) {
            this.compilerState = state;
            return this;
        }

        public PolicySnapshot build() {
            return new PolicySnapshot(this);
        }
    }

    /** See {@link PolicySnapshot#patch()}. Arrays are copied on their first change; not thread-safe. */
    public static final class Patch {
        private final PolicySnapshot base;
        private int[] eniConnTrack;
        private long[] maxTracked;
        private int[] tcpEstablished;
        private int[] udpTimeout;
        private int[] udpStreamTimeout;
        private int[] eniPolicy;
        private int[] eniIdentity;
        private RuleTable[][] policies;
        private boolean policiesReplaced;
        private int[] identityStart;
        private int[] identityGroups;
        private int identityCount;
        private IdentityClaim identityClaim;
        private NetworkAclTable[] subnetAcl;
        private Object compilerState;
        private final IntList touchedEnis = new IntList(4);
        private boolean ownConnTrack;
        private boolean ownPolicy;
        private boolean ownIdentity;
        private boolean ownAcl;

        private Patch(PolicySnapshot b) {
            base = b;
            eniConnTrack = b.eniConnTrack;
            maxTracked = b.maxTracked;
            tcpEstablished = b.tcpEstablished;
            udpTimeout = b.udpTimeout;
            udpStreamTimeout = b.udpStreamTimeout;
            eniPolicy = b.eniPolicy;
            eniIdentity = b.eniIdentity;
            policies = b.policies;
            identityStart = b.identityStart;
            identityGroups = b.identityGroups;
            identityCount = b.identityCount;
            identityClaim = b.identityClaim;
            subnetAcl = b.subnetAcl;
            compilerState = b.compilerState;
        }

        public Patch eniPolicy(int eni, int policy) {
            if (!ownPolicy) {
                eniPolicy = eniPolicy.clone();
                ownPolicy = true;
            }
            eniPolicy[eni] = policy;
            touchedEnis.add(eni);
            return this;
        }

        public Patch eniIdentity(int eni, int identity) {
            if (!ownIdentity) {
                eniIdentity = eniIdentity.clone();
                ownIdentity = true;
            }
            eniIdentity[eni] = identity;
            touchedEnis.add(eni);
            return this;
        }

        /** The ENI's allowance (0: unlimited) and timeouts, as {@link Builder#eni} takes them. */
        public Patch eniConnTrack(int eni, long allowance, int tcpEstablishedSeconds, int udpSeconds, int udpStreamSeconds) {
            int row = -1;
            for (int i = 0; i < maxTracked.length; i++) {
                if (maxTracked[i] == allowance && tcpEstablished[i] == tcpEstablishedSeconds && udpTimeout[i] == udpSeconds
                        && udpStreamTimeout[i] == udpStreamSeconds) {
                    row = i;
                    break;
                }
            }
            if (row < 0) {
                row = maxTracked.length;
                maxTracked = Arrays.copyOf(maxTracked, row + 1);
                tcpEstablished = Arrays.copyOf(tcpEstablished, row + 1);
                udpTimeout = Arrays.copyOf(udpTimeout, row + 1);
                udpStreamTimeout = Arrays.copyOf(udpStreamTimeout, row + 1);
                maxTracked[row] = allowance;
                tcpEstablished[row] = tcpEstablishedSeconds;
                udpTimeout[row] = udpSeconds;
                udpStreamTimeout[row] = udpStreamSeconds;
            }
            if (eniConnTrack[eni] != row) {
                if (!ownConnTrack) {
                    eniConnTrack = eniConnTrack.clone();
                    ownConnTrack = true;
                }
                eniConnTrack[eni] = row;
            }
            touchedEnis.add(eni);
            return this;
        }

        /** Every policy: the base's, some replaced, new ones after them. */
        public Patch policies(RuleTable[][] all) {
            policies = all;
            policiesReplaced = true;
            return this;
        }

        /**
         * Appends an identity (sorted group numbers, no duplicates) and returns its number. Written in place
         * after the last identity when no other snapshot has claimed that room (older snapshots never read
         * past their own count), else into grown copies: amortized O(size of the identity).
         */
        public int addIdentity(int[] sortedGroups) {
            int n = identityCount;
            int total = identityStart[n];
            int k = sortedGroups.length;
            if (identityClaim.count != n || identityStart.length < n + 2 || identityGroups.length < total + k) {
                identityStart = Arrays.copyOf(identityStart, Math.max(n + 2, n + (n >> 1) + 16));
                identityGroups = Arrays.copyOf(identityGroups, Math.max(total + k, total + (total >> 1) + 64));
                identityClaim = new IdentityClaim(n);
            }
            System.arraycopy(sortedGroups, 0, identityGroups, total, k);
            identityStart[n + 1] = total + k;
            identityCount = n + 1;
            identityClaim.count = n + 1;
            return n;
        }

        public Patch subnetAcl(int subnet, NetworkAclTable acl) {
            if (!ownAcl) {
                subnetAcl = subnetAcl.clone();
                ownAcl = true;
            }
            subnetAcl[subnet] = acl;
            return this;
        }

        public Patch compilerState(Object state) {
            compilerState = state;
            return this;
        }

        public PolicySnapshot build() {
            return new PolicySnapshot(this);
        }
    }

    /**
     * How many identities have been written into a pair of identity arrays, by whichever snapshot or patch
     * wrote last. A patch may append in place only when the count is its own (no other patch appended after
     * the same identities). Written and read by the compiling thread only: the compilations of one sequence
     * of snapshots are serialized, and a snapshot reaches workers by a volatile store after the writes.
     */
    private static final class IdentityClaim {
        int count;

        IdentityClaim(int count) {
            this.count = count;
        }
    }
}
