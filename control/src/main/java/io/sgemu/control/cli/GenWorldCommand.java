package io.sgemu.control.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sgemu gen world}: synthetic worlds, written as AWS CLI describe output. */
@Command(name = "world", mixinStandardHelpOptions = true,
        description = {"Generate a world and write it as the JSON the AWS CLI prints (describe-vpcs, describe-subnets, "
            + "describe-network-acls, describe-security-groups, describe-network-interfaces, "
            + "describe-managed-prefix-lists and get-managed-prefix-list-entries), ready for --config DIR.",
            "  classbench  security groups and a network ACL made from a ClassBench filter set",
            "  aws         VPCs of three-tier applications, at any scale"},
        subcommands = {GenWorldClassBenchCommand.class, GenWorldAwsCommand.class, CommandLine.HelpCommand.class})
final class GenWorldCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
