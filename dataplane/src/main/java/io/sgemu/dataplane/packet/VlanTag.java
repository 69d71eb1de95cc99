package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * One 802.1Q / 802.1ad tag as it follows the tag protocol identifier that announced it: the tag control
 * information (priority, drop eligible, VLAN id) and the type of what comes next.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-----+-+-----------------------+-------------------------------+
 * | PCP |D|        VLAN id        |    EtherType of the payload   |
 * +-----+-+-----------------------+-------------------------------+
 * </pre>
 */
public final class VlanTag extends HeaderFlyweight {

    public static final int TCI_OFFSET = 0;
    public static final int ETHER_TYPE_OFFSET = 2;
    public static final int LENGTH = 4;

    public VlanTag wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        return this;
    }

    /** The tag is whole. */
    public boolean valid() {
        return length >= LENGTH;
    }

    /** Tag control information: priority (3 bits), drop eligible (1), VLAN id (12). */
    public int tci() {
        return u16(TCI_OFFSET);
    }

    public int priority() {
        return tci() >>> 13;
    }

    public boolean dropEligible() {
        return (tci() & 0x1000) != 0;
    }

    public int vlanId() {
        return tci() & 0x0FFF;
    }

    /** The type of what follows the tag (another tag's TPID, or the payload's EtherType). */
    public int etherType() {
        return u16(ETHER_TYPE_OFFSET);
    }
}
