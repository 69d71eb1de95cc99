package io.sgemu.dataplane.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The VXLAN (RFC 7348) and GENEVE (RFC 8926) flyweights: reading known bytes, writing them, and refusing bad ones. */
class TunnelHeadersTest {

    private static final String VXLAN = "08 000000 | 001b59 00";

    @Test
    void vxlanFields() {
        VxlanHeader h = new VxlanHeader().wrap(Hex.buffer(VXLAN), 0, 8);
        assertThat(h.valid()).isTrue();
        assertThat(h.flags()).isEqualTo(VxlanHeader.FLAG_VNI);
        assertThat(h.vniValid()).isTrue();
        assertThat(h.vni()).isEqualTo(7001);
        assertThat(new VxlanHeader().wrap(Hex.buffer("08 000000 | ffffff 00"), 0, 8).vni()).isEqualTo(0xFF_FFFF);
    }

    @Test
    void vxlanWithoutItsIFlagIsInvalidAndReservedBitsAreIgnored() {
        VxlanHeader h = new VxlanHeader();
        assertThat(h.wrap(Hex.buffer("00 000000 | 001b59 00"), 0, 8).valid()).as("I flag clear").isFalse();
        assertThat(h.wrap(Hex.buffer("f7 000000 | 001b59 00"), 0, 8).valid()).as("all but I").isFalse();
        assertThat(h.wrap(Hex.buffer("ff ffffff | 001b59 ff"), 0, 8).valid()).as("reserved bits set").isTrue();
        assertThat(h.vni()).isEqualTo(7001);
    }

