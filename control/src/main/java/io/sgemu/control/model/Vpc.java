package io.sgemu.control.model;

import io.sgemu.dataplane.net.Cidr;
import java.util.List;

/** A VPC: its IPv4 CIDRs (the first is the primary one) and optional IPv6 CIDRs. */
public record Vpc(String id, String ownerId, List<Cidr> ipv4Cidrs, List<Cidr> ipv6Cidrs) {
    public Vpc {
        ipv4Cidrs = List.copyOf(ipv4Cidrs);
        ipv6Cidrs = List.copyOf(ipv6Cidrs);
    }

    public boolean hasIpv6() {
        return !ipv6Cidrs.isEmpty();
    }
}
