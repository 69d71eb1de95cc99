package io.sgemu.dataplane.conntrack;

import static io.sgemu.dataplane.conntrack.ConnTrackWorker.ACK;
import static io.sgemu.dataplane.conntrack.ConnTrackWorker.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** An operator's flush and listing of one ENI's tracked connections, on the owner's thread. */
class ConnTrackFlushTest {

    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_700_000_000L * S;

    private final ConnTrackTable table = new ConnTrackTable(1024, 5 * S, 4);
    private final ConnTrackWorker worker = table.newWorker();
    private final ConnTrackWorker other = table.newWorker();
    private final MutableTimeouts timeouts = new MutableTimeouts(4);

    private static final Flow SSH = Flow.of(6, "10.0.1.10", 40000, "10.0.2.20", 22);
    private static final Flow DNS = Flow.of(17, "10.0.2.20", 53000, "10.0.0.2", 53);

    @Test
    void flushRemovesOnlyThatEnisEntriesOfThisWorker() {
        SSH.insert(worker, 0, SYN, T0);
        DNS.insert(worker, 0, -1, T0);
        int kept = SSH.insert(worker, 1, SYN, T0);
        Flow.of(6, "10.0.3.1", 1000, "10.0.3.2", 80).insert(other, 0, SYN, T0);
        assertThat(table.entries(0)).isEqualTo(3);

        assertThat(worker.removeEni(0)).isEqualTo(2);

        assertThat(table.entries(0)).isEqualTo(1); // the other worker's entry stays until its own flush
        assertThat(SSH.reverse().lookup(worker, 0, T0 + 1, timeouts)).isEqualTo(-1);
        assertThat(DNS.reverse().lookup(worker, 0, T0 + 1, timeouts)).isEqualTo(-1);
        assertThat(SSH.reverse().lookup(worker, 1, T0 + 1, timeouts)).isEqualTo(kept);
        assertThat(other.removeEni(0)).isEqualTo(1);
        assertThat(table.entries(0)).isZero();
    }

    @Test
    void flushedEntriesLeaveTheExpiryScheduleConsistent() {
        SSH.insert(worker, 0, SYN, T0);
        worker.removeEni(0);
        // a new entry for the same flow can be made, and expires on time, after the flush
        int slot = SSH.insert(worker, 0, SYN, T0 + S);
        assertThat(slot).isNotNegative();
        worker.expireAll(T0 + 3600 * S, timeouts);
        assertThat(table.entries(0)).isZero();
        assertThat(worker.listedEntries()).isZero();
    }

    @Test
    void listingNamesOriginReplyAndState() {
        int slot = SSH.insert(worker, 0, SYN, T0);
        SSH.reverse().packet(worker, 0, SYN | ACK, T0 + 1, timeouts);
        SSH.packet(worker, 0, ACK, T0 + 2, timeouts);
        DNS.insert(worker, 1, -1, T0);

        List<TrackedEntry> entries = worker.entriesOf(0, 10);

        assertThat(entries).hasSize(1);
        TrackedEntry e = entries.get(0);
        assertThat(e.protocol()).isEqualTo(6);
        assertThat(e.originAddress()).hasToString("10.0.1.10");
        assertThat(e.originPort()).isEqualTo(40000);
        assertThat(e.replyAddress()).hasToString("10.0.2.20");
        assertThat(e.replyPort()).isEqualTo(22);
        assertThat(e.state()).isEqualTo("established");
        assertThat(e.lastSeenNanos()).isEqualTo(worker.lastSeenNanos(slot));
        // the origin is the creating packet's sender even when it is the higher end of the key
        assertThat(worker.entriesOf(1, 10)).singleElement().satisfies(d -> {
            assertThat(d.originAddress()).hasToString("10.0.2.20");
            assertThat(d.replyPort()).isEqualTo(53);
            assertThat(d.state()).isEqualTo("new");
        });
        assertThat(worker.entriesOf(0, 0)).isEmpty();
    }
}
