package io.sgemu.control.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of parser inputs: the same random source and corpus always give the same bytes, so a
 * finding is reproduced from the seed and the input's number alone.
 *
 * <p>Binary mutations aim at header fields: bit flips, bytes and aligned 16/32-bit words set to boundary
 * values (0, 0xFF.., 0x7F.., 0x80.., the input's own length around which length fields are checked),
 * inserted, deleted and duplicated ranges, and splices of two corpus inputs. Text mutations aim at line
 * and JSON structure: lines deleted, duplicated and swapped, numbers made huge or negative, values swapped,
 * brackets left unbalanced, separators of query strings and YAML injected.
 */
public final class Mutator {

    /** Inputs never grow beyond this (a parser's cost on megabytes is not what is looked for). */
    public static final int MAX_LENGTH = 256 * 1024;

    private static final int[] BYTE_VALUES = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x40, 0x20, 0x10, 0x08, 0x04};
    private static final long[] WORD_VALUES = {0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFFL,
        0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000, 0x0FFF_FFFF};
    private static final String[] NUMBERS = {"0", "-1", "-0", "1e309", "-1e309", "9223372036854775807",
        "9223372036854775808", "-9223372036854775809", "2147483647", "2147483648", "-2147483648", "4294967296",
        "65535", "65536", "99999999999999999999999999", "1.5", "0.0000001", "1e-400", "NaN", "0x10", "007",
        "32766", "32767", "255", "256", "-65536", "1E3"};
    private static final String[] TOKENS = {"null", "true", "false", "[]", "{}", "\"\"", ":", ",", "[", "]", "{",
        "}", "\"", "\\", "\\u0000", "\u0000", "%", "%zz", "%C0%80", "&", "=", "..", ".", "-", "*", "/", "/0",
        "/33", "/129", "::", "0.0.0.0/0", "::/0", "255.255.255.255", "-1", "all", "~", "!!", "&a", "*a", "? ",
        "- ", "\t", "\n", "\r", "# ", "'", "|", ">", "\uFFFD", "\uD83D\uDE00", "1.", "sg-", "pl-", "eni-"};

    private Mutator() {
    }

    /** A mutant of {@code base}, another corpus input maybe spliced in, 1 to 8 stacked mutations. */
    public static byte[] mutate(byte[] base, List<byte[]> corpus, boolean text, SplittableRandom r) {
        byte[] b = base;
        int rounds = 1 << r.nextInt(4);
        for (int i = 0; i < rounds; i++) {
            b = text && r.nextInt(5) < 3 ? textMutation(b, corpus, r) : binaryMutation(b, corpus, r);
            if (b.length > MAX_LENGTH) {
                b = java.util.Arrays.copyOf(b, MAX_LENGTH);
            }
        }
        return b;
    }

    static byte[] binaryMutation(byte[] b, List<byte[]> corpus, SplittableRandom r) {
        int n = b.length;
        switch (r.nextInt(12)) {
            case 0 -> { // bit flip
                if (n == 0) {
                    return insert(b, 0, new byte[] {(byte) r.nextInt(256)});
                }
                byte[] c = b.clone();
                int p = r.nextInt(n);
                c[p] ^= (byte) (1 << r.nextInt(8));
                return c;
            }
            case 1 -> { // byte to a boundary value or a length
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                int v = r.nextInt(4) == 0 ? (n - r.nextInt(3)) : BYTE_VALUES[r.nextInt(BYTE_VALUES.length)];
                c[r.nextInt(n)] = (byte) v;
                return c;
            }
            case 2, 3 -> { // aligned 16- or 32-bit word to a boundary value or a length, either byte order
                int width = r.nextBoolean() ? 2 : 4;
                if (n < width) {
                    return b;
                }
                byte[] c = b.clone();
                int p = r.nextInt(n - width + 1);
                if (r.nextBoolean()) {
                    p &= ~(width - 1);
                }
                long v = switch (r.nextInt(3)) {
                    case 0 -> n + r.nextInt(-4, 5) - p;
                    case 1 -> n + r.nextInt(-4, 5);
                    default -> WORD_VALUES[r.nextInt(WORD_VALUES.length)];
                };
                boolean big = r.nextBoolean();
                for (int i = 0; i < width; i++) {
                    int shift = 8 * (big ? width - 1 - i : i);
                    c[p + i] = (byte) (v >>> shift);
                }
                return c;
            }
            case 4 -> { // random byte
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                c[r.nextInt(n)] = (byte) r.nextInt(256);
                return c;
            }
            case 5 -> { // small add/subtract
                if (n == 0) {
                    return b;
                }
                byte[] c = b.clone();
                int p = r.nextInt(n);
                c[p] = (byte) (c[p] + r.nextInt(-16, 17));
                return c;
            }
            case 6 -> { // delete a range
                if (n == 0) {
                    return b;
                }
                int from = r.nextInt(n);
                int len = rangeLength(r, n - from);
                return delete(b, from, len);
            }
            case 7 -> { // insert random bytes or repeated bytes
                int at = r.nextInt(n + 1);
                byte[] ins = new byte[1 + r.nextInt(r.nextBoolean() ? 8 : 128)];
                if (r.nextBoolean()) {
                    r.nextBytes(ins);
                } else {
                    java.util.Arrays.fill(ins, (byte) BYTE_VALUES[r.nextInt(BYTE_VALUES.length)]);
                }
                return insert(b, at, ins);
            }
            case 8 -> { // duplicate a range
                if (n == 0) {
                    return b;
                }
                int from = r.nextInt(n);
                int len = rangeLength(r, n - from);
                return insert(b, from + len, java.util.Arrays.copyOfRange(b, from, from + len));
            }
            case 9 -> { // overwrite a range with another part of the input
                if (n < 2) {
                    return b;
                }
                int from = r.nextInt(n);
                int to = r.nextInt(n);
                int len = Math.min(rangeLength(r, n - from), n - to);
                byte[] c = b.clone();
                System.arraycopy(b, from, c, to, len);
                return c;
            }
            case 10 -> { // splice: a prefix of this input, a suffix of another
                byte[] other = corpus.get(r.nextInt(corpus.size()));
                int cut = n == 0 ? 0 : r.nextInt(n + 1);
                int otherCut = other.length == 0 ? 0 : r.nextInt(other.length + 1);
                byte[] c = java.util.Arrays.copyOf(b, cut + other.length - otherCut);
                System.arraycopy(other, otherCut, c, cut, other.length - otherCut);
                return c;
            }
            default -> { // truncate
                return n == 0 ? b : java.util.Arrays.copyOf(b, r.nextInt(n));
            }
        }
    }

    static byte[] textMutation(byte[] b, List<byte[]> corpus, SplittableRandom r) {
        String s = new String(b, StandardCharsets.UTF_8);
        String out = switch (r.nextInt(10)) {
            case 0 -> lines(s, r, 0);
            case 1 -> lines(s, r, 1);
            case 2 -> lines(s, r, 2);
            case 3 -> replaceToken(s, r, numberSpans(s), NUMBERS[r.nextInt(NUMBERS.length)]);
            case 4 -> swapSpans(s, r, valueSpans(s));
            case 5 -> insertAt(s, r, TOKENS[r.nextInt(TOKENS.length)]);
            case 6 -> { // unbalance: delete or insert a bracket
                List<int[]> brackets = charSpans(s, "{}[]()\"");
                if (!brackets.isEmpty() && r.nextBoolean()) {
                    int[] sp = brackets.get(r.nextInt(brackets.size()));
                    yield s.substring(0, sp[0]) + s.substring(sp[1]);
                }
                yield insertAt(s, r, String.valueOf("{}[]\"".charAt(r.nextInt(5))));
            }
            case 7 -> { // deep nesting
                int depth = 1 + r.nextInt(r.nextBoolean() ? 50 : 5000);
                String open = r.nextBoolean() ? "[" : "{\"a\":";
                yield insertAt(s, r, open.repeat(depth));
            }
            case 8 -> { // a value from another corpus input
                String other = new String(corpus.get(r.nextInt(corpus.size())), StandardCharsets.UTF_8);
                List<int[]> spans = valueSpans(other);
                if (spans.isEmpty()) {
                    yield s;
                }
                int[] sp = spans.get(r.nextInt(spans.size()));
                yield replaceToken(s, r, valueSpans(s), other.substring(sp[0], sp[1]));
            }
            default -> replaceToken(s, r, valueSpans(s), TOKENS[r.nextInt(TOKENS.length)]);
        };
        return out.getBytes(StandardCharsets.UTF_8);
    }

    private static int rangeLength(SplittableRandom r, int max) {
        return Math.max(1, Math.min(max, 1 + r.nextInt(r.nextBoolean() ? 4 : 64)));
    }

    private static byte[] insert(byte[] b, int at, byte[] ins) {
        byte[] c = new byte[b.length + ins.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(ins, 0, c, at, ins.length);
        System.arraycopy(b, at, c, at + ins.length, b.length - at);
        return c;
    }

    private static byte[] delete(byte[] b, int from, int len) {
        byte[] c = new byte[b.length - len];
        System.arraycopy(b, 0, c, 0, from);
        System.arraycopy(b, from + len, c, from, b.length - from - len);
        return c;
    }

    /** 0: delete a line, 1: duplicate a line, 2: swap two lines. */
    private static String lines(String s, SplittableRandom r, int op) {
        List<String> ls = new ArrayList<>(List.of(s.split("\n", -1)));
        if (ls.isEmpty()) {
            return s;
        }
        int i = r.nextInt(ls.size());
        switch (op) {
            case 0 -> ls.remove(i);
            case 1 -> ls.add(i, ls.get(i));
            default -> {
                int j = r.nextInt(ls.size());
                String t = ls.get(i);
                ls.set(i, ls.get(j));
                ls.set(j, t);
            }
        }
        return String.join("\n", ls);
    }

    private static String insertAt(String s, SplittableRandom r, String token) {
        int at = s.isEmpty() ? 0 : r.nextInt(s.length() + 1);
        return s.substring(0, at) + token + s.substring(at);
    }

    private static String replaceToken(String s, SplittableRandom r, List<int[]> spans, String with) {
        if (spans.isEmpty()) {
            return insertAt(s, r, with);
        }
        int[] sp = spans.get(r.nextInt(spans.size()));
        return s.substring(0, sp[0]) + with + s.substring(sp[1]);
    }

    private static String swapSpans(String s, SplittableRandom r, List<int[]> spans) {
        if (spans.size() < 2) {
            return s;
        }
        int[] a = spans.get(r.nextInt(spans.size()));
        int[] c = spans.get(r.nextInt(spans.size()));
        if (a[0] > c[0]) {
            int[] t = a;
            a = c;
            c = t;
        }
        if (a[1] > c[0]) {
            return s;
        }
        return s.substring(0, a[0]) + s.substring(c[0], c[1]) + s.substring(a[1], c[0]) + s.substring(a[0], a[1])
                + s.substring(c[1]);
    }

    /** Runs of digits (with a leading minus and a fraction). */
    static List<int[]> numberSpans(String s) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length() && out.size() < 4096) {
            char ch = s.charAt(i);
            if (Character.isDigit(ch)) {
                int start = i > 0 && s.charAt(i - 1) == '-' ? i - 1 : i;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                out.add(new int[] {start, i});
            } else {
                i++;
            }
        }
        return out;
    }

    /** Quoted strings, numbers and the words between separators (JSON values, YAML scalars, query values). */
    static List<int[]> valueSpans(String s) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < s.length() && out.size() < 4096) {
            char ch = s.charAt(i);
            if (ch == '"') {
                int j = s.indexOf('"', i + 1);
                if (j < 0) {
                    break;
                }
                out.add(new int[] {i, j + 1});
                i = j + 1;
            } else if (isWordChar(ch)) {
                int j = i;
                while (j < s.length() && isWordChar(s.charAt(j))) {
                    j++;
                }
                out.add(new int[] {i, j});
                i = j;
            } else {
                i++;
            }
        }
        return out;
    }

    private static boolean isWordChar(char ch) {
        return Character.isLetterOrDigit(ch) || ch == '-' || ch == '.' || ch == '/' || ch == ':' || ch == '_'
                || ch == '%';
    }

    private static List<int[]> charSpans(String s, String chars) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < s.length() && out.size() < 4096; i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                out.add(new int[] {i, i + 1});
            }
        }
        return out;
    }

    /** For messages: the first {@code max} bytes in hex. */
    public static String hexHead(byte[] b, int max) {
        String head = java.util.HexFormat.of().formatHex(b, 0, Math.min(b.length, max));
        return head + (b.length > max ? "... (" + b.length + " bytes)" : "");
    }
}
