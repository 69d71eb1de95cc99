package io.sgemu.bench;

import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * How long a change takes to be in force on the live dataplane, on a large world (default: 100k ENIs,
 * 10k groups of 100 rules = 1M rules, PolicyScaleWorld): for (a) one rule added to a group and (b) a
 * membership change (an ENI joins a group that other groups' rules reference), the time of the
 * {@link ControlPlane#apply} call (edit, incremental compile, hand-off to the dataplane), the time from its
 * return until every worker judges by the new snapshot ({@link LiveDataplane#awaitPolicy}), and the sum
 * (from the start of the call to every worker on the new snapshot). Workers are idle (no traffic): an idle
 * worker parks up to 1 ms between polls (its back-off), which bounds the second figure.
 *
 * <pre>
 * java -Xmx8g -cp bench/target/benchmarks.jar io.sgemu.bench.SnapshotLatencyMeasurement [changes enis groups rulesPerGroup workers]
 * </pre>
 */
public final class SnapshotLatencyMeasurement {

    private SnapshotLatencyMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        int changes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int enis = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int groups = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        int rules = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int workers = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        long t0 = System.nanoTime();
        World world = PolicyScaleWorld.build(groups, rules, enis, 42);
        System.out.printf("world: %d ENIs, %d groups x %d rules = %d rules, built in %.1f s%n", enis, groups, rules,
                (long) groups * rules, (System.nanoTime() - t0) / 1e9);

        LiveDataplane[] live = new LiveDataplane[1];
        long c0 = System.nanoTime();
        ControlPlane control = new ControlPlane(world, null, p -> {
            if (live[0] != null) {
                live[0].setPolicy(p);
            }
        });
        System.out.printf("control plane started (rule ids, first compile) in %.1f s%n", (System.nanoTime() - c0) / 1e9);
        try (LiveDataplane l = LiveDataplane.start(new LiveConfig(control.current().policy()).workers(workers)
                .conntrackCapacity(1 << 16).listen(ListenerUri.parse("udp://127.0.0.1:0")))) {
            live[0] = l;
            Set<String> referenced = referencedGroups(control.world());
            List<String> referencedIds = new ArrayList<>(referenced);
            System.out.printf("%d workers; %d groups referenced by rules%n", workers, referencedIds.size());
            SplittableRandom r = new SplittableRandom(7);
            // warm-up: the same code paths, unmeasured
            run(l, control, Math.max(20, changes / 5), () -> ruleChange(r, control.world()));
            run(l, control, Math.max(20, changes / 5), () -> membershipChange(r, control.world(), referencedIds));
            report("(a) one rule added", run(l, control, changes, () -> ruleChange(r, control.world())));
            report("(b) an ENI joins a referenced group", run(l, control, changes,
                    () -> membershipChange(r, control.world(), referencedIds)));
        }
    }

    /**
     * Nanoseconds per change: [0] the apply call, [1] from its return to every worker on the snapshot, [2] the
     * edit's share of the call (making the new World, which copies its maps).
     */
    public static long[][] run(LiveDataplane live, ControlPlane control, int n,
                                java.util.function.Supplier<UnaryOperator<World>> changes) throws InterruptedException {
        long[][] out = new long[3][n];
        for (int i = 0; i < n; i++) {
            UnaryOperator<World> drawn = changes.get(); // drawn before the clock starts
            long[] editNanos = new long[1];
            UnaryOperator<World> edit = w -> {
                long e0 = System.nanoTime();
                World next = drawn.apply(w);
                editNanos[0] = System.nanoTime() - e0;
                return next;
            };
            long a = System.nanoTime();
            control.apply(edit);
            long b = System.nanoTime();
            out[2][i] = editNanos[0];
            if (!live.awaitPolicy(control.current().policy(), 10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("a worker did not take the snapshot within 10 s");
            }
            long c = System.nanoTime();
            out[0][i] = b - a;
            out[1][i] = c - b;
        }
        return out;
    }

    /** One TCP rule (a /32 peer, a random port) added to the inbound rules of a random group. */
    public static UnaryOperator<World> ruleChange(SplittableRandom r, World w) {
        List<String> ids = new ArrayList<>(w.securityGroups().keySet());
        String id = ids.get(r.nextInt(ids.size()));
        int port = 1 + r.nextInt(65000);
        Cidr peer = new Cidr(IpAddress.v4((10 << 24) | r.nextInt(1 << 24)), 32);
        return world -> {
            SecurityGroup g = world.securityGroups().get(id);
            List<SgRule> in = new ArrayList<>(g.ingress());
            in.add(new SgRule(null, false, Protocols.TCP, port, port, new Peer.CidrPeer(peer), null, in.size()));
            return world.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), in, g.egress()));
        };
    }

    /** A random ENI with fewer than five groups joins a referenced group it is not in. */
    public static UnaryOperator<World> membershipChange(SplittableRandom r, World w, List<String> referenced) {
        List<NetworkInterface> all = new ArrayList<>(w.networkInterfaces().values());
        while (true) {
            NetworkInterface e = all.get(r.nextInt(all.size()));
            String g = referenced.get(r.nextInt(referenced.size()));
            if (e.groupIds().size() < 5 && !e.groupIds().contains(g)) {
                List<String> groups = new ArrayList<>(e.groupIds());
                groups.add(g);
                return world -> world.withNetworkInterface(world.networkInterfaces().get(e.id()).withGroups(groups));
            }
        }
    }

    public static Set<String> referencedGroups(World w) {
        Set<String> out = new HashSet<>();
        for (SecurityGroup g : w.securityGroups().values()) {
            for (boolean egress : new boolean[] {false, true}) {
                for (SgRule rule : g.rules(egress)) {
                    if (rule.peer() instanceof Peer.GroupPeer p) {
                        out.add(p.groupId());
                    }
                }
            }
        }
        return out;
    }

    private static void report(String what, long[][] t) {
        int n = t[0].length;
        long[] total = new long[n];
        for (int i = 0; i < n; i++) {
            total[i] = t[0][i] + t[1][i];
        }
        System.out.printf("%s, %d changes (ms):%n", what, n);
        line("  apply call (edit, compile, hand-off)", t[0]);
        line("    of which the edit (new World)", t[2]);
        line("  call return -> every worker on it", t[1]);
        line("  call start -> every worker on it", total);
    }

    private static void line(String label, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("%-40s p50 %8.3f  p99 %8.3f  max %8.3f%n", label, s[s.length / 2] / 1e6,
                s[(int) Math.ceil(s.length * 0.99) - 1] / 1e6, s[s.length - 1] / 1e6);
    }
}
