package io.sgemu.control.ec2;

import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The control plane's listener for a live dataplane: hands each new snapshot over and returns once every
 * worker judges by it (or the timeout passed), so that an answered call is in force. Snapshots made before
 * a dataplane is {@linkplain #attach attached} (the first one, which starts it) are not handed over.
 */
public final class DataplaneHandOver implements Consumer<PolicySnapshot> {

    private static final long TIMEOUT_SECONDS = 5;

    /** Set once the dataplane runs; read on the control plane's writer thread (a volatile load). */
    private final AtomicReference<LiveDataplane> running = new AtomicReference<>();

    public void attach(LiveDataplane live) {
        running.set(live);
    }

    @Override
    public void accept(PolicySnapshot p) {
        LiveDataplane l = running.get();
        if (l == null) {
            return;
        }
        l.setPolicy(p); // may refuse (a dataplane sized for fewer ENIs): the call then fails and nothing changes
        try {
            l.awaitPolicy(p, TIMEOUT_SECONDS, TimeUnit.SECONDS); // idle workers are woken: this takes microseconds
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
