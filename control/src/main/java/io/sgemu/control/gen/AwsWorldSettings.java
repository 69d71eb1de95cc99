package io.sgemu.control.gen;

/**
 * What {@code sgemu gen world aws} builds. Sizes are exact: the world has {@code vpcs * subnetsPerVpc}
 * subnets, {@code vpcs * subnetsPerVpc * enisPerSubnet} ENIs, {@code groups} security groups of
 * {@code rulesPerGroup} rules each (inbound and outbound together) and {@code groupsPerEni} groups on
 * every ENI.
 *
 * @param groups            security groups in all, spread round-robin over the VPCs
 * @param egressShare       share of each group's rules that are outbound (rounded; the first outbound rule
 *                          is AWS's default, all traffic to 0.0.0.0/0)
 * @param referenceShare    share of rules whose peer is a security group (of the tier they talk to)
 * @param prefixListShare   share of rules whose peer is a managed prefix list; the rest are CIDRs
 * @param prefixLists       managed prefix lists in all
 * @param prefixListEntries CIDRs per prefix list
 * @param naclEntries       entries per direction of each subnet's own network ACL, or 0: subnets use
 *                          their VPC's default NACL (allow all)
 * @param ipv6              dual stack: VPCs, subnets and ENIs get IPv6, and some rules and lists are IPv6
 */
public record AwsWorldSettings(int vpcs, int subnetsPerVpc, int enisPerSubnet, int groups, int rulesPerGroup,
                               int groupsPerEni, double egressShare, double referenceShare, double prefixListShare,
                               int prefixLists, int prefixListEntries, int naclEntries, boolean ipv6, long seed) {
    public AwsWorldSettings {
        atLeast("--vpcs", vpcs, 1);
        atLeast("--subnets-per-vpc", subnetsPerVpc, 1);
        atLeast("--enis-per-subnet", enisPerSubnet, 0);
        atLeast("--groups", groups, vpcs);
        atLeast("--rules-per-group", rulesPerGroup, 0);
        atLeast("--groups-per-eni", groupsPerEni, 1);
        atLeast("--prefix-lists", prefixLists, 0);
        atLeast("--prefix-list-entries", prefixListEntries, 1);
        atLeast("--nacl-entries", naclEntries, 0);
        share("--egress-share", egressShare);
        share("--reference-share", referenceShare);
        share("--prefix-list-share", prefixListShare);
        if (referenceShare + prefixListShare > 1) {
            throw new IllegalArgumentException("--reference-share plus --prefix-list-share must be at most 1, not "
                    + (referenceShare + prefixListShare));
        }
        if (prefixListShare > 0 && prefixLists == 0) {
            throw new IllegalArgumentException("--prefix-list-share " + prefixListShare + " needs --prefix-lists of at least 1");
        }
        if (naclEntries > 32766 / 2) {
            throw new IllegalArgumentException("--nacl-entries must be at most " + 32766 / 2 + " (rule numbers end at 32766)");
        }
        long enis = (long) vpcs * subnetsPerVpc * enisPerSubnet;
        if (enis > 10_000_000) {
            throw new IllegalArgumentException("at most 10000000 ENIs (asked for " + enis + ")");
        }
        if ((long) groups * rulesPerGroup > 200_000_000L) {
            throw new IllegalArgumentException("at most 200000000 rules (asked for " + (long) groups * rulesPerGroup + ")");
        }
    }

    private static void atLeast(String option, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be at least " + min + ", not " + value);
        }
    }

    private static void share(String option, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(option + " must be within 0..1, not " + value);
        }
    }

    public long enis() {
        return (long) vpcs * subnetsPerVpc * enisPerSubnet;
    }
}
