package io.sgemu.control.reference;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.live.Vtep;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.io.VerdictTap;
import io.sgemu.dataplane.packet.PacketBuilder;
import io.sgemu.dataplane.pipeline.Verdicts;
import io.sgemu.dataplane.policy.Policy;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Snapshots under load: while a stream of seeded random packets flows through the live dataplane (loopback
 * VXLAN, one event loop, one worker, so the order judged is the order of arrival), another thread applies
 * random valid EC2 changes through the {@link ControlPlane} every few milliseconds. A {@link VerdictTap}
 * records, for every packet judged, the snapshot it was judged by. Afterwards the recorded packets are
 * replayed, in recorded order, through the reference evaluator, whose world is switched to the recorded
 * snapshot's world before each packet: every verdict (action, stage, skip reason, ENIs) must be the
 * reference's for that snapshot. Datagrams the kernel dropped are simply not in the record.
 *
 * <p>It also shows that snapshots are taken in publication order (a worker never goes back to an older
 * one) and that changes really land between packets (many snapshots judge some packet).
 */
class SnapshotUnderLoadTest {

    private static final int VNI = 7001;
    private static final int PACKETS = 12_000;

    static LongStream seeds() {
        return LongStream.range(0, 4).map(i -> 0x5A0_0000L + i * 104_729);
    }

