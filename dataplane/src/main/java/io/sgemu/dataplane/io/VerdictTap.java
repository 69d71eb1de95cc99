package io.sgemu.dataplane.io;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.pipeline.FastVerdict;
import io.sgemu.dataplane.policy.Policy;

/**
 * Sees every verdict a live worker gives, on that worker's thread, right after the packet is judged: for
 * tests that check each verdict against the policy it was judged by while policies change under load
 * ({@link LiveConfig#verdictTap}). None by default; when absent the worker pays one null check per packet.
 *
 * <p>The packet and the verdict are the worker's own, reused for the next datagram: copy what you keep.
 * The tap runs on the hot path: a slow tap slows the worker (and a full ring then drops datagrams).
 */
@FunctionalInterface
public interface VerdictTap {

    /**
     * @param worker   the worker's index
     * @param sequence the datagram's place among those this worker judged, from 0 (with one event loop and
     *                 one worker, the order of arrival)
     * @param policy   the policy the packet was judged against (the worker's policy of this batch)
     * @param packet   the decoded packet; its {@code timeNanos} is the receive time it was judged at
     * @param verdict  action, stage, reason and ENI numbers (of {@code policy})
     */
    void judged(int worker, long sequence, Policy policy, DecodedPacket packet, FastVerdict verdict);
}
