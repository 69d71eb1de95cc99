package io.sgemu.control.gen;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.agrona.collections.LongHashSet;

/**
 * Chooses the flows of a capture: which are blocked attempts, what each one is (from the services of
 * {@link ServiceCatalog}, checked by {@link FlowCheck}), how many packets each carries (a minimum for its
 * kind, then the rest by Zipf popularity) and when it runs.
 *
 * <p>Everything comes from one {@link SplittableRandom} seeded with the settings' seed, and every
 * collection it walks has a fixed order, so the same world, settings and seed give the same plan.
 */
public final class FlowPlanner {

    /** Client ports: Linux's default ephemeral range. */
    static final int EPHEMERAL_LOW = 32768;
    static final int EPHEMERAL_HIGH = 60999;
    /** Ports that attackers and lost clients try. */
    static final int[] PROBED_PORTS = {22, 23, 21, 25, 110, 135, 139, 161, 389, 445, 1433, 1521, 3306, 3389, 5060,
        5432, 5900, 6379, 8443, 9200, 11211, 27017};

    private static final int ATTEMPTS_PER_FLOW = 2000;
    /** A service none of whose draws passed this many times is given up on. */
    private static final int FAILURES_BEFORE_GIVING_UP = 64;
    private static final int OUTSIDE_POOL = 256;
    private static final long NANOS = 1_000_000_000L;

    private final World world;
    private final GenSettings settings;
    private final SplittableRandom rnd;
    private final AddressRegistry addresses = new AddressRegistry();
    private final ExternalAddresses outside;
    private final List<Service> services;
    private final FlowCheck check;
    private final LongHashSet taken = new LongHashSet();
    private final FlowPlan plan;

    // Per service: how its draws went, and the outside hosts it has used so far.
    private final List<Integer> live = new ArrayList<>();
    private final int[] successes;
    private final int[] failures;
    private final List<List<Integer>> servicePools = new ArrayList<>();
    // Blocked attempts: ENIs and their addresses, outside hosts by family.
    private final List<NetworkInterface> enis;
    private final List<Integer> publicTargets = new ArrayList<>();
    private final List<Integer> outsideV4 = new ArrayList<>();
    private final List<Integer> outsideV6 = new ArrayList<>();

    private FlowPlanner(World world, GenSettings settings) {
        this.world = world;
        this.settings = settings;
        this.rnd = new SplittableRandom(settings.seed());
        this.outside = new ExternalAddresses(world);
        this.services = ServiceCatalog.of(world, addresses, outside, rnd);
        this.check = new FlowCheck(world, addresses);
        this.plan = new FlowPlan(settings, addresses);
        for (int i = 0; i < services.size(); i++) {
            live.add(i);
            servicePools.add(new ArrayList<>());
        }
        successes = new int[services.size()];
        failures = new int[services.size()];
        enis = new ArrayList<>();
        for (NetworkInterface eni : world.networkInterfaces().values()) {
            if (!eni.privateAddresses().isEmpty()) {
                enis.add(eni);
            }
            for (IpAddress a : eni.publicIps().keySet().stream().sorted().toList()) {
                publicTargets.add(addresses.id(a));
            }
            for (IpAddress a : eni.ipv6()) {
                publicTargets.add(addresses.id(a));
            }
        }
    }

    /**
     * Plans the flows of a capture of {@code world}.
     *
     * @throws IllegalArgumentException when the world cannot give what is asked (no accepted traffic,
     *                                  no way to block an attempt, too few packets for the flows); the
     *                                  message says which
     */
    public static FlowPlan plan(World world, GenSettings settings) {
        return new FlowPlanner(world, settings).run();
    }

