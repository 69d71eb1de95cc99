/**
 * Generates test material. Worlds ({@code sgemu gen world}): {@link io.sgemu.control.gen.ClassBenchWorldGenerator}
 * turns a ClassBench filter set into security groups and a network ACL, {@link io.sgemu.control.gen.AwsWorldGenerator}
 * builds three-tier VPCs at any scale; both are seeded and deterministic, and
 * {@link io.sgemu.control.aws.WorldJsonWriter} writes them as AWS CLI describe output.
 *
 * <p>Traffic ({@code sgemu gen capture}): conversations between the world's
 * ENIs and with outside hosts on the ports their security groups open, plus blocked attempts, with
 * Zipf-distributed flow sizes, streamed to a pcap or pcapng file in bounded memory.
 *
 * <p>Every flow is checked against the reference evaluator before it is written: an accepted flow's
 * packets all pass it, a blocked attempt's packets are all rejected, so a replay of the capture rejects
 * (about) the share of packets that was asked for.
 */
package io.sgemu.control.gen;
