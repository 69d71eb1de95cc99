package io.sgemu.control.fuzz;

/**
 * A crash (an exception outside the target's error contract, or an Error), a hang (one input taking
 * longer than the watchdog allows) or an unbounded allocation (one input allocating more than the bound).
 *
 * @param signature the kind, the exception's class and its top frames: findings with the same signature
 *                  are taken as the same bug
 * @param index     the input's number in the run (with the seed it regenerates the input)
 * @param detail    the stack trace, or the hung thread's stack
 */
public record Finding(Kind kind, String target, String signature, long index, byte[] input, String detail) {

    public enum Kind { CRASH, HANG, ALLOCATION }
}
