package io.sgemu.dataplane.packet;

/** EtherType values (IEEE registry) the decoder and the builders use. */
public final class EtherType {

    /** Values below this are an 802.3 length, not a type (LLC/SNAP frames follow). */
    public static final int MIN_TYPE = 0x0600;
    public static final int IPV4 = 0x0800;
    public static final int ARP = 0x0806;
    public static final int IPV6 = 0x86DD;
    /** 802.1Q customer VLAN tag. */
    public static final int VLAN = 0x8100;
    /** 802.1ad service VLAN tag (QinQ). */
    public static final int QINQ = 0x88A8;
    /** The pre-standard QinQ tag some switches still send. */
    public static final int QINQ_OLD = 0x9100;
    public static final int MPLS_UNICAST = 0x8847;
    public static final int MPLS_MULTICAST = 0x8848;
    public static final int PPPOE_SESSION = 0x8864;
    /** Transparent Ethernet Bridging: an Ethernet frame follows (GENEVE, GRE, NVGRE). */
    public static final int TRANSPARENT_ETHERNET = 0x6558;

    private EtherType() {
    }

    /** True for the tag protocol identifiers the decoder steps over (0x8100, 0x88a8, 0x9100). */
    public static boolean isVlanTag(int etherType) {
        return etherType == VLAN || etherType == QINQ || etherType == QINQ_OLD;
    }
}
