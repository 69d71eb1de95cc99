package io.sgemu.control.ec2;

import io.sgemu.control.compile.PolicyCompiler;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The live world behind the EC2 API: applies one call at a time, atomically. A call's edit makes a new
 * world from the current one (or throws, changing nothing); the new world is compiled incrementally
 * against the previous snapshot and the snapshot is handed to the listener (a live dataplane's
 * {@code setPolicy}) before the call returns, so that an answered call is in force.
 *
 * <p>Writers are serialized (calls are rare); readers see the latest published world without locking.
 * Every security-group rule gets an {@code sgr-} id, since the API names rules by id: rules loaded
 * without one get theirs when the control plane starts.
 */
public final class ControlPlane {

    /** A world and its compiled policy, numbered from 1 in publication order. */
    public record Published(long version, World world, PolicySnapshot policy) {
    }

    private final PolicyCompiler compiler;
    private final String region;
    private final Consumer<? super PolicySnapshot> listener;
    private final IdGenerator ids;
    private volatile Published current;

    /**
     * @param region   the region flow logs print, or null to derive it from availability zones
     * @param listener receives each new snapshot (the first one too), on the writer's thread
     */
    public ControlPlane(World initial, String region, Consumer<? super PolicySnapshot> listener, IdGenerator ids) {
        this.compiler = new PolicyCompiler();
        this.region = region;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.ids = Objects.requireNonNull(ids, "ids");
        World w = withRuleIds(initial, null);
        PolicySnapshot p = compiler.compile(w, region, null);
        this.current = new Published(1, w, p);
        listener.accept(p);
    }

    public ControlPlane(World initial, String region, Consumer<? super PolicySnapshot> listener) {
        this(initial, region, listener, new IdGenerator());
    }

    /** The latest published world. */
    public World world() {
        return current.world();
    }

    public Published current() {
        return current;
    }

    public IdGenerator ids() {
        return ids;
    }

    /**
     * Applies {@code edit} to the current world and publishes the result. When the edit throws, nothing
     * changes and the exception propagates (the listener's too). An edit that returns the same world publishes nothing.
     *
     * @return the published world (after rule ids were given)
     */
    public synchronized World apply(UnaryOperator<World> edit) {
        Published before = current;
        World next = edit.apply(before.world());
        if (next == before.world()) {
            return next;
        }
        next = withRuleIds(next, before.world());
        PolicySnapshot p = compiler.compile(next, region, before.policy());
        // the listener first: when it refuses the snapshot (a dataplane sized for fewer ENIs), the call fails
        // and the world stays as it was, so that the API never describes what the dataplane does not enforce
        listener.accept(p);
        current = new Published(before.version() + 1, next, p);
        return next;
    }

    /**
     * Gives an id to every rule that lacks one. Groups that are the very objects of {@code previous} (which
     * went through here) are skipped, so that a call pays for the groups it changed, not for the world.
     */
    private World withRuleIds(World w, World previous) {
        // The groups the edit touched, when its with-steps lead back to the previous world; else all of them.
        List<World.Touch> changes = previous == null ? null : w.changesSince(previous, Integer.MAX_VALUE);
        Iterable<String> candidates = w.securityGroups().keySet();
        if (changes != null) {
            List<String> touched = new ArrayList<>();
            for (World.Touch t : changes) {
                if (t.kind() == World.Touch.Kind.SECURITY_GROUP) {
                    touched.add(t.id());
                }
            }
            candidates = touched;
        }
        World out = w;
        for (String id : candidates) {
            SecurityGroup g = w.securityGroups().get(id);
            if (g == null || (previous != null && previous.securityGroups().get(id) == g)) {
                continue;
            }
            if (allNamed(g.ingress()) && allNamed(g.egress())) {
                continue;
            }
            out = out.withSecurityGroup(new SecurityGroup(g.id(), g.name(), g.vpcId(), g.ownerId(), named(g.ingress()),
                    named(g.egress())));
        }
        return out;
    }

    private static boolean allNamed(List<SgRule> rules) {
        for (SgRule r : rules) {
            if (r.ruleId() == null) {
                return false;
            }
        }
        return true;
    }

    private List<SgRule> named(List<SgRule> rules) {
        List<SgRule> out = new ArrayList<>(rules.size());
        for (SgRule r : rules) {
            out.add(r.ruleId() != null ? r : new SgRule(ids.next("sgr"), r.egress(), r.protocol(), r.fromPort(),
                    r.toPort(), r.peer(), r.description(), r.index()));
        }
        return out;
    }
}
