package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * The tracked connections of one ENI. Expiry is lazy: an expired entry is treated as absent when it is
 * looked up and removed when the table is purged (before counting, and from time to time to bound
 * memory). Since expiry depends only on the entry, the clock and the configuration, when it is removed
 * never changes a verdict.
 */
final class ConnTrackTable {

    private final Map<FlowKey, TrackedConnection> entries = new HashMap<>();

    /** The live entry of the flow, or null (an expired entry is removed). */
    TrackedConnection lookup(FlowKey key, long nowNanos, ConnTrackConfig cfg, long lingerNanos) {
        TrackedConnection c = entries.get(key);
        if (c != null && c.expired(nowNanos, cfg, lingerNanos)) {
            entries.remove(key);
            return null;
        }
        return c;
    }

    void put(FlowKey key, TrackedConnection c) {
        entries.put(key, c);
    }

    void purge(long nowNanos, ConnTrackConfig cfg, long lingerNanos) {
        entries.values().removeIf(c -> c.expired(nowNanos, cfg, lingerNanos));
    }

    /** The number of live entries now. */
    int size(long nowNanos, ConnTrackConfig cfg, long lingerNanos) {
        purge(nowNanos, cfg, lingerNanos);
        return entries.size();
    }
}
