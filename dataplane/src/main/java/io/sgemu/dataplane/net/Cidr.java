package io.sgemu.dataplane.net;

/**
 * A CIDR block: a network address and a prefix length. The network address always has its host
 * bits cleared, so two blocks that cover the same addresses are equal.
 */
public record Cidr(IpAddress network, int prefixLength) {

    public Cidr {
        if (prefixLength < 0 || prefixLength > network.bits()) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range for IPv" + network.family());
        }
        network = mask(network, prefixLength);
    }

    public static final Cidr ALL_V4 = new Cidr(IpAddress.v4(0), 0);
    public static final Cidr ALL_V6 = new Cidr(IpAddress.v6(0, 0), 0);

    public int family() {
        return network.family();
    }

    /** True for 0.0.0.0/0 and ::/0: the "all addresses" peer of SEMANTICS.md section 3 (untracked flows). */
    public boolean isAllAddresses() {
        return prefixLength == 0;
    }

    /**
     * Parses {@code a.b.c.d/n} or {@code x::y/n}. Host bits are allowed and cleared.
     *
     * @throws IllegalArgumentException with a message that says what is wrong with the text
     */
    public static Cidr parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing CIDR");
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (no /prefix)");
        }
        IpAddress a = IpAddress.tryParse(text.substring(0, slash));
        if (a == null) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (bad address)");
        }
        int len;
        try {
            len = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (bad prefix length)");
        }
        if (len < 0 || len > a.bits()) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block (prefix length " + len
                    + " out of 0.." + a.bits() + ")");
        }
        return new Cidr(a, len);
    }

    public boolean contains(IpAddress a) {
        if (a.family() != network.family()) {
            return false;
        }
        return mask(a, prefixLength).equals(network);
    }

    /** True when every address of {@code other} is in this block. */
    public boolean covers(Cidr other) {
        return other.family() == family() && other.prefixLength >= prefixLength && contains(other.network);
    }

    /** The last address of the block (broadcast for IPv4). */
    public IpAddress last() {
        if (network.isV4()) {
            long hostMask = prefixLength == 0 ? 0xFFFF_FFFFL : (0xFFFF_FFFFL >>> prefixLength);
            return IpAddress.v4((int) (network.lo() | hostMask));
        }
        long hiHost = prefixLength >= 64 ? 0 : (prefixLength == 0 ? -1L : (-1L >>> prefixLength));
        long loHost = prefixLength >= 128 ? 0 : (prefixLength <= 64 ? -1L : (-1L >>> (prefixLength - 64)));
        return IpAddress.v6(network.hi() | hiHost, network.lo() | loHost);
    }

    static IpAddress mask(IpAddress a, int len) {
        if (a.isV4()) {
            long m = len == 0 ? 0 : (0xFFFF_FFFFL << (32 - len)) & 0xFFFF_FFFFL;
            return IpAddress.v4((int) (a.lo() & m));
        }
        long hiMask = len >= 64 ? -1L : (len == 0 ? 0 : (-1L << (64 - len)));
        long loMask = len <= 64 ? 0 : (len == 128 ? -1L : (-1L << (128 - len)));
        return IpAddress.v6(a.hi() & hiMask, a.lo() & loMask);
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}
