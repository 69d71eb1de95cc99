package io.sgemu.control.cli;

import io.sgemu.control.gen.AwsWorldGenerator;
import io.sgemu.control.gen.AwsWorldSettings;
import io.sgemu.control.gen.GeneratedWorld;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu gen world aws}: VPCs of three-tier applications at any scale. */
@Command(name = "aws", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate VPCs shaped like AWS accounts: subnets, security groups and ENIs in three tiers "
            + "(web, app, db, in turn). Web groups admit clients (CIDRs, prefix lists) on web ports, app groups "
            + "admit the web tier's groups, db groups the app tier's (group references), with random other rules "
            + "mixed in; outbound rules start with AWS's default (all to 0.0.0.0/0). Every ENI carries one group of "
            + "its subnet's tier and others of its VPC; web ENIs get a public IPv4. Each subnet gets its own network "
            + "ACL (allow and deny entries, the last allowing all) unless --nacl-entries is 0.",
            "Sizes are exact: ENIs = vpcs x subnets-per-vpc x enis-per-subnet; rules = groups x rules-per-group.",
            "AWS quotas, which sgemu lets you exceed (it only warns, here and when loading): 60 inbound and 60 "
                + "outbound rules per group and IP family; 5 groups per ENI by default, at most 16; 1000 rules per "
                + "ENI (rules per group x groups per ENI); 20 entries per NACL direction and family by default "
                + "(at most 40); 1000 entries per prefix list; 200 subnets per VPC."})
final class GenWorldAwsCommand implements Callable<Integer> {

    @Option(names = "--vpcs", defaultValue = "1", paramLabel = "N", description = "VPCs (default ${DEFAULT-VALUE}).")
    int vpcs;

    @Option(names = "--subnets-per-vpc", defaultValue = "3", paramLabel = "N",
            description = "Subnets in each VPC (default ${DEFAULT-VALUE}).")
    int subnetsPerVpc;

    @Option(names = "--enis-per-subnet", defaultValue = "10", paramLabel = "N",
            description = "ENIs in each subnet (default ${DEFAULT-VALUE}).")
    int enisPerSubnet;

    @Option(names = "--groups", defaultValue = "9", paramLabel = "N",
            description = "Security groups in all, spread over the VPCs (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--rules-per-group", defaultValue = "20", paramLabel = "N",
            description = "Rules of each group, inbound and outbound together (default ${DEFAULT-VALUE}).")
    int rulesPerGroup;

    @Option(names = "--groups-per-eni", defaultValue = "2", paramLabel = "N",
            description = "Groups on each ENI (default ${DEFAULT-VALUE}).")
    int groupsPerEni;

    @Option(names = "--egress-share", defaultValue = "0.2", paramLabel = "X",
            description = "Share of a group's rules that are outbound, 0..1 (default ${DEFAULT-VALUE}).")
    double egressShare;

    @Option(names = "--reference-share", defaultValue = "0.3", paramLabel = "X",
            description = "Share of rules that reference a security group, 0..1 (default ${DEFAULT-VALUE}).")
    double referenceShare;

    @Option(names = "--prefix-list-share", defaultValue = "0.1", paramLabel = "X",
            description = "Share of rules that name a prefix list, 0..1 (default ${DEFAULT-VALUE}); the other rules "
                + "name CIDRs.")
    double prefixListShare;

    @Option(names = "--prefix-lists", defaultValue = "4", paramLabel = "N",
            description = "Managed prefix lists (default ${DEFAULT-VALUE}).")
    int prefixLists;

    @Option(names = "--prefix-list-entries", defaultValue = "10", paramLabel = "N",
            description = "CIDRs per prefix list (default ${DEFAULT-VALUE}).")
    int prefixListEntries;

    @Option(names = "--nacl-entries", defaultValue = "10", paramLabel = "N",
            description = "Entries per direction of each subnet's network ACL (default ${DEFAULT-VALUE}); 0: subnets "
                + "use their VPC's default NACL, which allows all.")
    int naclEntries;

    @Option(names = "--ipv6", description = "Dual stack: VPCs, subnets and ENIs get IPv6; a fifth of the CIDR and "
            + "prefix-list rules, and every other prefix list, are IPv6.")
    boolean ipv6;

    @Mixin
    WorldOutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        output.checkOut();
        GeneratedWorld g;
        try {
            AwsWorldSettings settings = new AwsWorldSettings(vpcs, subnetsPerVpc, enisPerSubnet, groups, rulesPerGroup,
                    groupsPerEni, egressShare, referenceShare, prefixListShare, prefixLists, prefixListEntries,
                    naclEntries, ipv6, output.seed);
            g = AwsWorldGenerator.generate(settings);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        output.write(g, start, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
