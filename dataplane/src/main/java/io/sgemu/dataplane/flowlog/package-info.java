/**
 * VPC flow logs, the record side (SEMANTICS.md section 6).
 *
 * <p>The pipeline hands one {@link io.sgemu.dataplane.flowlog.FlowObservation} per packet and logging ENI to a
 * {@link io.sgemu.dataplane.flowlog.FlowLogAggregator}, which sums them into
 * {@link io.sgemu.dataplane.flowlog.FlowLogRecord}s per key and aggregation interval and gives each closed
 * interval's records to a {@link io.sgemu.dataplane.flowlog.FlowLogSink}: a
 * {@link io.sgemu.dataplane.flowlog.FlowLogTextWriter} (a file or stdout) or an
 * {@link io.sgemu.dataplane.flowlog.S3LayoutWriter} (gzip objects laid out as S3 delivery lays them out).
 * A {@link io.sgemu.dataplane.flowlog.FlowLogFormat} prints a record as one line in AWS's default or a custom
 * format; a {@link io.sgemu.dataplane.flowlog.FlowLogParser} reads such lines back.
 *
 * <p>The fast path aggregates without allocating per packet: one
 * {@link io.sgemu.dataplane.flowlog.FastFlowLogAggregator} per worker thread, fed primitives, writes each closed
 * interval's records as fixed messages ({@link io.sgemu.dataplane.flowlog.FlowLogMessages}) into an Agrona
 * many-to-one ring; one {@link io.sgemu.dataplane.flowlog.FlowLogWriterAgent} merges them, in the reference's
 * order, into a sink. ENIs are numbers there, named through {@link io.sgemu.dataplane.flowlog.FlowLogEnis}.
 *
 * <p>Decisions where AWS is silent are stated on the class that makes them: the aggregation key, the clock and
 * late observations, emission order, SKIPDATA and NODATA ({@code FlowLogAggregator}); capacity per worker and
 * back-pressure on the fast path ({@code FastFlowLogAggregator}); which records share an S3 object and the hash
 * in its name ({@code S3LayoutWriter}); whitespace in parsed lines ({@code FlowLogParser}).
 */
package io.sgemu.dataplane.flowlog;
