package io.sgemu.control.gen;

import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;

/** The counts a world generator reports: what a benchmark's scale is made of. */
public record WorldSize(int vpcs, int subnets, int groups, long ingressRules, long egressRules, int enis,
                        long naclEntries, int prefixLists, long prefixListEntries) {

    public static WorldSize of(World w) {
        long in = 0;
        long out = 0;
        for (SecurityGroup g : w.securityGroups().values()) {
            in += g.ingress().size();
            out += g.egress().size();
        }
        long nacl = 0;
        for (NetworkAcl a : w.networkAcls().values()) {
            nacl += a.entries().size();
        }
        long ple = w.prefixLists().values().stream().mapToLong(p -> p.entries().size()).sum();
        return new WorldSize(w.vpcs().size(), w.subnets().size(), w.securityGroups().size(), in, out,
                w.networkInterfaces().size(), nacl, w.prefixLists().size(), ple);
    }

    public long rules() {
        return ingressRules + egressRules;
    }
}
