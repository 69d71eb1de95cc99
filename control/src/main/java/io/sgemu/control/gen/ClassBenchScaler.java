package io.sgemu.control.gen;

import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Scales a ClassBench filter set to any number of filters. Fewer: the highest-priority prefix of the set.
 * More: the set itself, then filters derived from randomly chosen filters of the set by perturbing them,
 * appended at lower priority. Each derived filter keeps its template's prefix lengths, protocol and the
 * kind of each port range (any, one port, the well-known 0:1023 and 1024:65535, or another range of the
 * same width), so the set's distributions of prefix lengths and port-range kinds carry over.
 */
public final class ClassBenchScaler {
    /** Network bits, at most, that a derived prefix changes: it stays near its template, as ClassBench's clusters do. */
    private static final int PERTURBED_BITS = 8;

    private ClassBenchScaler() {
    }

    public static List<ClassBenchRule> scale(List<ClassBenchRule> set, int count, SplittableRandom random) {
        if (set.isEmpty()) {
            throw new IllegalArgumentException("an empty filter set cannot be scaled");
        }
        if (count < 0) {
            throw new IllegalArgumentException("a filter count cannot be negative");
        }
        if (count <= set.size()) {
            return List.copyOf(set.subList(0, count));
        }
        List<Integer> exactSrc = new ArrayList<>();
        List<Integer> exactDst = new ArrayList<>();
        for (ClassBenchRule r : set) {
            if (r.srcPortLo() == r.srcPortHi()) {
                exactSrc.add(r.srcPortLo());
            }
            if (r.dstPortLo() == r.dstPortHi()) {
                exactDst.add(r.dstPortLo());
            }
        }
        List<ClassBenchRule> out = new ArrayList<>(count);
        out.addAll(set);
        while (out.size() < count) {
            ClassBenchRule t = set.get(random.nextInt(set.size()));
            int[] sp = perturbPorts(t.srcPortLo(), t.srcPortHi(), exactSrc, random);
            int[] dp = perturbPorts(t.dstPortLo(), t.dstPortHi(), exactDst, random);
            out.add(new ClassBenchRule(perturb(t.src(), random), perturb(t.dst(), random), sp[0], sp[1], dp[0], dp[1],
                    t.protocol(), 0));
        }
        return out;
    }

    /** The same prefix length, some of the last network bits flipped (a /0 stays /0). */
    static Cidr perturb(Cidr c, SplittableRandom random) {
        int len = c.prefixLength();
        if (len == 0) {
            return c;
        }
        int bits = Math.min(len, PERTURBED_BITS);
        int flip = random.nextInt(1, 1 << bits) << (32 - len);
        return new Cidr(IpAddress.v4(c.network().v4Bits() ^ flip), len);
    }

    private static int[] perturbPorts(int lo, int hi, List<Integer> exact, SplittableRandom random) {
        if ((lo == 0 && hi == 65535) || (lo == 0 && hi == 1023) || (lo == 1024 && hi == 65535)) {
            return new int[] {lo, hi};
        }
        if (lo == hi) {
            // another one-port value the set uses (keeps ports realistic), or the template's own
            int p = random.nextBoolean() || exact.isEmpty() ? lo : exact.get(random.nextInt(exact.size()));
            return new int[] {p, p};
        }
        int width = hi - lo;
        int from = random.nextInt(0, 65536 - width);
        return new int[] {from, from + width};
    }
}
