package io.sgemu.dataplane.io;

/**
 * The layout of one received datagram in a worker's ring (an Agrona {@code ManyToOneRingBuffer} message,
 * message type {@link #TYPE}): a fixed header, then the datagram's UDP payload byte for byte.
 *
 * <pre>
 *  0  receive time, Unix epoch nanoseconds          long
 *  8  outer source address, high 64 bits (IPv6)     long
 * 16  outer source address, low 64 bits (IPv4: the address in the low 32 bits)   long
 * 24  outer source port                             int
 * 28  listener index                                int
 * 32  outer source family (4 or 6)                  int
 * 36  (unused)                                      int
 * 40  the UDP payload: VXLAN/GENEVE header and inner frame, or an IP packet
 * </pre>
 */
final class DatagramMessage {

    static final int TYPE = 1;
    static final int TIME_OFFSET = 0;
    static final int SOURCE_HI_OFFSET = 8;
    static final int SOURCE_LO_OFFSET = 16;
    static final int SOURCE_PORT_OFFSET = 24;
    static final int LISTENER_OFFSET = 28;
    static final int FAMILY_OFFSET = 32;
    static final int HEADER_LENGTH = 40;

    private DatagramMessage() {
    }
}
