package io.sgemu.bench.sweep;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The baseline a classifier is measured against: no index at all. The destination ENI is found by a scan
 * of every ENI's primary IPv4 address, then the first of its inbound security-group rules that matches
 * the packet is found by a scan of its rules in order. Scope: IPv4 packets from outside the world (so a
 * rule whose peer is a group never matches: an external source is in no group); prefix lists are expanded
 * into one rule per entry. The rules are kept as primitive arrays, so the scan is as fast as a scan can be.
 */
public final class LinearScanClassifier {

    /** One ENI's inbound rules (its groups' rules, in order), struct of arrays. */
    private static final class Rules {
        int[] net = new int[8];
        int[] mask = new int[8];
        int[] protocol = new int[8];
        int[] from = new int[8];
        int[] to = new int[8];
        int size;

        void add(Cidr c, SgRule r) {
            if (size == net.length) {
                int n = size * 2;
                net = Arrays.copyOf(net, n);
                mask = Arrays.copyOf(mask, n);
                protocol = Arrays.copyOf(protocol, n);
                from = Arrays.copyOf(from, n);
                to = Arrays.copyOf(to, n);
            }
            int m = c.prefixLength() == 0 ? 0 : -1 << (32 - c.prefixLength());
            mask[size] = m;
            net[size] = c.network().v4Bits() & m;
            protocol[size] = r.protocol();
            from[size] = r.fromPort();
            to[size] = r.toPort();
            size++;
        }
    }

    private final int[] eniAddress;
    private final Rules[] eniRules;

    private LinearScanClassifier(int[] eniAddress, Rules[] eniRules) {
        this.eniAddress = eniAddress;
        this.eniRules = eniRules;
    }

    /** The classifier of {@code world}'s ENIs (in the world's order) and their inbound IPv4 rules. */
    public static LinearScanClassifier of(World world) {
        int n = world.networkInterfaces().size();
        int[] addresses = new int[n];
        Rules[] rules = new Rules[n];
        Map<List<String>, Rules> shared = new HashMap<>(); // ENIs with the same groups share one list
        int i = 0;
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            addresses[i] = eni.primaryIpv4() == null ? 0 : eni.primaryIpv4().v4Bits();
            rules[i++] = shared.computeIfAbsent(eni.groupIds(), groups -> inbound(world, groups));
        }
        return new LinearScanClassifier(addresses, rules);
    }

    private static Rules inbound(World world, List<String> groups) {
        Rules out = new Rules();
        for (String id : groups) {
            SecurityGroup g = world.securityGroups().get(id);
            if (g == null) {
                continue;
            }
            for (SgRule r : g.ingress()) {
                switch (r.peer()) {
                    case Peer.CidrPeer c -> {
                        if (c.cidr().family() == 4) {
                            out.add(c.cidr(), r);
                        }
                    }
                    case Peer.PrefixListPeer p -> {
                        PrefixList list = world.prefixLists().get(p.prefixListId());
                        if (list != null) {
                            for (Cidr c : list.entries()) {
                                if (c.family() == 4) {
                                    out.add(c, r);
                                }
                            }
                        }
                    }
                    default -> {
                        // a group reference: an external source is in no group
                    }
                }
            }
        }
        return out;
    }

    public int eniCount() {
        return eniAddress.length;
    }

    /** The number of rules (after prefix-list expansion) {@link #firstMatch} scans for {@code eni}. */
    public int ruleCount(int eni) {
        return eniRules[eni].size;
    }

    /** The ENI (in world order) whose primary IPv4 address is {@code address}, by a scan; -1 for none. */
    public int eniOf(int address) {
        int[] a = eniAddress;
        for (int i = 0; i < a.length; i++) {
            if (a[i] == address) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the first inbound rule of {@code eni} that allows a packet from {@code source}, or -1.
     * {@code dstPort} is -1 for a protocol without ports; {@code icmpType}, {@code icmpCode} -1 for non-ICMP.
     */
    public int firstMatch(int eni, int source, int protocol, int dstPort, int icmpType, int icmpCode) {
        Rules r = eniRules[eni];
        int[] net = r.net;
        int[] mask = r.mask;
        int[] proto = r.protocol;
        int[] from = r.from;
        int[] to = r.to;
        for (int i = 0, n = r.size; i < n; i++) {
            if ((source & mask[i]) != net[i]) {
                continue;
            }
            int p = proto[i];
            if (p == -1) {
                return i;
            }
            if (p != protocol) {
                continue;
            }
            if (p == 6 || p == 17) {
                if (portIn(from[i], to[i], dstPort)) {
                    return i;
                }
            } else if (p == 1 || p == 58) {
                if (icmp(from[i], to[i], icmpType, icmpCode)) {
                    return i;
                }
            } else {
                return i;
            }
        }
        return -1;
    }

    /** Whether a packet from {@code source} to the ENI at {@code destination} is allowed; false for no ENI. */
    public boolean allows(int destination, int source, int protocol, int dstPort, int icmpType, int icmpCode) {
        int eni = eniOf(destination);
        return eni >= 0 && firstMatch(eni, source, protocol, dstPort, icmpType, icmpCode) >= 0;
    }

    /** A bound of -1 is open; a packet without a port matches only a range of every port (as the reference). */
    private static boolean portIn(int from, int to, int port) {
        int lo = from < 0 ? 0 : from;
        int hi = to < 0 ? 65_535 : to;
        if (port < 0) {
            return lo == 0 && hi >= 65_535;
        }
        return port >= lo && port <= hi;
    }

    /** Security-group ICMP matching: type -1 with code -1 is any; a type matches that type and code (or any). */
    private static boolean icmp(int ruleType, int ruleCode, int type, int code) {
        if (ruleType == -1) {
            return ruleCode == -1;
        }
        return type == ruleType && (ruleCode == -1 || code == ruleCode);
    }
}
