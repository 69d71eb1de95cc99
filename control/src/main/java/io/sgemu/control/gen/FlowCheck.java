package io.sgemu.control.gen;

import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.control.reference.Action;
import io.sgemu.control.reference.EvaluatorSettings;
import io.sgemu.control.reference.Packet;
import io.sgemu.control.reference.ReferenceEvaluator;
import io.sgemu.control.reference.Verdict;
import io.sgemu.dataplane.net.IpAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Asks the reference evaluator whether a flow does what its kind says: every packet of an accepted
 * kind accepted, every packet of a blocked attempt rejected (not skipped).
 *
 * <p>The answer is cached per (kind, client, server, server port, client-port segment): a verdict can
 * only change with the client port where some NACL entry or rule range begins or ends, so the ports
 * between two such boundaries share one answer and one check covers them all.
 *
 * <p>One evaluator serves every check; its clock jumps far ahead between checks so nothing one check
 * left in its connection tables is alive for the next.
 */
final class FlowCheck {

    private static final long NANOS = 1_000_000_000L;
    /** Between checks: longer than every timeout but the established-TCP one, which a check never leaves open. */
    private static final long CHECK_SPACING_NANOS = 10_000 * NANOS;
    private static final long PACKET_SPACING_NANOS = 1_000_000L;

    private record Key(byte kind, int client, int server, int serverPort, int segment) {
    }

    private final ReferenceEvaluator evaluator;
    private final AddressRegistry addresses;
    private final int[] boundaries;
    private final Map<Key, Boolean> answers = new HashMap<>();
    private long clock = 1_000_000 * NANOS;
    private long checks;

    FlowCheck(World world, AddressRegistry addresses) {
        this.evaluator = new ReferenceEvaluator(world, EvaluatorSettings.DEFAULT);
        this.addresses = addresses;
        this.boundaries = portBoundaries(world);
    }

    /** True when the flow (its client port or ICMP id included) does what {@code kind} says. */
    boolean passes(byte kind, int client, int clientPort, int server, int serverPort) {
        boolean icmp = kind == FlowShape.ICMP_ECHO || kind == FlowShape.BLOCKED_ICMP;
        Key key = new Key(kind, client, server, serverPort, icmp ? 0 : segment(clientPort));
        Boolean known = answers.get(key);
        if (known != null) {
            return known;
        }
        boolean answer = judge(kind, addresses.get(client), clientPort, addresses.get(server), serverPort);
        answers.put(key, answer);
        return answer;
    }

    /** How many flows were judged (the rest were answered from the cache). */
    long checks() {
        return checks;
    }

    private boolean judge(byte kind, IpAddress client, int clientPort, IpAddress server, int serverPort) {
        checks++;
        clock += CHECK_SPACING_NANOS;
        boolean blocked = FlowShape.blocked(kind);
        int n = FlowShape.checkedPackets(kind);
        boolean tcp = kind == FlowShape.TCP_FIN || kind == FlowShape.TCP_RST || kind == FlowShape.BLOCKED_TCP;
        boolean icmp = kind == FlowShape.ICMP_ECHO || kind == FlowShape.BLOCKED_ICMP;
        int protocol = tcp ? Protocols.TCP : icmp ? (client.isV4() ? Protocols.ICMP : Protocols.ICMPV6) : Protocols.UDP;
        for (int j = 0; j < n; j++) {
            int p = FlowShape.packet(kind, j, n);
            boolean fwd = FlowShape.fromClient(p);
            Packet packet;
            if (icmp) {
                int type = client.isV4() ? (fwd ? 8 : 0) : (fwd ? 128 : 129);
                packet = new Packet(clock, protocol, fwd ? client : server, fwd ? server : client, -1, -1, type, 0,
                        clientPort, -1, 84);
            } else {
                packet = new Packet(clock, protocol, fwd ? client : server, fwd ? server : client,
                        fwd ? clientPort : serverPort, fwd ? serverPort : clientPort, -1, -1, -1,
                        tcp ? FlowShape.tcpFlags(p) : -1, 100);
            }
            clock += PACKET_SPACING_NANOS;
            Verdict v = evaluator.evaluate(packet);
            if (v.action() != (blocked ? Action.REJECT : Action.ACCEPT)) {
                return false;
            }
        }
        return true;
    }

    private int segment(int port) {
        int i = Arrays.binarySearch(boundaries, port);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** Every port where a NACL entry's or a TCP/UDP rule's range begins, or the port after it ends. */
    private static int[] portBoundaries(World world) {
        TreeSet<Integer> b = new TreeSet<>();
        for (NetworkAcl acl : world.networkAcls().values()) {
            for (NaclEntry e : acl.entries()) {
                if (e.portRange() != null) {
                    b.add(e.portRange().from());
                    b.add(e.portRange().to() + 1);
                }
            }
        }
        for (SecurityGroup g : world.securityGroups().values()) {
            for (boolean egress : new boolean[] {false, true}) {
                for (SgRule r : g.rules(egress)) {
                    if (Protocols.hasPorts(r.protocol())) {
                        b.add(r.fromPort());
                        b.add(r.toPort() + 1);
                    }
                }
            }
        }
        return b.stream().mapToInt(Integer::intValue).toArray();
    }
}
