package io.sgemu.control.gen;

import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a ClassBench filter set: one filter a line,
 * {@code @src/len<TAB>dst/len<TAB>sp : sp<TAB>dp : dp<TAB>proto/mask<TAB>flags/mask}, the first line the
 * highest priority. The flags field is read past: security groups and network ACLs have no TCP-flag match.
 */
public final class ClassBenchFile {

    private ClassBenchFile() {
    }

    /** The filters of a file, in priority order. */
    public static List<ClassBenchRule> read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(file.toString(), r);
        } catch (NoSuchFileException e) {
            throw new ClassBenchFormatException(file + ": no such file", e);
        } catch (MalformedInputException e) {
            throw new ClassBenchFormatException(file + ": is not a text file", e);
        } catch (IOException e) {
            throw new ClassBenchFormatException(file + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    /** The filters of a text, named {@code name} in messages. */
    public static List<ClassBenchRule> parse(String name, String text) {
        try {
            return read(name, new BufferedReader(new StringReader(text)));
        } catch (IOException e) {
            throw new IllegalStateException(e); // a string cannot fail to read
        }
    }

    private static List<ClassBenchRule> read(String name, Reader in) throws IOException {
        BufferedReader r = in instanceof BufferedReader b ? b : new BufferedReader(in);
        List<ClassBenchRule> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(parseLine(line, n));
            } catch (IllegalArgumentException e) {
                throw new ClassBenchFormatException(name + ": line " + n + ": " + e.getMessage(), e);
            }
        }
        if (out.isEmpty()) {
            throw new ClassBenchFormatException(name + ": no filter in the file (lines look like "
                    + "'@10.0.0.0/8<TAB>192.168.1.0/24<TAB>0 : 65535<TAB>80 : 80<TAB>0x06/0xFF<TAB>0x0000/0x0000')");
        }
        return out;
    }

    static ClassBenchRule parseLine(String line, int number) {
        String s = line.strip();
        if (!s.startsWith("@")) {
            throw new IllegalArgumentException("a filter starts with '@', not '" + abbreviate(s) + "'");
        }
        String[] f = s.substring(1).split("\t");
        if (f.length < 5) {
            throw new IllegalArgumentException("expected at least 5 tab-separated fields (source, destination, "
                    + "source ports, destination ports, protocol), found " + f.length);
        }
        Cidr src = prefix(f[0].strip(), "source");
        Cidr dst = prefix(f[1].strip(), "destination");
        int[] sp = ports(f[2], "source");
        int[] dp = ports(f[3], "destination");
        int proto = protocol(f[4].strip());
        return new ClassBenchRule(src, dst, sp[0], sp[1], dp[0], dp[1], proto, number);
    }

    private static Cidr prefix(String text, String what) {
        try {
            Cidr c = Cidr.parse(text);
            if (c.family() != IpAddress.V4) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 prefix");
            }
            return c;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " prefix: " + e.getMessage(), e);
        }
    }

    private static int[] ports(String text, String what) {
        String[] lohi = text.split(":");
        if (lohi.length != 2) {
            throw new IllegalArgumentException(what + " ports: '" + text.strip() + "' is not 'low : high'");
        }
        int lo = port(lohi[0].strip(), what);
        int hi = port(lohi[1].strip(), what);
        if (lo > hi) {
            throw new IllegalArgumentException(what + " ports: " + lo + " : " + hi + " is an empty range");
        }
        return new int[] {lo, hi};
    }

    private static int port(String text, String what) {
        try {
            int p = Integer.parseInt(text);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(what + " ports: '" + text + "' is not a port (0..65535)");
    }

    /** {@code 0x06/0xFF}: protocol 6; {@code 0x00/0x00}: any. Other masks select no single protocol. */
    private static int protocol(String text) {
        String[] vm = text.split("/");
        if (vm.length != 2) {
            throw new IllegalArgumentException("protocol: '" + text + "' is not 'value/mask' (e.g. 0x06/0xFF)");
        }
        int value = hex(vm[0].strip(), text);
        int mask = hex(vm[1].strip(), text);
        if (mask == 0) {
            return ClassBenchRule.ANY_PROTOCOL;
        }
        if (mask == 0xFF) {
            return value;
        }
        throw new IllegalArgumentException("protocol: mask " + vm[1].strip() + " is neither 0x00 (any) nor 0xFF (one protocol)");
    }

    private static int hex(String text, String field) {
        String t = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
        try {
            int v = Integer.parseInt(t, 16);
            if (v >= 0 && v <= 255) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("protocol: '" + field + "' is not 'value/mask' in hex (e.g. 0x06/0xFF)");
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
