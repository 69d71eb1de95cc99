package io.sgemu.control.gen;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Reads the services a world's security groups open: for each ENI, every inbound rule gives clients
 * (the ENIs its peer names, and outside hosts when the peer covers the internet and the ENI has a public
 * address) and every outbound rule to the internet gives outside servers. Whether a service's traffic
 * really passes (the other end's groups, both NACLs, the replies) is for {@link FlowCheck} to say.
 */
final class ServiceCatalog {

    /** Ports a client would call when a rule opens a range, most likely first. */
    static final int[] COMMON_PORTS = {443, 80, 22, 8080, 5432, 3306, 53, 123, 6379, 8443, 9090, 27017, 11211, 5672,
        9200, 25, 3389};

    private final World world;
    private final AddressRegistry addresses;
    private final ExternalAddresses outside;
    private final SplittableRandom rnd;
    private final Set<Service> services = new LinkedHashSet<>();

    private ServiceCatalog(World world, AddressRegistry addresses, ExternalAddresses outside, SplittableRandom rnd) {
        this.world = world;
        this.addresses = addresses;
        this.outside = outside;
        this.rnd = rnd;
    }

    /** The services of {@code world}, in the world's order (ENIs, groups, rules). */
    static List<Service> of(World world, AddressRegistry addresses, ExternalAddresses outside, SplittableRandom rnd) {
        ServiceCatalog c = new ServiceCatalog(world, addresses, outside, rnd);
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            for (String gid : eni.groupIds()) {
                SecurityGroup g = world.securityGroups().get(gid);
                if (g == null) {
                    continue;
                }
                for (SgRule r : g.ingress()) {
                    c.inbound(eni, r);
                }
                for (SgRule r : g.egress()) {
                    c.outbound(eni, r);
                }
            }
        }
        return List.copyOf(c.services);
    }

    private void inbound(NetworkInterface server, SgRule rule) {
        for (int family : new int[] {IpAddress.V4, IpAddress.V6}) {
            List<Integer> servers = ids(ofFamily(server.privateAddresses(), family));
            if (servers.isEmpty()) {
                continue;
            }
            List<Integer> clients = new ArrayList<>();
            for (NetworkInterface other : world.networkInterfaces().values()) {
                if (other == server) {
                    continue;
                }
                for (IpAddress a : ofFamily(other.privateAddresses(), family)) {
                    if (peerMatches(rule.peer(), other, a)) {
                        clients.add(addresses.id(a));
                    }
                }
            }
            List<Cidr> outsideClients = outsideCidrs(rule.peer(), family);
            List<IpAddress> publicServers = family == IpAddress.V4
                    ? new ArrayList<>(server.publicIps().keySet()) : ofFamily(server.ipv6(), family);
            publicServers.sort(null);
            for (int[] offer : offers(rule, family)) {
                String origin = rule.describe() + " of " + server.id();
                if (!clients.isEmpty()) {
                    services.add(new Service(offer[0], offer[1], clients, List.of(), servers, null, origin));
                }
                if (!outsideClients.isEmpty() && !publicServers.isEmpty()) {
                    services.add(new Service(offer[0], offer[1], List.of(), outsideClients, ids(publicServers), null, origin));
                }
            }
        }
    }

    private void outbound(NetworkInterface client, SgRule rule) {
        for (int family : new int[] {IpAddress.V4, IpAddress.V6}) {
            List<Integer> clients = ids(ofFamily(client.privateAddresses(), family));
            if (clients.isEmpty()) {
                continue;
            }
            for (Cidr c : outsideCidrs(rule.peer(), family)) {
                for (int[] offer : offers(rule, family)) {
                    services.add(new Service(offer[0], offer[1], clients, List.of(), List.of(), c,
                            rule.describe() + " of " + client.id()));
                }
            }
        }
    }

    private boolean peerMatches(Peer peer, NetworkInterface eni, IpAddress a) {
        return switch (peer) {
            case Peer.CidrPeer c -> c.cidr().contains(a);
            case Peer.GroupPeer g -> eni.groupIds().contains(g.groupId());
            case Peer.PrefixListPeer p -> prefixListCidrs(p).stream().anyMatch(c -> c.contains(a));
        };
    }

    /** The peer's CIDRs of {@code family} that hold outside addresses (a group never does). */
    private List<Cidr> outsideCidrs(Peer peer, int family) {
        List<Cidr> cidrs = switch (peer) {
            case Peer.CidrPeer c -> List.of(c.cidr());
            case Peer.GroupPeer g -> List.of();
            case Peer.PrefixListPeer p -> prefixListCidrs(p);
        };
        List<Cidr> out = new ArrayList<>();
        for (Cidr c : cidrs) {
            if (c.family() == family && outside.draw(c, rnd) != null) {
                out.add(c);
            }
        }
        return out;
    }

    private List<Cidr> prefixListCidrs(Peer.PrefixListPeer p) {
        PrefixList list = world.prefixLists().get(p.prefixListId());
        return list == null ? List.of() : list.entries();
    }

    /** (protocol, port) pairs a client would use under the rule; ICMP echo has port -1. */
    static List<int[]> offers(SgRule rule, int family) {
        int icmp = family == IpAddress.V4 ? Protocols.ICMP : Protocols.ICMPV6;
        int echoRequest = family == IpAddress.V4 ? 8 : 128;
        List<int[]> out = new ArrayList<>();
        switch (rule.protocol()) {
            case Protocols.TCP, Protocols.UDP -> {
                int from = rule.fromPort() < 0 ? 0 : rule.fromPort();
                int to = rule.toPort() < 0 ? 65535 : rule.toPort();
                if (from == to) {
                    out.add(new int[] {rule.protocol(), from});
                    break;
                }
                for (int p : COMMON_PORTS) {
                    if (p >= from && p <= to && out.size() < 2) {
                        out.add(new int[] {rule.protocol(), p});
                    }
                }
                if (out.isEmpty()) {
                    out.add(new int[] {rule.protocol(), Math.max(from, 1)});
                }
            }
            case Protocols.ICMP, Protocols.ICMPV6 -> {
                if (rule.protocol() == icmp && (rule.fromPort() == -1 || rule.fromPort() == echoRequest)
                        && (rule.toPort() == -1 || rule.toPort() == 0)) {
                    out.add(new int[] {icmp, -1});
                }
            }
            case Protocols.ALL -> {
                out.add(new int[] {Protocols.TCP, 443});
                out.add(new int[] {Protocols.TCP, 22});
                out.add(new int[] {Protocols.UDP, 53});
                out.add(new int[] {icmp, -1});
            }
            default -> {
                // Other protocols carry no conversation this generator writes.
            }
        }
        return out;
    }

    private static List<IpAddress> ofFamily(List<IpAddress> all, int family) {
        List<IpAddress> out = new ArrayList<>();
        for (IpAddress a : all) {
            if (a.family() == family) {
                out.add(a);
            }
        }
        return out;
    }

    private List<Integer> ids(List<IpAddress> list) {
        List<Integer> out = new ArrayList<>(list.size());
        for (IpAddress a : list) {
            out.add(addresses.id(a));
        }
        return out;
    }
}
