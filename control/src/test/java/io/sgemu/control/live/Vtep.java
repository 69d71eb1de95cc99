package io.sgemu.control.live;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A tunnel endpoint for tests: a plain UDP socket on 127.0.0.1 that sends datagrams to the emulator and
 * receives what it forwards. Receiving waits up to a deadline (generous: a slow machine must not fail a test).
 */
public final class Vtep implements AutoCloseable {

    public static final long WAIT_MILLIS = 10_000;

    final DatagramSocket socket;

    private final InetAddress emulator;

    /** An endpoint on 127.0.0.1 that talks to the emulator on 127.0.0.1. */
    public Vtep() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    /** An endpoint on {@code loopback} (127.0.0.1 or ::1) that talks to the emulator there. */
    public Vtep(InetAddress loopback) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(loopback, 0));
        emulator = loopback;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public void send(byte[] payload, int port) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, emulator, port));
    }

    /** The next datagram's payload, or null when none comes within {@code millis}. */
    public byte[] receive(long millis) throws IOException {
        byte[] buf = new byte[65536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.setSoTimeout((int) Math.max(1, millis));
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    public byte[] receive() throws IOException {
        return receive(WAIT_MILLIS);
    }

    /** An RFC 7348 VXLAN payload: the 8-byte header (I flag, {@code vni}) and the inner Ethernet frame. */
    public static byte[] vxlan(int vni, byte[] ethernetFrame) {
        return ByteBuffer.allocate(8 + ethernetFrame.length).put((byte) 0x08).put(new byte[3])
                .putInt(vni << 8).put(ethernetFrame).array();
    }

    /** An RFC 8926 GENEVE payload without options: version 0, protocol 0x6558 (Ethernet), {@code vni}. */
    public static byte[] geneve(int vni, byte[] ethernetFrame) {
        return ByteBuffer.allocate(8 + ethernetFrame.length).put((byte) 0).put((byte) 0).putShort((short) 0x6558)
                .putInt(vni << 8).put(ethernetFrame).array();
    }

    /** The VNI of a VXLAN or GENEVE payload (bytes 4 to 6 in both). */
    public static int vni(byte[] payload) {
        return ByteBuffer.wrap(payload, 4, 4).getInt() >>> 8;
    }

    @Override
    public void close() {
        socket.close();
    }
}
