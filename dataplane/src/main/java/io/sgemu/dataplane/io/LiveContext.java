package io.sgemu.dataplane.io;

import io.sgemu.dataplane.policy.Policy;

/** What the receive handlers and workers ask of the dataplane that runs them (both answers are volatile loads). */
interface LiveContext {

    /** The policy in force now. */
    Policy policy();

    /** Whether the flow-log writer has failed: a worker then stops waiting for room in its ring. */
    boolean flowLogWriterFailed();
}
