package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The link-layer flyweights read every field of known bytes, and a header cut short is invalid, never an exception. */
class LinkHeadersTest {

    /** QinQ: an 802.1ad tag (priority 1, drop eligible, VLAN 100), then 802.1Q (priority 5, VLAN 10), then IPv6. */
    private static final String QINQ_FRAME = "001b213a4c5d | 0242ac110002 | 88a8 | 3064 | 8100 | a00a | 86dd | 60000000";

    @Test
    void ethernetWithTwoTagsIsReadFieldByField() {
        EthernetHeader h = new EthernetHeader().wrap(Hex.buffer(QINQ_FRAME), 0, 26);
        assertThat(h.valid()).isTrue();
        assertThat(h.hasFixedHeader()).isTrue();
        assertThat(h.destinationMac()).isEqualTo(0x001b213a4c5dL);
        assertThat(h.sourceMac()).isEqualTo(0x0242ac110002L);
        assertThat(h.etherType()).isEqualTo(0x88A8);
        assertThat(h.isLengthField()).isFalse();
        assertThat(h.vlanTagCount()).isEqualTo(2);
        assertThat(h.vlanTpid(0)).isEqualTo(0x88A8);
        assertThat(h.vlanTpid(1)).isEqualTo(0x8100);
        assertThat(h.vlanTci(0)).isEqualTo(0x3064);
        assertThat(h.vlanId(0)).isEqualTo(100);
        assertThat(h.vlanId(1)).isEqualTo(10);
        assertThat(h.vlanId(2)).isEqualTo(-1);
        assertThat(h.vlanTpid(-1)).isEqualTo(-1);
        assertThat(h.innerEtherType()).isEqualTo(EtherType.IPV6);
        assertThat(h.headerLength()).isEqualTo(22);
        assertThat(h.length()).isEqualTo(26);
        assertThat(h.offset()).isZero();
    }

    @Test
    void untaggedEthernetAndAnIeee8023LengthField() {
        EthernetHeader h = new EthernetHeader().wrap(Hex.buffer("ffffffffffff 0242ac110002 0800"), 0, 14);
        assertThat(h.valid()).isTrue();
        assertThat(h.vlanTagCount()).isZero();
        assertThat(h.innerEtherType()).isEqualTo(EtherType.IPV4);
        assertThat(h.headerLength()).isEqualTo(EthernetHeader.LENGTH);
        assertThat(h.destinationMac()).isEqualTo(0xFFFF_FFFF_FFFFL);

        EthernetHeader llc = new EthernetHeader().wrap(Hex.buffer("0180c2000000 0242ac110002 0026 4242"), 0, 16);
        assertThat(llc.isLengthField()).isTrue();
        assertThat(llc.etherType()).isEqualTo(0x26);
    }

    @Test
    void ethernetAtAnOffsetReadsFromThere() {
        byte[] frame = Hex.bytes(QINQ_FRAME);
        byte[] padded = new byte[frame.length + 5];
        System.arraycopy(frame, 0, padded, 5, frame.length);
        EthernetHeader h = new EthernetHeader().wrap(new UnsafeBuffer(padded), 5, frame.length);
        assertThat(h.valid()).isTrue();
        assertThat(h.offset()).isEqualTo(5);
        assertThat(h.sourceMac()).isEqualTo(0x0242ac110002L);
        assertThat(h.vlanId(1)).isEqualTo(10);
    }

    @Test
    void ethernetCutShortAnywhereBeforeItsLastTagIsInvalid() {
        byte[] frame = Hex.bytes(QINQ_FRAME);
        EthernetHeader h = new EthernetHeader();
        for (int cut = 0; cut < 22; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(frame, length), 0, length)).as("cut at %d", cut)
                    .doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
            assertThat(h.hasFixedHeader()).as("cut at %d", cut).isEqualTo(cut >= 14);
            assertThat(h.innerEtherType()).as("cut at %d", cut).isEqualTo(-1);
        }
        assertThat(h.wrap(Hex.cut(frame, 22), 0, 22).valid()).isTrue();
    }

    @Test
    void aRangeOutsideTheBufferWrapsAsNothing() {
        UnsafeBuffer b = Hex.buffer(QINQ_FRAME);
        EthernetHeader h = new EthernetHeader();
        assertThat(h.wrap(b, 0, 27).valid()).as("one byte too many").isFalse();
        assertThat(h.length()).isZero();
        assertThat(h.wrap(b, -1, 20).valid()).as("negative offset").isFalse();
        assertThat(h.wrap(b, 20, -3).valid()).as("negative length").isFalse();
        assertThat(h.wrap(b, 26, 0).valid()).as("empty at the end").isFalse();
    }

    @Test
    void ethernetSettersWriteWhatGettersRead() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[14]);
        EthernetHeader h = new EthernetHeader().wrap(b, 0, 14);
        h.destinationMac(0x0a0b0c0d0e0fL).sourceMac(0x010203040506L).etherType(EtherType.ARP);
        assertThat(b.byteArray()).isEqualTo(Hex.bytes("0a0b0c0d0e0f 010203040506 0806"));
        h.wrap(b, 0, 14);
        assertThat(h.innerEtherType()).isEqualTo(EtherType.ARP);
    }

    @Test
    void vlanTagFields() {
        VlanTag t = new VlanTag().wrap(Hex.buffer("b0c8 0800"), 0, 4);
        assertThat(t.valid()).isTrue();
        assertThat(t.tci()).isEqualTo(0xB0C8);
        assertThat(t.priority()).isEqualTo(5);
        assertThat(t.dropEligible()).isTrue();
        assertThat(t.vlanId()).isEqualTo(0x0C8);
        assertThat(t.etherType()).isEqualTo(EtherType.IPV4);
        for (int cut = 0; cut < VlanTag.LENGTH; cut++) {
            assertThat(t.wrap(Hex.cut(Hex.bytes("b0c80800"), cut), 0, cut).valid()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void linuxCookedV1Fields() {
        String bytes = "0004 | 0001 | 0006 | 0242ac1100020000 | 0800";
        LinuxSllHeader h = new LinuxSllHeader().wrap(Hex.buffer(bytes), 0, 16);
        assertThat(h.valid()).isTrue();
        assertThat(h.packetType()).isEqualTo(4);
        assertThat(h.arphrdType()).isEqualTo(1);
        assertThat(h.addressLength()).isEqualTo(6);
        assertThat(h.addressField()).isEqualTo(0x0242ac1100020000L);
        assertThat(h.protocol()).isEqualTo(EtherType.IPV4);
        for (int cut = 0; cut < LinuxSllHeader.LENGTH; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(Hex.bytes(bytes), length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void linuxCookedV2Fields() {
        String bytes = "86dd | 0000 | 00000003 | 0001 | 04 | 06 | 0242ac1100020000";
        LinuxSll2Header h = new LinuxSll2Header().wrap(Hex.buffer(bytes), 0, 20);
        assertThat(h.valid()).isTrue();
        assertThat(h.protocol()).isEqualTo(EtherType.IPV6);
        assertThat(h.interfaceIndex()).isEqualTo(3);
        assertThat(h.arphrdType()).isEqualTo(1);
        assertThat(h.packetType()).isEqualTo(4);
        assertThat(h.addressLength()).isEqualTo(6);
        assertThat(h.addressField()).isEqualTo(0x0242ac1100020000L);
        for (int cut = 0; cut < LinuxSll2Header.LENGTH; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(Hex.bytes(bytes), length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
        }
    }
}
