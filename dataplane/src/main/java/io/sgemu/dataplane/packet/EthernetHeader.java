package io.sgemu.dataplane.packet;

import org.agrona.DirectBuffer;

/**
 * An Ethernet II header with any number of 802.1Q / 802.1ad / pre-standard QinQ tags after it.
 *
 * <pre>
 * +-------------------+-------------------+------+ [ +------+------+ ]* +------+
 * | destination (6)   | source (6)        | type | [ | TCI  | type | ]  | payload ...
 * +-------------------+-------------------+------+ [ +------+------+ ]  +------+
 * 0                   6                   12     14
 * </pre>
 *
 * {@link #wrap} walks the tags at once (each tag is four bytes, so the walk ends within the frame):
 * afterwards {@link #vlanTagCount()}, {@link #innerEtherType()} and {@link #headerLength()} describe the
 * whole tagged header, and {@link #valid()} is false when the fixed header or a tag is cut short.
 */
public final class EthernetHeader extends HeaderFlyweight {

    public static final int DESTINATION_OFFSET = 0;
    public static final int SOURCE_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    /** The untagged header. */
    public static final int LENGTH = 14;

    private int tagCount;
    private int innerEtherType;
    private boolean tagsWhole;

    public EthernetHeader wrap(DirectBuffer buffer, int offset, int length) {
        wrapBytes(buffer, offset, length);
        walkTags();
        return this;
    }

    private void walkTags() {
        tagCount = 0;
        innerEtherType = -1;
        tagsWhole = false;
        if (length < LENGTH) {
            return;
        }
        int type = u16(ETHER_TYPE_OFFSET);
        int at = LENGTH;
        while (EtherType.isVlanTag(type)) {
            if (length - at < VlanTag.LENGTH) {
                return; // a tag cut short
            }
            type = u16(at + VlanTag.ETHER_TYPE_OFFSET);
            at += VlanTag.LENGTH;
            tagCount++;
        }
        innerEtherType = type;
        tagsWhole = true;
    }

    /** The fixed header and every tag are whole. */
    public boolean valid() {
        return tagsWhole;
    }

    /** The 14-byte untagged header is whole (its fields may be read), whatever follows. */
    public boolean hasFixedHeader() {
        return length >= LENGTH;
    }

    /** The destination MAC address in the low 48 bits. */
    public long destinationMac() {
        return mac(DESTINATION_OFFSET);
    }

    /** The source MAC address in the low 48 bits. */
    public long sourceMac() {
        return mac(SOURCE_OFFSET);
    }

    /** The type field after the addresses: a TPID when the frame is tagged. */
    public int etherType() {
        return u16(ETHER_TYPE_OFFSET);
    }

    /** The type field is an 802.3 length: an LLC/SNAP frame (STP, CDP ...), never IP in practice. */
    public boolean isLengthField() {
        return etherType() < EtherType.MIN_TYPE;
    }

    /** Tags walked by {@link #wrap} (all of them when {@link #valid()}). */
    public int vlanTagCount() {
        return tagCount;
    }

    /** Offset from the header's start of tag {@code index} (outermost is 0), past its TPID. */
    public static int vlanTagOffset(int index) {
        return LENGTH + index * VlanTag.LENGTH;
    }

    /** The tag protocol identifier that announced tag {@code index}; -1 when there is no such tag. */
    public int vlanTpid(int index) {
        if (index < 0 || index >= tagCount) {
            return -1;
        }
        return index == 0 ? etherType() : u16(vlanTagOffset(index - 1) + VlanTag.ETHER_TYPE_OFFSET);
    }

    /** The tag control information of tag {@code index}; -1 when there is no such tag. */
    public int vlanTci(int index) {
        return index < 0 || index >= tagCount ? -1 : u16(vlanTagOffset(index) + VlanTag.TCI_OFFSET);
    }

    /** The VLAN id of tag {@code index} (outermost is 0); -1 when there is no such tag. */
    public int vlanId(int index) {
        int tci = vlanTci(index);
        return tci < 0 ? -1 : tci & 0x0FFF;
    }

    /** The EtherType after all tags; -1 when the header is not {@link #valid()}. */
    public int innerEtherType() {
        return innerEtherType;
    }

    /** Bytes of the header and its tags: where the payload starts, from the header's first byte. */
    public int headerLength() {
        return LENGTH + tagCount * VlanTag.LENGTH;
    }

    public EthernetHeader destinationMac(long mac) {
        putMac(DESTINATION_OFFSET, mac);
        return this;
    }

    public EthernetHeader sourceMac(long mac) {
        putMac(SOURCE_OFFSET, mac);
        return this;
    }

    /** Writes the type field (the tag walk is not redone: wrap again to read the result). */
    public EthernetHeader etherType(int type) {
        put16(ETHER_TYPE_OFFSET, type);
        return this;
    }
}
