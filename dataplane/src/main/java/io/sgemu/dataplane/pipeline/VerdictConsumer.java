package io.sgemu.dataplane.pipeline;

import io.sgemu.dataplane.packet.DecodedPacket;

/**
 * Receives every packet's verdict in input order (by sequence), on the thread that feeds the pipeline.
 * The packet and verdict objects are reused: copy what must outlive the call.
 */
public interface VerdictConsumer {

    void verdict(long sequence, DecodedPacket packet, FastVerdict verdict);
}
