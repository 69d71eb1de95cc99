package io.sgemu.control.cli;

import io.sgemu.control.gen.ClassBenchFile;
import io.sgemu.control.gen.ClassBenchFormatException;
import io.sgemu.control.gen.ClassBenchRule;
import io.sgemu.control.gen.ClassBenchWorldGenerator;
import io.sgemu.control.gen.ClassBenchWorldSettings;
import io.sgemu.control.gen.GeneratedWorld;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sgemu gen world classbench}: a ClassBench filter set as security groups and a network ACL. */
@Command(name = "classbench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Turn a ClassBench filter set (lines '@src/len<TAB>dst/len<TAB>sp : sp<TAB>dp : dp<TAB>"
            + "proto/mask<TAB>flags/mask', first line = highest priority) into a world of one VPC.",
            "Security groups: each filter becomes one inbound rule - the source prefix is the peer CIDR, the "
                + "destination ports the rule's ports (tcp, udp), ICMP stays ICMP (any type), protocol any becomes -1. "
                + "The destination is the ENI's side, so a filter's destination prefix and source ports are dropped: "
                + "each rule admits every packet its filter matches, and possibly more. Filters fill the groups in "
                + "priority order, --rules-per-group each; every group also keeps AWS's default outbound rule.",
            "Network ACL: one inbound entry per filter in priority order (rule numbers ascending), allow or deny by "
                + "the seed (--nacl-deny-share), then the implicit deny; outbound allows all.",
            "More --rules than the set has: extra filters are derived from the set's own by seeded perturbation of "
                + "prefixes and ports, keeping its prefix lengths and kinds of port range. Fewer: the first ones.",
            "AWS quotas (60 inbound rules per group, 5 groups per ENI - at most 16 -, 1000 rules per ENI, 20 NACL "
                + "entries per direction) may be exceeded: sgemu only warns."})
final class GenWorldClassBenchCommand implements Callable<Integer> {

    @Option(names = "--classbench", required = true, paramLabel = "FILE", description = "The ClassBench filter set.")
    Path classbench;

    @Option(names = "--rules", paramLabel = "N", description = "Filters to convert (default: as many as the set has).")
    Integer rules;

    @Option(names = "--rules-per-group", defaultValue = "60", paramLabel = "N",
            description = "Inbound rules per security group (default ${DEFAULT-VALUE}, AWS's quota).")
    int rulesPerGroup;

    @Option(names = "--enis", defaultValue = "1", paramLabel = "N", description = "Network interfaces (default ${DEFAULT-VALUE}).")
    int enis;

    @Option(names = "--groups-per-eni", defaultValue = "0", paramLabel = "N",
            description = "Groups on each ENI, taken round-robin (default: all groups, at most 5).")
    int groupsPerEni;

    @Option(names = "--nacl-deny-share", defaultValue = "0.2", paramLabel = "X",
            description = "Share of the network ACL's entries that deny, 0..1 (default ${DEFAULT-VALUE}).")
    double naclDenyShare;

    @Mixin
    WorldOutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        output.checkOut();
        List<ClassBenchRule> set;
        try {
            set = ClassBenchFile.read(classbench);
        } catch (ClassBenchFormatException e) {
            throw new UserInputException("--classbench " + e.getMessage(), e);
        }
        GeneratedWorld g;
        try {
            ClassBenchWorldSettings settings = new ClassBenchWorldSettings(rules == null ? set.size() : rules,
                    rulesPerGroup, enis, groupsPerEni, naclDenyShare, output.seed);
            g = ClassBenchWorldGenerator.generate(set, settings);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage(), e);
        }
        output.write(g, start, spec.commandLine().getOut(), spec.commandLine().getErr());
        return 0;
    }
}