    /** One packet as the worker judged it. */
    private record Judged(long sequence, Policy policy, Packet packet, int action, int stage, int reason,
                          String srcEni, String dstEni) {
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void everyVerdictIsTheReferencesForTheSnapshotItWasJudgedBy(long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        World initial = ReferencePropertiesTest.RandomWorlds.world(r, r.nextInt(3) == 0);
        List<Packet> packets = ReferencePropertiesTest.RandomWorlds.packets(r, initial, PACKETS, true);
        SplittableRandom changeRandom = r.split();

        AtomicReference<LiveDataplane> live = new AtomicReference<>();
        // Every published version, by its snapshot (written by the changing thread, read after it is joined).
        Map<Policy, ControlPlane.Published> versions = new IdentityHashMap<>();
        ControlPlane control = new ControlPlane(initial, null, p -> {
            LiveDataplane l = live.get();
            if (l != null) {
                l.setPolicy(p);
            }
        });
        ControlPlane.Published first = control.current();
        versions.put(first.policy(), first);

        List<Judged> judged = new ArrayList<>(); // the worker's thread only, read after close() joined it
        VerdictTap tap = (worker, sequence, policy, packet, verdict) -> judged.add(new Judged(sequence, policy,
                Packet.from(packet), verdict.action, verdict.stage, verdict.reason,
                verdict.srcEni == Policy.NONE ? null : policy.eniId(verdict.srcEni),
                verdict.dstEni == Policy.NONE ? null : policy.eniId(verdict.dstEni)));

        int changes;
        try (Vtep sender = new Vtep();
             LiveDataplane l = LiveDataplane.start(new LiveConfig(first.policy()).workers(1).eventLoops(1)
                     .ringBytes(1 << 22).conntrackCapacity(1 << 14).verdictTap(tap)
                     .listen(ListenerUri.parse("vxlan://127.0.0.1:0")))) {
            live.set(l);
            int port = l.boundPorts().get(0);
            Changer changer = new Changer(control, changeRandom, versions);
            Thread thread = new Thread(changer, "changes-" + seed);
            thread.start();
            try {
                for (int i = 0; i < packets.size(); i++) {
                    sender.send(Vtep.vxlan(VNI, frame(packets.get(i))), port);
                    if (i % 50 == 49) {
                        Thread.sleep(1); // a steady stream rather than one burst, so that changes fall between packets
                    }
                }
            } finally {
                changer.stop = true;
                thread.join();
            }
            assertThat(changer.failure).as("seed %d: a change failed", seed).isNull();
            changes = changer.applied;
            ControlPlane.Published last = control.current();
            assertThat(l.awaitPolicy(last.policy(), 10, TimeUnit.SECONDS)).as("seed %d: the last snapshot in force", seed)
                    .isTrue();
            // Judged packets are counted after their tap: wait until the stream has drained.
            long before = -1;
            while (before != l.counters().get(io.sgemu.dataplane.io.LiveCounters.JUDGED)) {
                before = l.counters().get(io.sgemu.dataplane.io.LiveCounters.JUDGED);
                Thread.sleep(50);
            }
        }

        assertThat(judged.size()).as("seed %d: packets judged (the rest lost on loopback)", seed)
                .isGreaterThan(1_000);
        ReferenceEvaluator reference = new ReferenceEvaluator(first.world(), EvaluatorSettings.DEFAULT);
        long version = first.version();
        int versionsSeen = 1;
        for (int i = 0; i < judged.size(); i++) {
            Judged j = judged.get(i);
            ControlPlane.Published v = versions.get(j.policy());
            assertThat(j.sequence()).as("seed %d: the tap's sequence", seed).isEqualTo(i);
            assertThat(v).as("seed %d: packet %d was judged by a snapshot the control plane published", seed, i).isNotNull();
            assertThat(v.version()).as("seed %d: packet %d: snapshots are taken in publication order", seed, i)
                    .isGreaterThanOrEqualTo(version);
            if (v.version() != version) {
                reference.setWorld(v.world());
                version = v.version();
                versionsSeen++;
            }
            Verdict expected = reference.evaluate(j.packet());
            String where = "seed " + seed + ": packet " + i + " " + j.packet() + " judged by version " + version;
            assertThat(Verdicts.ACTIONS[j.action()]).as(where + ": action").isEqualTo(expected.action().name());
            assertThat(j.stage() == Verdicts.NO_STAGE ? null : Verdicts.STAGES[j.stage()]).as(where + ": stage")
                    .isEqualTo(expected.stage() == null ? null : expected.stage().label());
            if (expected.action() == Action.SKIP || expected.stage() == null) {
                assertThat(j.reason() == Verdicts.NO_REASON ? null : Verdicts.REASONS[j.reason()]).as(where + ": reason")
                        .isEqualTo(expected.reason());
            }
            assertThat(j.srcEni()).as(where + ": source ENI").isEqualTo(expected.srcEniId());
            assertThat(j.dstEni()).as(where + ": destination ENI").isEqualTo(expected.dstEniId());
        }
        assertThat(changes).as("seed %d: changes applied during the stream", seed).isGreaterThan(10);
        assertThat(versionsSeen).as("seed %d: snapshots that judged some packet (of %d changes)", seed, changes)
                .isGreaterThan(5);
        System.out.println("seed " + seed + ": " + judged.size() + " of " + PACKETS + " packets judged by " + versionsSeen
                + " snapshots (" + changes + " changes applied), each verdict the reference's for its snapshot");
    }

    /** Applies random valid changes through the control plane every few milliseconds until stopped. */
    private static final class Changer implements Runnable {
        final ControlPlane control;
        final SplittableRandom r;
        final Map<Policy, ControlPlane.Published> versions;
        volatile boolean stop;
        volatile Throwable failure;
        volatile int applied;

        Changer(ControlPlane control, SplittableRandom r, Map<Policy, ControlPlane.Published> versions) {
            this.control = control;
            this.r = r;
            this.versions = versions;
        }

        @Override
        public void run() {
            try {
                while (!stop) {
                    long before = control.current().version();
                    control.apply(w -> edit(r, w));
                    ControlPlane.Published now = control.current();
                    if (now.version() != before) {
                        versions.put(now.policy(), now);
                        applied++;
                    }
                    Thread.sleep(1 + r.nextInt(3));
                }
            } catch (Throwable t) {
                failure = t;
            }
        }
    }

    /**
     * One random EC2-like change: an ENI's group list (membership of referenced groups), a rule added or
     * revoked, an ENI's timeouts, a NACL entry created or deleted. Answers {@code w} itself when the change
     * drawn does not apply (nothing is published).
     */
    static World edit(SplittableRandom r, World w) {
        List<NetworkInterface> enis = new ArrayList<>(w.networkInterfaces().values());
        List<SecurityGroup> groups = new ArrayList<>(w.securityGroups().values());
        switch (r.nextInt(6)) {
            case 0 -> {
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                List<String> ids = new ArrayList<>();
                for (SecurityGroup g : groups) {
                    if (r.nextBoolean()) {
                        ids.add(g.id());
                    }
                }
                if (ids.isEmpty()) {
                    ids.add(groups.get(r.nextInt(groups.size())).id());
                }
                return w.withNetworkInterface(e.withGroups(ids));
            }
            case 1 -> {
                SecurityGroup g = groups.get(r.nextInt(groups.size()));
                boolean egress = r.nextBoolean();
                List<SgRule> rules = new ArrayList<>(g.rules(egress));
                SgRule drawn = ReferencePropertiesTest.RandomWorlds.rule(r, egress, rules.size());
                rules.add(new SgRule(null, egress, drawn.protocol(), drawn.fromPort(), drawn.toPort(), drawn.peer(), null,
                        rules.size()));
                return w.withSecurityGroup(withRules(g, egress, rules));
            }
            case 2 -> {
                SecurityGroup g = groups.get(r.nextInt(groups.size()));
                boolean egress = r.nextBoolean();
                List<SgRule> rules = new ArrayList<>(g.rules(egress));
                if (rules.isEmpty()) {
                    return w;
                }
                rules.remove(r.nextInt(rules.size()));
                List<SgRule> renumbered = new ArrayList<>();
                for (SgRule x : rules) {
                    renumbered.add(new SgRule(x.ruleId(), x.egress(), x.protocol(), x.fromPort(), x.toPort(), x.peer(),
                            x.description(), renumbered.size()));
                }
                return w.withSecurityGroup(withRules(g, egress, renumbered));
            }
            case 3 -> {
                NetworkInterface e = enis.get(r.nextInt(enis.size()));
                ConnTrackConfig c = e.connTrack() == null ? ConnTrackConfig.DEFAULT : e.connTrack();
                return w.withNetworkInterface(e.withConnTrack(new ConnTrackConfig(60 + r.nextInt(100), 30 + r.nextInt(31),
                        60 + r.nextInt(121), c.maxTrackedConnections())));
            }
            case 4 -> {
                NetworkAcl acl = customAcl(w, r);
                if (acl == null) {
                    return w;
                }
                boolean egress = r.nextBoolean();
                int number = 1 + r.nextInt(300);
                for (NaclEntry e : acl.entries()) {
                    if (e.egress() == egress && e.ruleNumber() == number) {
                        return w;
                    }
                }
                boolean tcp = r.nextBoolean();
                List<NaclEntry> entries = new ArrayList<>(acl.entries());
                entries.add(TestWorld.Acl.entry(number, egress, tcp ? "tcp" : "-1", r.nextBoolean(),
                        r.nextBoolean() ? "0.0.0.0/0" : "10.0.0.0/16", tcp ? "1024-65535" : null, -1, -1));
                return w.withNetworkAcl(acl.withEntries(entries));
            }
            default -> {
                NetworkAcl acl = customAcl(w, r);
                if (acl == null || acl.entries().isEmpty()) {
                    return w;
                }
                List<NaclEntry> entries = new ArrayList<>(acl.entries());
                entries.remove(r.nextInt(entries.size()));
                return w.withNetworkAcl(acl.withEntries(entries));
            }
        }
    }

    private static SecurityGroup withRules(SecurityGroup g, boolean egress, List<SgRule> rules) {
        return new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), egress ? g.ingress() : rules,
                egress ? rules : g.egress());
    }

    private static NetworkAcl customAcl(World w, SplittableRandom r) {
        List<NetworkAcl> custom = w.networkAcls().values().stream().filter(a -> !a.isDefault()).toList();
        return custom.isEmpty() ? null : custom.get(r.nextInt(custom.size()));
    }

    /** The packet as an Ethernet frame (whole packets only: the live path judges fragments each on its own). */
    private static byte[] frame(Packet p) {
        PacketBuilder b = PacketBuilder.ip(p.src(), p.dst());
        int payload = Math.max(0, p.length() - 60);
        switch (p.protocol()) {
            case Protocols.TCP -> b.tcp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), Math.max(0, p.tcpFlags()), payload);
            case Protocols.UDP -> b.udp(Math.max(0, p.srcPort()), Math.max(0, p.dstPort()), payload);
            case Protocols.ICMP, Protocols.ICMPV6 -> b.icmp(Math.max(0, p.icmpType()), Math.max(0, p.icmpCode()),
                    Math.max(0, p.icmpId())).payload(payload);
            default -> b.protocol(p.protocol(), payload);
        }
        return b.ethernet().build();
    }
}
