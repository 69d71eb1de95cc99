package io.sgemu.control.gen;

/**
 * What {@code sgemu gen world classbench} builds.
 *
 * @param rules         filters to convert (the set scaled to this many)
 * @param rulesPerGroup inbound rules per security group (the last group takes the rest)
 * @param enis          network interfaces
 * @param groupsPerEni  groups per ENI, or 0 for min(groups, 5)
 * @param naclDenyShare share of the network ACL's entries that deny, 0..1
 * @param seed          the random seed: the same settings and seed give the same world
 */
public record ClassBenchWorldSettings(int rules, int rulesPerGroup, int enis, int groupsPerEni, double naclDenyShare,
                                     long seed) {
    public ClassBenchWorldSettings {
        if (rules < 1) {
            throw new IllegalArgumentException("--rules must be at least 1, not " + rules);
        }
        if (rulesPerGroup < 1) {
            throw new IllegalArgumentException("--rules-per-group must be at least 1, not " + rulesPerGroup);
        }
        if (enis < 1) {
            throw new IllegalArgumentException("--enis must be at least 1, not " + enis);
        }
        if (groupsPerEni < 0) {
            throw new IllegalArgumentException("--groups-per-eni must be at least 1, not " + groupsPerEni);
        }
        if (!(naclDenyShare >= 0 && naclDenyShare <= 1)) {
            throw new IllegalArgumentException("--nacl-deny-share must be within 0..1, not " + naclDenyShare);
        }
    }
}
