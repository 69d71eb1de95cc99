package io.sgemu.dataplane.flowlog;

/**
 * How ENIs, known on the fast path by their numbers, appear in flow-log records. Asked only when a record
 * is built (on the writer's thread, once per record), never per packet.
 *
 * <p>The compiled world answers it: {@code Policy::flowLogEni} has this shape, so {@code policy::flowLogEni}
 * is a {@code FlowLogEnis}.
 */
@FunctionalInterface
public interface FlowLogEnis {

    /** The ENI numbered {@code eni}, as its records print it. */
    FlowLogEni flowLogEni(int eni);
}
