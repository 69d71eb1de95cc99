package io.sgemu.control.gen;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Draws addresses of hosts outside the world: inside a rule's CIDR, but never in a VPC, in private,
 * shared, loopback, link-local or multicast space, nor an address an ENI owns. Such an address is what
 * a packet from the internet carries; anything else would be a different story (an unknown host inside
 * the VPC, a reserved address that is never filtered).
 */
final class ExternalAddresses {

    /** How many draws to try before deciding that a CIDR holds no outside address. */
    private static final int TRIES = 64;

    private static final List<Cidr> SPECIAL_V4 = List.of(Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"),
            Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"), Cidr.parse("169.254.0.0/16"),
            Cidr.parse("172.16.0.0/12"), Cidr.parse("192.168.0.0/16"), Cidr.parse("224.0.0.0/3"));
    /** IPv6 outside hosts are drawn from global unicast space. */
    private static final Cidr GLOBAL_V6 = Cidr.parse("2000::/3");

    private final List<Cidr> inside = new ArrayList<>();
    private final Set<IpAddress> owned = new HashSet<>();

    ExternalAddresses(World world) {
        for (Vpc vpc : world.vpcs().values()) {
            inside.addAll(vpc.ipv4Cidrs());
            inside.addAll(vpc.ipv6Cidrs());
        }
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            owned.addAll(eni.privateAddresses());
            owned.addAll(eni.publicIps().keySet());
        }
    }

    /** An outside address in {@code cidr}, or null when none turned up (the CIDR is inside the world). */
    IpAddress draw(Cidr cidr, SplittableRandom rnd) {
        Cidr within = cidr;
        if (cidr.family() == IpAddress.V6 && cidr.prefixLength() < GLOBAL_V6.prefixLength()) {
            within = GLOBAL_V6;
        }
        for (int i = 0; i < TRIES; i++) {
            IpAddress a = randomIn(within, rnd);
            if (isOutside(a)) {
                return a;
            }
        }
        return null;
    }

    boolean isOutside(IpAddress a) {
        if (owned.contains(a)) {
            return false;
        }
        for (Cidr c : inside) {
            if (c.contains(a)) {
                return false;
            }
        }
        if (a.isV4()) {
            for (Cidr c : SPECIAL_V4) {
                if (c.contains(a)) {
                    return false;
                }
            }
            return true;
        }
        return GLOBAL_V6.contains(a);
    }

    /** A uniformly drawn address of {@code cidr}. */
    static IpAddress randomIn(Cidr cidr, SplittableRandom rnd) {
        int prefix = cidr.prefixLength();
        if (cidr.family() == IpAddress.V4) {
            int hostMask = prefix == 0 ? -1 : (int) ((1L << (32 - prefix)) - 1);
            return IpAddress.v4((cidr.network().v4Bits() & ~hostMask) | (rnd.nextInt() & hostMask));
        }
        long hiMask = prefix >= 64 ? 0 : (prefix == 0 ? -1L : -1L >>> prefix);
        long loMask = prefix <= 64 ? -1L : (prefix == 128 ? 0 : -1L >>> (prefix - 64));
        long hi = (cidr.network().hi() & ~hiMask) | (rnd.nextLong() & hiMask);
        long lo = (cidr.network().lo() & ~loMask) | (rnd.nextLong() & loMask);
        return IpAddress.v6(hi, lo);
    }
}
