package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PortRange;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link World}s for tests straight from the model records, with short text for addresses,
 * protocols and peers. Builders are mutable and kept by id, so a test can change one and {@link #build()}
 * again to get the next world.
 *
 * <pre>{@code
 * TestWorld t = new TestWorld();
 * t.vpc("vpc-1", "10.0.0.0/16");
 * t.subnet("subnet-a", "vpc-1", "10.0.1.0/24");
 * t.sg("sg-web").in("tcp", 443, 443, "0.0.0.0/0").out("-1", -1, -1, "0.0.0.0/0");
 * t.eni("eni-web", "subnet-a", "10.0.1.10", "sg-web");
 * World w = t.build();
 * }</pre>
 */
final class TestWorld {

    static final String ACCOUNT = "111122223333";

    private final Map<String, Vpc> vpcs = new LinkedHashMap<>();
    private final Map<String, Subnet> subnets = new LinkedHashMap<>();
    private final Map<String, Sg> sgs = new LinkedHashMap<>();
    private final Map<String, Eni> enis = new LinkedHashMap<>();
    private final Map<String, Acl> acls = new LinkedHashMap<>();
    private final Map<String, PrefixList> prefixLists = new LinkedHashMap<>();

    TestWorld vpc(String id, String ipv4Cidr, String... ipv6Cidrs) {
        vpcs.put(id, new Vpc(id, ACCOUNT, List.of(Cidr.parse(ipv4Cidr)),
                Arrays.stream(ipv6Cidrs).map(Cidr::parse).toList()));
        return this;
    }

    /** A subnet in us-east-1a (az-id use1-az1). */
    TestWorld subnet(String id, String vpcId, String ipv4Cidr) {
        return subnet(id, vpcId, ipv4Cidr, null, "us-east-1a", "use1-az1");
    }

    TestWorld subnet(String id, String vpcId, String ipv4Cidr, String ipv6Cidr, String az, String azId) {
        subnets.put(id, new Subnet(id, vpcId, ipv4Cidr == null ? null : Cidr.parse(ipv4Cidr),
                ipv6Cidr == null ? null : Cidr.parse(ipv6Cidr), az, azId, ACCOUNT));
        return this;
    }

    /** The group's builder, created empty (no rules in either direction) the first time. */
    Sg sg(String id) {
        return sgs.computeIfAbsent(id, k -> new Sg(id, vpcs.isEmpty() ? "vpc-1" : vpcs.keySet().iterator().next()));
    }

    /** The ENI's builder, created the first time with its subnet, primary IPv4 and groups. */
    Eni eni(String id, String subnetId, String primaryIpv4, String... groups) {
        Eni e = enis.get(id);
        if (e == null) {
            Subnet s = subnets.get(subnetId);
            if (s == null) {
                throw new IllegalArgumentException("no subnet " + subnetId + " yet");
            }
            e = new Eni(id, s, primaryIpv4, List.of(groups));
            enis.put(id, e);
        }
        return e;
    }

    Eni eni(String id) {
        Eni e = enis.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no ENI " + id);
        }
        return e;
    }

    TestWorld removeEni(String id) {
        enis.remove(id);
        return this;
    }

    /** A network ACL of {@code vpcId}; {@code isDefault} makes it cover every subnet no other ACL names. */
    Acl nacl(String id, String vpcId, boolean isDefault, String... subnetIds) {
        return acls.computeIfAbsent(id, k -> new Acl(id, vpcId, isDefault, List.of(subnetIds)));
    }

    TestWorld prefixList(String id, String... cidrs) {
        List<Cidr> entries = Arrays.stream(cidrs).map(Cidr::parse).toList();
        int family = entries.isEmpty() ? 4 : entries.get(0).family();
        prefixLists.put(id, new PrefixList(id, id + "-name", family, entries));
        return this;
    }

    World build() {
        Map<String, SecurityGroup> groups = new LinkedHashMap<>();
        sgs.forEach((id, b) -> groups.put(id, b.build()));
        Map<String, NetworkInterface> interfaces = new LinkedHashMap<>();
        enis.forEach((id, b) -> interfaces.put(id, b.build()));
        Map<String, NetworkAcl> nacls = new LinkedHashMap<>();
        acls.forEach((id, b) -> nacls.put(id, b.build()));
        return new World(vpcs, subnets, nacls, groups, interfaces, prefixLists);
    }

    /** Parses a peer: {@code sg-...} is a group reference, {@code pl-...} a prefix list, anything else a CIDR. */
    static Peer peer(String text) {
        if (text.startsWith("sg-")) {
            return new Peer.GroupPeer(text);
        }
        if (text.startsWith("pl-")) {
            return new Peer.PrefixListPeer(text);
        }
        return new Peer.CidrPeer(Cidr.parse(text));
    }

    static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    /** A security group under construction. */
    static final class Sg {
        final String id;
        final String vpcId;
        final List<SgRule> in = new ArrayList<>();
        final List<SgRule> out = new ArrayList<>();

        Sg(String id, String vpcId) {
            this.id = id;
            this.vpcId = vpcId;
        }

        /** An inbound rule: protocol text ({@code tcp}, {@code -1}, {@code 47}), ports or ICMP type/code, peer. */
        Sg in(String protocol, int from, int to, String peer) {
            in.add(new SgRule(null, false, Protocols.parse(protocol), from, to, TestWorld.peer(peer), null, in.size()));
            return this;
        }

        Sg out(String protocol, int from, int to, String peer) {
            out.add(new SgRule(null, true, Protocols.parse(protocol), from, to, TestWorld.peer(peer), null, out.size()));
            return this;
        }

        /** An inbound rule with an {@code sgr-} id. */
        Sg inWithId(String ruleId, String protocol, int from, int to, String peer) {
            in.add(new SgRule(ruleId, false, Protocols.parse(protocol), from, to, TestWorld.peer(peer), null, in.size()));
            return this;
        }

        Sg allOut() {
            return out("-1", -1, -1, "0.0.0.0/0");
        }

        Sg clearIn() {
            in.clear();
            return this;
        }

        Sg clearOut() {
            out.clear();
            return this;
        }

        SecurityGroup build() {
            return new SecurityGroup(id, id + "-name", vpcId, ACCOUNT, in, out);
        }
    }

    /** A network interface under construction. */
    static final class Eni {
        final String id;
        final Subnet subnet;
        String primary;
        final List<String> secondary = new ArrayList<>();
        final List<String> ipv6 = new ArrayList<>();
        final Map<String, String> publicIps = new LinkedHashMap<>();
        List<String> groups;
        String type = "interface";
        String instanceId;
        String ownerId = ACCOUNT;
        ConnTrackConfig connTrack;

        Eni(String id, Subnet subnet, String primary, List<String> groups) {
            this.id = id;
            this.subnet = subnet;
            this.primary = primary;
            this.groups = new ArrayList<>(groups);
        }

        Eni secondary(String a) {
            secondary.add(a);
            return this;
        }

        Eni ipv6(String a) {
            ipv6.add(a);
            return this;
        }

        /** A public IPv4 associated with the primary private address. */
        Eni publicIp(String pub) {
            publicIps.put(pub, primary);
            return this;
        }

        Eni publicIp(String pub, String privateAddress) {
            publicIps.put(pub, privateAddress);
            return this;
        }

        Eni groups(String... ids) {
            groups = new ArrayList<>(List.of(ids));
            return this;
        }

        Eni type(String t) {
            type = t;
            return this;
        }

        Eni instance(String i) {
            instanceId = i;
            return this;
        }

        Eni owner(String o) {
            ownerId = o;
            return this;
        }

        Eni connTrack(ConnTrackConfig c) {
            connTrack = c;
            return this;
        }

        /** The allowance of tracked connections (other timeouts default). */
        Eni maxTracked(long max) {
            connTrack = (connTrack == null ? ConnTrackConfig.DEFAULT : connTrack).withMaxTrackedConnections(max);
            return this;
        }

        NetworkInterface build() {
            Map<IpAddress, IpAddress> pubs = new LinkedHashMap<>();
            publicIps.forEach((k, v) -> pubs.put(ip(k), ip(v)));
            return new NetworkInterface(id, subnet.id(), subnet.vpcId(), ownerId, subnet.availabilityZone(), type,
                    instanceId, primary == null ? null : ip(primary), secondary.stream().map(TestWorld::ip).toList(),
                    ipv6.stream().map(TestWorld::ip).toList(), pubs, groups, connTrack);
        }
    }

    /** A network ACL under construction. */
    static final class Acl {
        final String id;
        final String vpcId;
        final boolean isDefault;
        final List<String> subnetIds;
        final List<NaclEntry> entries = new ArrayList<>();

        Acl(String id, String vpcId, boolean isDefault, List<String> subnetIds) {
            this.id = id;
            this.vpcId = vpcId;
            this.isDefault = isDefault;
            this.subnetIds = new ArrayList<>(subnetIds);
        }

        /** An ingress entry; {@code ports} is {@code "from-to"}, a single port, or null (all). */
        Acl in(int number, String protocol, boolean allow, String cidr, String ports) {
            entries.add(entry(number, false, protocol, allow, cidr, ports, -1, -1));
            return this;
        }

        Acl out(int number, String protocol, boolean allow, String cidr, String ports) {
            entries.add(entry(number, true, protocol, allow, cidr, ports, -1, -1));
            return this;
        }

        Acl icmp(int number, boolean egress, String protocol, boolean allow, String cidr, int type, int code) {
            entries.add(entry(number, egress, protocol, allow, cidr, null, type, code));
            return this;
        }

        /** The AWS default NACL's entries: 100 allow all IPv4 (and 101 allow all IPv6) both ways. */
        Acl allowAll() {
            in(100, "-1", true, "0.0.0.0/0", null).out(100, "-1", true, "0.0.0.0/0", null);
            return in(101, "-1", true, "::/0", null).out(101, "-1", true, "::/0", null);
        }

        Acl clear() {
            entries.clear();
            return this;
        }

        static NaclEntry entry(int number, boolean egress, String protocol, boolean allow, String cidr, String ports,
                               int type, int code) {
            PortRange range = null;
            if (ports != null) {
                String[] p = ports.split("-");
                range = new PortRange(Integer.parseInt(p[0]), Integer.parseInt(p[p.length - 1]));
            }
            return new NaclEntry(number, egress, Protocols.parse(protocol), allow, Cidr.parse(cidr), range, type, code);
        }

        NetworkAcl build() {
            return new NetworkAcl(id, vpcId, isDefault, entries, subnetIds);
        }
    }
}
