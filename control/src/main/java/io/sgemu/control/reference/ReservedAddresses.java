package io.sgemu.control.reference;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.dataplane.net.IpAddress;
import java.util.Set;

/**
 * Traffic that AWS neither filters nor logs (SEMANTICS.md section 5, Decision): the Amazon DNS resolver
 * on port 53, the instance metadata service, the time sync service, and DHCP.
 */
final class ReservedAddresses {

    /** Instance metadata and Amazon Time Sync, IPv4 and IPv6: reserved whatever the protocol and port. */
    private static final Set<IpAddress> ALWAYS = Set.of(
            IpAddress.parse("169.254.169.254"), IpAddress.parse("169.254.169.123"),
            IpAddress.parse("fd00:ec2::254"), IpAddress.parse("fd00:ec2::123"));

    /** The resolver addresses that are the same in every VPC (the VPC's base + 2 is added per ENI). */
    private static final Set<IpAddress> DNS = Set.of(IpAddress.parse("169.254.169.253"), IpAddress.parse("fd00:ec2::253"));

    private static final int DNS_PORT = 53;
    private static final int DHCP_SERVER = 67;
    private static final int DHCP_CLIENT = 68;

    private ReservedAddresses() {
    }

    /**
     * True when the packet goes to or comes from a reserved service. {@code srcEni}/{@code dstEni} are
     * the resolved ends (null when external): the VPC+2 resolver is the one of the VPC of the ENI that
     * talks to it.
     */
    static boolean isReserved(Packet p, NetworkInterface srcEni, NetworkInterface dstEni, AddressBook book) {
        if (ALWAYS.contains(p.src()) || ALWAYS.contains(p.dst())) {
            return true;
        }
        if (Protocols.hasPorts(p.protocol())) {
            // DNS either way: the resolver's side of the flow is port 53.
            if (p.dstPort() == DNS_PORT && isResolver(p.dst(), srcEni, book)) {
                return true;
            }
            if (p.srcPort() == DNS_PORT && isResolver(p.src(), dstEni, book)) {
                return true;
            }
        }
        // Decision: DHCP is a UDP exchange between ports 68 and 67 (both ports, so that an ordinary flow
        // that merely uses one of them is still filtered).
        return p.protocol() == Protocols.UDP
                && ((p.srcPort() == DHCP_CLIENT && p.dstPort() == DHCP_SERVER)
                || (p.srcPort() == DHCP_SERVER && p.dstPort() == DHCP_CLIENT));
    }

    private static boolean isResolver(IpAddress a, NetworkInterface client, AddressBook book) {
        if (DNS.contains(a)) {
            return true;
        }
        return client != null && a.equals(book.vpcDnsResolver(client));
    }
}