    private FlowPlan run() {
        int flows = settings.flows();
        long packets = settings.packets();
        int blockedFlows;
        long blockedPackets;
        double share = settings.blockedShare();
        if (flows == 1) {
            blockedFlows = share >= 0.5 ? 1 : 0;
            blockedPackets = blockedFlows == 1 ? packets : 0;
        } else {
            blockedPackets = Math.round(packets * share);
            blockedFlows = (int) Math.round(flows * share);
            if (blockedPackets == 0) {
                blockedFlows = 0;
            } else if (blockedPackets == packets) {
                blockedFlows = flows;
            } else {
                blockedFlows = (int) Math.min(Math.max(blockedFlows, 1), Math.min(flows - 1, blockedPackets));
            }
        }
        boolean[] blocked = chooseBlocked(flows, blockedFlows);
        for (int i = 0; i < flows; i++) {
            if (blocked[i]) {
                drawBlocked(i);
            } else {
                drawAccepted(i);
            }
        }
        allocatePackets(blocked, packets - blockedPackets, blockedPackets);
        schedule();
        plan.flowChecks = check.checks();
        return plan;
    }

    private boolean[] chooseBlocked(int flows, int blockedFlows) {
        int[] order = new int[flows];
        for (int i = 0; i < flows; i++) {
            order[i] = i;
        }
        boolean[] blocked = new boolean[flows];
        for (int i = 0; i < blockedFlows; i++) {
            int j = i + rnd.nextInt(flows - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            blocked[order[i]] = true;
        }
        return blocked;
    }

    // ------------------------------------------------------------------ accepted flows

    private void drawAccepted(int i) {
        for (int attempt = 0; attempt < ATTEMPTS_PER_FLOW; attempt++) {
            if (live.isEmpty()) {
                throw new IllegalArgumentException(services.isEmpty()
                        ? "the world's security groups open no TCP, UDP or ICMP echo traffic to or from its ENIs: "
                            + "there is nothing to accept (use --blocked-share 1 for blocked attempts only)"
                        : "none of the " + services.size() + " services the security groups open passes the NACLs "
                            + "and the other end's groups both ways (e.g. " + services.get(0).origin() + ")");
            }
            int li = rnd.nextInt(live.size());
            int si = live.get(li);
            Service s = services.get(si);
            byte kind = switch (s.protocol()) {
                case Protocols.TCP -> rnd.nextInt(10) == 0 ? FlowShape.TCP_RST : FlowShape.TCP_FIN;
                case Protocols.UDP -> FlowShape.UDP;
                default -> FlowShape.ICMP_ECHO;
            };
            int c = s.externalClients() ? pooledOutside(servicePools.get(si), s.clientCidrs())
                    : s.clientAddrs().get(rnd.nextInt(s.clientAddrs().size()));
            int sv = s.externalServer() ? pooledOutside(servicePools.get(si), List.of(s.serverCidr()))
                    : s.serverAddrs().get(rnd.nextInt(s.serverAddrs().size()));
            if (c < 0 || sv < 0) {
                giveUp(li, si);
                continue;
            }
            int cport = kind == FlowShape.ICMP_ECHO ? rnd.nextInt(65536) : randomEphemeralPort();
            if (tryStore(i, kind, c, cport, sv, s.port())) {
                successes[si]++;
                return;
            }
            if (successes[si] == 0 && ++failures[si] >= FAILURES_BEFORE_GIVING_UP) {
                giveUp(li, si);
            }
        }
        throw new IllegalArgumentException("could not find " + settings.flows() + " distinct accepted flows in this world "
                + "(found " + i + "): ask for fewer --flows");
    }

    private void giveUp(int liveIndex, int service) {
        live.remove(liveIndex);
        failures[service] = Integer.MAX_VALUE;
    }

    /** An outside host for a service: a new one while the pool is small (now and then), else one it has used. */
    private int pooledOutside(List<Integer> pool, List<Cidr> cidrs) {
        if (pool.size() < OUTSIDE_POOL && (pool.isEmpty() || rnd.nextInt(4) == 0)) {
            IpAddress a = outside.draw(cidrs.get(rnd.nextInt(cidrs.size())), rnd);
            if (a != null) {
                int id = addresses.id(a);
                pool.add(id);
                return id;
            }
        }
        return pool.isEmpty() ? -1 : pool.get(rnd.nextInt(pool.size()));
    }

    // ------------------------------------------------------------------ blocked attempts

    private void drawBlocked(int i) {
        for (int attempt = 0; attempt < ATTEMPTS_PER_FLOW; attempt++) {
            int r = rnd.nextInt(10);
            byte kind = r < 8 ? FlowShape.BLOCKED_TCP : r == 8 ? FlowShape.BLOCKED_UDP : FlowShape.BLOCKED_ICMP;
            int port = PROBED_PORTS[rnd.nextInt(PROBED_PORTS.length)];
            int c;
            int sv;
            switch (rnd.nextInt(3)) {
                case 0 -> { // from the internet to a public address
                    if (publicTargets.isEmpty()) {
                        continue;
                    }
                    sv = publicTargets.get(rnd.nextInt(publicTargets.size()));
                    c = outsideHost(addresses.get(sv).family());
                }
                case 1 -> { // between two ENIs
                    if (enis.size() < 2) {
                        continue;
                    }
                    NetworkInterface a = enis.get(rnd.nextInt(enis.size()));
                    NetworkInterface b = enis.get(rnd.nextInt(enis.size()));
                    if (a == b) {
                        continue;
                    }
                    IpAddress ca = a.privateAddresses().get(rnd.nextInt(a.privateAddresses().size()));
                    List<IpAddress> bs = b.privateAddresses().stream().filter(x -> x.family() == ca.family()).toList();
                    if (bs.isEmpty()) {
                        continue;
                    }
                    c = addresses.id(ca);
                    sv = addresses.id(bs.get(rnd.nextInt(bs.size())));
                }
                default -> { // from an ENI to the internet
                    if (enis.isEmpty()) {
                        continue;
                    }
                    NetworkInterface a = enis.get(rnd.nextInt(enis.size()));
                    IpAddress ca = a.privateAddresses().get(rnd.nextInt(a.privateAddresses().size()));
                    c = addresses.id(ca);
                    sv = outsideHost(ca.family());
                }
            }
            if (c < 0 || sv < 0) {
                continue;
            }
            int cport = kind == FlowShape.BLOCKED_ICMP ? rnd.nextInt(65536) : randomEphemeralPort();
            if (tryStore(i, kind, c, cport, sv, port)) {
                return;
            }
        }
        throw new IllegalArgumentException("could not find a blocked attempt in this world after " + ATTEMPTS_PER_FLOW
                + " tries (its rules let everything through?): use --blocked-share 0");
    }

    private int outsideHost(int family) {
        List<Integer> pool = family == IpAddress.V4 ? outsideV4 : outsideV6;
        return pooledOutside(pool, List.of(family == IpAddress.V4 ? Cidr.ALL_V4 : Cidr.ALL_V6));
    }

    // ------------------------------------------------------------------ storing, counting, timing

    private int randomEphemeralPort() {
        return EPHEMERAL_LOW + rnd.nextInt(EPHEMERAL_HIGH - EPHEMERAL_LOW + 1);
    }

    /** Stores flow {@code i} when its 5-tuple is new (either way round) and it does what its kind says. */
    private boolean tryStore(int i, byte kind, int c, int cport, int sv, int sport) {
        if (c == sv) {
            return false;
        }
        boolean icmp = kind == FlowShape.ICMP_ECHO || kind == FlowShape.BLOCKED_ICMP;
        int protocol = icmp ? Protocols.ICMP : kind == FlowShape.UDP || kind == FlowShape.BLOCKED_UDP ? Protocols.UDP
                : Protocols.TCP;
        long key = tupleKey(protocol, c, cport, sv, icmp ? 0 : sport);
        if (taken.contains(key) || !check.passes(kind, c, cport, sv, sport)) {
            return false;
        }
        taken.add(key);
        plan.kind[i] = kind;
        plan.client[i] = c;
        plan.server[i] = sv;
        plan.clientPort[i] = cport;
        plan.serverPort[i] = sport;
        int maxPayload = addresses.get(c).isV4() ? 1460 : 1440;
        boolean tcp = kind == FlowShape.TCP_FIN || kind == FlowShape.TCP_RST;
        plan.request[i] = (short) (tcp ? 40 + rnd.nextInt(460) : kind == FlowShape.UDP ? 30 + rnd.nextInt(200) : 20 + rnd.nextInt(100));
        plan.response[i] = (short) Math.min(maxPayload, tcp ? 100 + rnd.nextInt(1360) : 50 + rnd.nextInt(1200));
        return true;
    }

    /** A 64-bit digest of a flow's protocol and two ends, the same whichever end is the client. */
    private static long tupleKey(int protocol, int a, int aPort, int b, int bPort) {
        long x = ((long) a << 16) | aPort;
        long y = ((long) b << 16) | bPort;
        long lo = Math.min(x, y);
        long hi = Math.max(x, y);
        return mix(mix(lo * 31 + protocol) ^ hi);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** Each flow gets its kind's minimum, then the rest of its group's packets by Zipf weight of its rank. */
    private void allocatePackets(boolean[] blocked, long acceptedPackets, long blockedPackets) {
        int n = plan.size;
        long[] minimum = new long[2];
        double[] weight = new double[2];
        int[] last = {-1, -1};
        for (int i = 0; i < n; i++) {
            int g = blocked[i] ? 1 : 0;
            minimum[g] += FlowShape.minPackets(plan.kind[i]);
            weight[g] += weight(i);
            last[g] = i;
        }
        long[] extra = {acceptedPackets - minimum[0], blockedPackets - minimum[1]};
        for (int g = 0; g < 2; g++) {
            if (extra[g] < 0) {
                throw new IllegalArgumentException(String.format(Locale.ROOT,
                        "--packets %d is too few for --flows %d: the %s flows need at least %d packets "
                            + "(a TCP conversation at least %d); ask for more packets or fewer flows",
                        settings.packets(), settings.flows(), g == 0 ? "accepted" : "blocked",
                        minimum[g] + (g == 0 ? blockedPackets : acceptedPackets), FlowShape.minPackets(FlowShape.TCP_RST)));
            }
        }
        double[] sum = new double[2];
        long[] given = new long[2];
        for (int i = 0; i < n; i++) {
            int g = blocked[i] ? 1 : 0;
            long share;
            if (i == last[g]) {
                share = extra[g] - given[g];
            } else {
                // Cumulative rounding: the running total is rounded, so the shares add up exactly.
                sum[g] += weight(i) / weight[g] * extra[g];
                share = Math.min(extra[g] - given[g], Math.max(0, Math.round(sum[g]) - given[g]));
            }
            given[g] += share;
            long total = FlowShape.minPackets(plan.kind[i]) + share;
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("one flow would carry more than " + Integer.MAX_VALUE
                        + " packets: ask for fewer --packets or a smaller --zipf");
            }
            plan.count[i] = (int) total;
        }
    }

    private double weight(int rank0) {
        return settings.zipf() == 0 ? 1.0 : Math.pow(rank0 + 1, -settings.zipf());
    }

    /**
     * Spaces each flow's packets evenly: 0.2 to 2 ms apart for conversations (well inside every
     * connection-tracking timeout), 0.5 to 3 s for the retries of blocked attempts, closer when the
     * flow would last more than half the capture (so that even the biggest flows start at different
     * times); and starts it at a random time that lets it end in time.
     */
    private void schedule() {
        long duration = Math.max(1, Math.round(settings.packets() / settings.rate() * NANOS));
        plan.durationNanos = duration;
        for (int i = 0; i < plan.size; i++) {
            long g = FlowShape.blocked(plan.kind[i]) ? NANOS / 2 + rnd.nextLong(5 * NANOS / 2)
                    : 200_000 + rnd.nextLong(1_800_000);
            long steps = plan.count[i] - 1L;
            if (steps > 0 && g * steps > duration / 2) {
                g = duration / 2 / steps;
            }
            plan.gap[i] = g;
            plan.start[i] = rnd.nextLong(duration - g * steps + 1);
        }
    }
}
