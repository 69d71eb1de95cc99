package io.sgemu.control.reference;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A snapshot of one ENI's counters: per stage met on this ENI, the packets and bytes it accepted and
 * rejected; the tracked-connection allowance (ENA's {@code conntrack_allowance_exceeded} and
 * {@code conntrack_allowance_available}); and the number of tracked connections now.
 *
 * <p>A packet refused by the allowance counts as accepted by its SG stage (a rule allowed it) and
 * rejected by {@link Stage#CONNTRACK_ALLOWANCE}. Skipped packets (reserved addresses) are not counted.
 *
 * @param conntrackAllowanceAvailable headroom now: allowance minus tracked connections; {@code -1} when
 *                                    the ENI has no allowance (unlimited)
 */
public record EniCounters(String eniId, Map<Stage, StageCounts> stages, long conntrackAllowanceExceeded,
                          long conntrackAllowanceAvailable, int trackedConnections) {

    /** Packets and bytes one stage accepted and rejected. */
    public record StageCounts(long acceptedPackets, long acceptedBytes, long rejectedPackets, long rejectedBytes) {
        public static final StageCounts ZERO = new StageCounts(0, 0, 0, 0);

        StageCounts plus(boolean accepted, long bytes) {
            return accepted
                    ? new StageCounts(acceptedPackets + 1, acceptedBytes + bytes, rejectedPackets, rejectedBytes)
                    : new StageCounts(acceptedPackets, acceptedBytes, rejectedPackets + 1, rejectedBytes + bytes);
        }
    }

    public EniCounters {
        EnumMap<Stage, StageCounts> all = new EnumMap<>(Stage.class);
        for (Stage s : Stage.values()) {
            all.put(s, stages.getOrDefault(s, StageCounts.ZERO));
        }
        stages = Collections.unmodifiableMap(all);
    }

    public StageCounts stage(Stage s) {
        return stages.get(s);
    }

    public long acceptedPackets(Stage s) {
        return stage(s).acceptedPackets();
    }

    public long acceptedBytes(Stage s) {
        return stage(s).acceptedBytes();
    }

    public long rejectedPackets(Stage s) {
        return stage(s).rejectedPackets();
    }

    public long rejectedBytes(Stage s) {
        return stage(s).rejectedBytes();
    }
}
