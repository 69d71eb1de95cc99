package io.sgemu.dataplane.packet;

import java.util.HexFormat;

import org.agrona.concurrent.UnsafeBuffer;

/** Known header bytes for tests, written as hex with spaces and '|' between fields for reading. */
final class Hex {

    private Hex() {
    }

    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[\\s|]", ""));
    }

    /** The bytes in a buffer of exactly their size: a read past them throws. */
    static UnsafeBuffer buffer(String hex) {
        return new UnsafeBuffer(bytes(hex));
    }

    /** The first {@code length} bytes in a buffer of exactly that size. */
    static UnsafeBuffer cut(byte[] bytes, int length) {
        return new UnsafeBuffer(java.util.Arrays.copyOf(bytes, length));
    }
}