    @Test
    void vxlanCutShortIsInvalid() {
        VxlanHeader h = new VxlanHeader();
        for (int cut = 0; cut < VxlanHeader.LENGTH; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(Hex.bytes(VXLAN), length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void vxlanEncodeWritesTheRfcLayout() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[8]);
        b.setMemory(0, 8, (byte) 0xEE);
        VxlanHeader h = new VxlanHeader().wrap(b, 0, 8).encode(7001);
        assertThat(b.byteArray()).isEqualTo(Hex.bytes(VXLAN));
        b.putByte(7, (byte) 0x5A);
        h.vni(0xABCDEF);
        assertThat(b.byteArray()).as("the VNI setter keeps the reserved byte").isEqualTo(Hex.bytes("08000000 abcdef5a"));
        h.flags(0x0C);
        assertThat(h.flags()).isEqualTo(0x0C);
    }

    /**
     * Version 0, 3 words of options, C flag, Transparent Ethernet Bridging, VNI 0xabcd; options: class
     * 0x0108 type 1 critical with 4 bytes of data, then class 0xffff type 2 with none.
     */
    private static final String GENEVE = "03 40 6558 | 00abcd 00 | 0108 81 01 deadbeef | ffff 02 00";

    @Test
    void geneveFields() {
        GeneveHeader h = new GeneveHeader().wrap(Hex.buffer(GENEVE), 0, 20);
        assertThat(h.valid()).isTrue();
        assertThat(h.version()).isZero();
        assertThat(h.optionsLength()).isEqualTo(12);
        assertThat(h.headerLength()).isEqualTo(20);
        assertThat(h.flags()).isEqualTo(GeneveHeader.FLAG_CRITICAL);
        assertThat(h.oam()).isFalse();
        assertThat(h.criticalOptionsPresent()).isTrue();
        assertThat(h.protocolType()).isEqualTo(EtherType.TRANSPARENT_ETHERNET);
        assertThat(h.vni()).isEqualTo(0xabcd);
    }

    @Test
    void geneveOptionsAreWalkedInOrder() {
        GeneveHeader h = new GeneveHeader().wrap(Hex.buffer(GENEVE), 0, 20);
        int at = h.firstOption();
        assertThat(at).isEqualTo(8);
        assertThat(h.optionClass(at)).isEqualTo(0x0108);
        assertThat(h.optionType(at)).isEqualTo(0x81);
        assertThat(h.optionCritical(at)).isTrue();
        assertThat(h.optionDataLength(at)).isEqualTo(4);
        assertThat(h.optionLength(at)).isEqualTo(8);
        assertThat(h.buffer().getInt(h.optionDataOffset(at), java.nio.ByteOrder.BIG_ENDIAN)).isEqualTo(0xdeadbeef);
        at = h.nextOption(at);
        assertThat(at).isEqualTo(16);
        assertThat(h.optionClass(at)).isEqualTo(0xffff);
        assertThat(h.optionType(at)).isEqualTo(2);
        assertThat(h.optionCritical(at)).isFalse();
        assertThat(h.optionDataLength(at)).isZero();
        assertThat(h.nextOption(at)).isEqualTo(-1);

        GeneveHeader bare = new GeneveHeader().wrap(Hex.buffer("00 80 0800 | 000001 00"), 0, 8);
        assertThat(bare.valid()).isTrue();
        assertThat(bare.oam()).isTrue();
        assertThat(bare.firstOption()).isEqualTo(-1);
        assertThat(bare.headerLength()).isEqualTo(8);
        assertThat(bare.protocolType()).isEqualTo(EtherType.IPV4);
    }

    @Test
    void geneveOfAnotherVersionOrWithOptionsThatDoNotFitIsInvalid() {
        GeneveHeader h = new GeneveHeader();
        assertThat(h.wrap(Hex.buffer("43 40 6558 00abcd 00 0108 81 01 deadbeef ffff 02 00"), 0, 20).valid())
                .as("version 1").isFalse();
        assertThat(h.wrap(Hex.buffer("04 00 6558 00abcd 00 0108 81 01 deadbeef ffff 02 00"), 0, 20).valid())
                .as("options area of 16 bytes in 12").isFalse();
        assertThat(h.wrap(Hex.buffer("03 00 6558 00abcd 00 0108 81 01 deadbeef ffff 02 01"), 0, 20).valid())
                .as("second option runs past the area").isFalse();
        assertThat(h.wrap(Hex.buffer("02 00 6558 00abcd 00 0108 81 02 deadbeef"), 0, 16).valid())
                .as("first option runs past the area").isFalse();
        assertThat(h.wrap(Hex.buffer("02 00 6558 00abcd 00 0108 81 01 deadbeef 0000"), 0, 18).valid())
                .as("bytes after the header are the payload's").isTrue();
    }

    @Test
    void geneveCutShortIsInvalid() {
        byte[] bytes = Hex.bytes(GENEVE);
        GeneveHeader h = new GeneveHeader();
        for (int cut = 0; cut < 20; cut++) {
            int length = cut;
            assertThatCode(() -> h.wrap(Hex.cut(bytes, length), 0, length)).doesNotThrowAnyException();
            assertThat(h.valid()).as("cut at %d", cut).isFalse();
        }
    }

    @Test
    void geneveEncodeAndPutOptionWriteTheRfcLayout() {
        UnsafeBuffer b = new UnsafeBuffer(new byte[20]);
        GeneveHeader h = new GeneveHeader().wrap(b, 0, 20).encode(0xabcd, EtherType.TRANSPARENT_ETHERNET, 12)
                .flags(GeneveHeader.FLAG_CRITICAL);
        int at = h.putOption(GeneveHeader.LENGTH, 0x0108, 0x81, 4);
        b.putInt(h.optionDataOffset(GeneveHeader.LENGTH), 0xdeadbeef, java.nio.ByteOrder.BIG_ENDIAN);
        at = h.putOption(at, 0xffff, 2, 0);
        assertThat(at).isEqualTo(20);
        assertThat(b.byteArray()).isEqualTo(Hex.bytes(GENEVE));
        h.protocolType(EtherType.IPV6).vni(7);
        assertThat(h.protocolType()).isEqualTo(EtherType.IPV6);
        assertThat(h.vni()).isEqualTo(7);
        assertThatThrownBy(() -> h.encode(1, EtherType.IPV4, 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.putOption(8, 1, 1, 128)).isInstanceOf(IllegalArgumentException.class);
    }
}
