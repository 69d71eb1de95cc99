package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.packet.DecodedPacket;
import io.sgemu.dataplane.policy.Policy;

/**
 * Up to {@link #capacity()} packets for one worker, judged against one policy, and their verdicts.
 * Batches are made once and recycled between the dispatcher and a worker: a batch belongs to exactly
 * one thread at a time, handed over through single-producer single-consumer queues whose offer/poll
 * are release/acquire, so the plain fields here are seen whole by the next owner.
 */
final class PacketBatch {

    final int worker;
    final DecodedPacket[] packets;
    final long[] sequence;
    final long[] clock;
    /** The datagram slot of each packet ({@link FragmentTable}), or UNTRACKED / ORPHAN. */
    final int[] fragmentSlot;
    final int[] action;
    final int[] stage;
    final int[] reason;
    final int[] srcEni;
    final int[] dstEni;
    int size;
    /** The window of the dispatcher this batch belongs to (verdicts are merged window by window). */
    long window;
    /** The dispatcher's clock when the window ended: the worker's clock moves to it after the batch. */
    long windowClock;
    Policy policy;

    PacketBatch(int worker, int capacity) {
        this.worker = worker;
        packets = new DecodedPacket[capacity];
        for (int i = 0; i < capacity; i++) {
            packets[i] = new DecodedPacket();
        }
        sequence = new long[capacity];
        clock = new long[capacity];
        fragmentSlot = new int[capacity];
        action = new int[capacity];
        stage = new int[capacity];
        reason = new int[capacity];
        srcEni = new int[capacity];
        dstEni = new int[capacity];
    }

    int capacity() {
        return packets.length;
    }

    boolean full() {
        return size == packets.length;
    }

    void add(DecodedPacket d, long seq, long clockNanos, int fragment) {
        packets[size].copyFrom(d);
        sequence[size] = seq;
        clock[size] = clockNanos;
        fragmentSlot[size] = fragment;
        size++;
    }

    void record(int i, FastVerdict v) {
        action[i] = v.action;
        stage[i] = v.stage;
        reason[i] = v.reason;
        srcEni[i] = v.srcEni;
        dstEni[i] = v.dstEni;
    }

    void load(int i, FastVerdict v) {
        v.set(action[i], stage[i], reason[i], srcEni[i], dstEni[i]);
    }
}
