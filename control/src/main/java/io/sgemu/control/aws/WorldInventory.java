package io.sgemu.control.aws;

import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The plain-text inventory {@code sgemu check} prints: totals, one line per VPC (by id), then the loader's
 * warnings and notes.
 *
 * <pre>
 * World: 1 VPC, 2 subnets, 1 network ACL, 2 security groups (5 rules), 3 network interfaces, 0 prefix lists
 * vpc-1 (10.0.0.0/16): 2 subnets, 1 network ACL, 2 security groups, 3 network interfaces
 * Warnings (0)
 * Notes (1)
 *   world.yaml: ...
 * </pre>
 */
public final class WorldInventory {
    private WorldInventory() {
    }

    public static String render(LoadedWorld loaded) {
        World w = loaded.world();
        StringBuilder sb = new StringBuilder();
        int rules = w.securityGroups().values().stream().mapToInt(g -> g.ingress().size() + g.egress().size()).sum();
        int entries = w.networkAcls().values().stream().mapToInt(a -> a.entries().size()).sum();
        sb.append("World: ").append(count(w.vpcs().size(), "VPC", "VPCs"))
                .append(", ").append(count(w.subnets().size(), "subnet", "subnets"))
                .append(", ").append(count(w.networkAcls().size(), "network ACL", "network ACLs"))
                .append(" (").append(count(entries, "entry", "entries")).append(')')
                .append(", ").append(count(w.securityGroups().size(), "security group", "security groups"))
                .append(" (").append(count(rules, "rule", "rules")).append(')')
                .append(", ").append(count(w.networkInterfaces().size(), "network interface", "network interfaces"))
                .append(", ").append(count(w.prefixLists().size(), "prefix list", "prefix lists"))
                .append('\n');
        for (Vpc v : w.vpcs().values().stream().sorted(java.util.Comparator.comparing(Vpc::id)).toList()) {
            sb.append(v.id()).append(" (").append(String.join(", ",
                    Stream.concat(v.ipv4Cidrs().stream(), v.ipv6Cidrs().stream()).map(Cidr::toString).toList())).append("): ")
                    .append(perVpc(w, v.id())).append('\n');
        }
        String outside = outsideLoadedVpcs(w);
        if (!outside.isEmpty()) {
            sb.append("outside any loaded VPC: ").append(outside).append('\n');
        }
        section(sb, "Warnings", loaded.warnings());
        section(sb, "Notes", loaded.notes());
        return sb.toString();
    }

    private static String perVpc(World w, String vpcId) {
        long subnets = w.subnets().values().stream().filter(s -> vpcId.equals(s.vpcId())).count();
        long acls = w.networkAcls().values().stream().filter(a -> vpcId.equals(a.vpcId())).count();
        long groups = w.securityGroups().values().stream().filter(g -> vpcId.equals(g.vpcId())).count();
        long enis = w.networkInterfaces().values().stream().filter(e -> vpcId.equals(e.vpcId())).count();
        return count(subnets, "subnet", "subnets") + ", " + count(acls, "network ACL", "network ACLs") + ", "
                + count(groups, "security group", "security groups") + ", "
                + count(enis, "network interface", "network interfaces");
    }

    private static String outsideLoadedVpcs(World w) {
        List<String> parts = new ArrayList<>();
        long subnets = w.subnets().values().stream().map(Subnet::vpcId).filter(v -> !w.vpcs().containsKey(v)).count();
        long acls = w.networkAcls().values().stream().map(NetworkAcl::vpcId).filter(v -> !w.vpcs().containsKey(v)).count();
        long groups = w.securityGroups().values().stream().map(SecurityGroup::vpcId)
                .filter(v -> v == null || !w.vpcs().containsKey(v)).count();
        long enis = w.networkInterfaces().values().stream().map(NetworkInterface::vpcId)
                .filter(v -> !w.vpcs().containsKey(v)).count();
        if (subnets > 0) {
            parts.add(count(subnets, "subnet", "subnets"));
        }
        if (acls > 0) {
            parts.add(count(acls, "network ACL", "network ACLs"));
        }
        if (groups > 0) {
            parts.add(count(groups, "security group", "security groups"));
        }
        if (enis > 0) {
            parts.add(count(enis, "network interface", "network interfaces"));
        }
        return String.join(", ", parts);
    }

    private static void section(StringBuilder sb, String title, List<String> lines) {
        sb.append(title).append(" (").append(lines.size()).append(")\n");
        for (String l : lines) {
            sb.append("  ").append(l).append('\n');
        }
    }

    private static String count(long n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }
}
