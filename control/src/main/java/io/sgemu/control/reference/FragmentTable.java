package io.sgemu.control.reference;

import io.sgemu.dataplane.net.IpAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The datagrams whose first fragment the reference has judged, so their later fragments get its verdict.
 * The rules are the fast path's ({@code io.sgemu.dataplane.pipeline.FragmentTable}), read plainly: an
 * entry lives {@code timeout} from its first fragment (later fragments do not extend it; a new first
 * fragment of the same datagram starts it afresh); at most {@code capacity} live entries, and a first
 * fragment that finds the table full is not remembered (nothing is evicted).
 */
final class FragmentTable {

    /** A datagram: both addresses as the packet carries them, the protocol and the identification. */
    record Key(IpAddress src, IpAddress dst, int protocol, long id) {
    }

    /** The first fragment's verdict (with its flow-log observations) and the stage decisions it was counted at. */
    record First(long seenNanos, Verdict verdict, List<StageDecision> counted) {
    }

    private final int capacity;
    private final long timeoutNanos;
    /** In the order entries were (re)started, which is the order they expire in: the clock never goes back. */
    private final LinkedHashMap<Key, First> entries = new LinkedHashMap<>();

    FragmentTable(int capacity, long timeoutNanos) {
        this.capacity = capacity;
        this.timeoutNanos = timeoutNanos;
    }

    /** Remembers a first fragment judged at {@code nowNanos}; false when the table is full. */
    boolean remember(Key key, First first, long nowNanos) {
        expire(nowNanos);
        if (entries.remove(key) == null && entries.size() >= capacity) {
            return false;
        }
        entries.put(key, first);
        return true;
    }

    /** The first fragment of the datagram, or null (never seen, expired, or not remembered). */
    First lookup(Key key, long nowNanos) {
        expire(nowNanos);
        return entries.get(key);
    }

    private void expire(long nowNanos) {
        Iterator<First> it = entries.values().iterator();
        while (it.hasNext()) {
            First f = it.next();
            if (nowNanos - f.seenNanos() < timeoutNanos) {
                return;
            }
            it.remove();
        }
    }
}
