/**
 * Connection tracking for the fast dataplane (SEMANTICS.md section 3), with the answers of the reference's
 * {@code TrackedConnection} and {@code ConnTrackTable}.
 *
 * <p>One {@link io.sgemu.dataplane.conntrack.ConnTrackTable} is shared by every worker: fixed 64-byte slots
 * off the heap ({@link io.sgemu.dataplane.conntrack.ConnTrackSlotLayout}), claimed by CAS, and per-ENI counts.
 * Each worker thread works through its own {@link io.sgemu.dataplane.conntrack.ConnTrackWorker}: lookup,
 * update, insert, the exact count for the allowance, and expiry by a per-worker timer wheel threaded through
 * the slots ({@code ExpirySchedule}). The timeouts come from a
 * {@link io.sgemu.dataplane.conntrack.ConnTrackTimeouts} (the compiled policy) at the time of looking.
 */
package io.sgemu.dataplane.conntrack;
