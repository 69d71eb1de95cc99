package io.sgemu.dataplane.net;

/**
 * An IPv4 or IPv6 address as a value: the family and 128 bits in two longs.
 * IPv4 addresses keep {@code hi == 0} and the 32 address bits in the low half of {@code lo}, so an
 * IPv4 and an IPv6 address are never equal, whatever their bits (SEMANTICS.md section 2: IPv4 peers never
 * match IPv6 packets).
 *
 * <p>This is the model's and the reference path's address; the fast path keeps the same two longs in
 * its own primitive fields and never builds one of these per packet.
 */
public record IpAddress(int family, long hi, long lo) implements Comparable<IpAddress> {

    public static final int V4 = 4;
    public static final int V6 = 6;

    public IpAddress {
        if (family != V4 && family != V6) {
            throw new IllegalArgumentException("family must be 4 or 6: " + family);
        }
        if (family == V4 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 address wider than 32 bits");
        }
    }

    public static IpAddress v4(int bits) {
        return new IpAddress(V4, 0, bits & 0xFFFF_FFFFL);
    }

    public static IpAddress v6(long hi, long lo) {
        return new IpAddress(V6, hi, lo);
    }

    public boolean isV4() {
        return family == V4;
    }

    /** Address width in bits: 32 or 128. */
    public int bits() {
        return family == V4 ? 32 : 128;
    }

    /** The IPv4 address as an int (meaningful for IPv4 only). */
    public int v4Bits() {
        return (int) lo;
    }

    /** Adds {@code n} to the address (wrapping within the family's width), e.g. VPC base + 2. */
    public IpAddress plus(long n) {
        if (family == V4) {
            return v4((int) (lo + n));
        }
        long newLo = lo + n;
        long carry = Long.compareUnsigned(newLo, lo) < 0 ? 1 : 0;
        return v6(hi + carry, newLo);
    }

    /**
     * Parses dotted-quad IPv4 or any textual IPv6 form (with {@code ::}, and an embedded dotted quad).
     *
     * @throws IllegalArgumentException naming the text when it is not an address
     */
    public static IpAddress parse(String text) {
        IpAddress a = tryParse(text);
        if (a == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address");
        }
        return a;
    }

    /** Like {@link #parse} but answers null for text that is not an address. */
    public static IpAddress tryParse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        long v = parseV4(text);
        return v < 0 ? null : v4((int) v);
    }

    private static long parseV4(String s) {
        int parts = 0;
        long value = 0;
        int i = 0;
        int n = s.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && Character.isDigit(s.charAt(i))) {
                octet = octet * 10 + (s.charAt(i) - '0');
                if (octet > 255 || i - start >= 3) {
                    return -1;
                }
                i++;
            }
            if (i == start) {
                return -1;
            }
            value = (value << 8) | octet;
            parts++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? value : -1;
    }

    private static IpAddress parseV6(String s) {
        int[] groups = new int[8];
        int count = 0;
        int doubleColonAt = -1;
        int i = 0;
        int n = s.length();
        if (s.startsWith("::")) {
            doubleColonAt = 0;
            i = 2;
            if (n == 2) {
                return v6(0, 0);
            }
        } else if (s.startsWith(":")) {
            return null;
        }
        while (i < n) {
            if (count >= 8) {
                return null;
            }
            int start = i;
            int v = 0;
            while (i < n && Character.digit(s.charAt(i), 16) >= 0 && i - start < 4) {
                v = (v << 4) | Character.digit(s.charAt(i), 16);
                i++;
            }
            if (i < n && s.charAt(i) == '.') {
                // embedded IPv4 in the last 32 bits
                long v4 = parseV4(s.substring(start));
                if (v4 < 0 || count > 6) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = n;
                break;
            }
            if (i == start) {
                return null;
            }
            groups[count++] = v;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && s.charAt(i) == ':') {
                if (doubleColonAt >= 0) {
                    return null;
                }
                doubleColonAt = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null;
            }
        }
        int[] full = new int[8];
        if (doubleColonAt >= 0) {
            if (count > 7) {
                return null;
            }
            int tail = count - doubleColonAt;
            System.arraycopy(groups, 0, full, 0, doubleColonAt);
            System.arraycopy(groups, doubleColonAt, full, 8 - tail, tail);
        } else {
            if (count != 8) {
                return null;
            }
            full = groups;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return v6(hi, lo);
    }

    /** Dotted quad for IPv4; RFC 5952 canonical text (lower case, longest zero run as ::) for IPv6. */
    @Override
    public String toString() {
        if (family == V4) {
            return ((lo >>> 24) & 0xFF) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xFFFF);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public int compareTo(IpAddress o) {
        int c = Integer.compare(family, o.family);
        if (c == 0) {
            c = Long.compareUnsigned(hi, o.hi);
        }
        if (c == 0) {
            c = Long.compareUnsigned(lo, o.lo);
        }
        return c;
    }
}
