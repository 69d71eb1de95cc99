/**
 * A seeded mutational fuzzer of every parser of untrusted input (packet headers, capture files, AWS
 * worlds, change lines, flow logs, EC2 Query requests): {@link io.sgemu.control.fuzz.FuzzCampaign} runs a
 * {@link io.sgemu.control.fuzz.FuzzTarget} over mutants of its seeds and reports crashes, hangs and
 * unbounded allocation. It lives beside the code it exercises so that both the tests and the bench's
 * command-line fuzzer use it; nothing on the packet path depends on it.
 */
package io.sgemu.control.fuzz;
