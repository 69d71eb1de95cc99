package io.sgemu.control.replay;

import io.sgemu.dataplane.capture.CapturedFrame;

/**
 * Copies of the frames the fast dataplane still has in flight, so that a verdict delivered after the
 * reader has moved on can still write its frame's bytes. The reader {@link #keep keeps} every frame
 * before submitting it; {@link #delivered} marks verdicts as they come back (both on the reading
 * thread, so no synchronisation). A slot is reused only once its frame's verdict was delivered: when the
 * ring would overwrite a frame still in flight it doubles instead, so it settles at the pipeline's
 * depth without knowing it, and allocates nothing per frame after that (slot arrays grow only for a
 * frame longer than any before in that slot).
 */
final class FrameRing {

    private long[] frameNumber;
    private long[] timeNanos;
    private int[] linkType;
    private int[] capturedLength;
    private int[] originalLength;
    private byte[][] bytes;
    private int mask;
    /** Highest frame number whose verdict was delivered (verdicts come in capture order). */
    private long delivered;

    FrameRing(int initialCapacity) {
        int capacity = Integer.highestOneBit(Math.max(16, initialCapacity - 1) << 1);
        allocate(capacity);
    }

    private void allocate(int capacity) {
        frameNumber = new long[capacity];
        timeNanos = new long[capacity];
        linkType = new int[capacity];
        capturedLength = new int[capacity];
        originalLength = new int[capacity];
        bytes = new byte[capacity][];
        mask = capacity - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /** Copies the frame (its number must be above every number kept before). */
    void keep(CapturedFrame f) {
        int slot = (int) (f.frameNumber & mask);
        if (frameNumber[slot] > delivered) {
            grow();
            slot = (int) (f.frameNumber & mask);
        }
        frameNumber[slot] = f.frameNumber;
        timeNanos[slot] = f.timeNanos;
        linkType[slot] = f.linkType;
        capturedLength[slot] = f.capturedLength;
        originalLength[slot] = f.originalLength;
        byte[] b = bytes[slot];
        if (b == null || b.length < f.capturedLength) {
            b = new byte[Math.max(2048, f.capturedLength)];
            bytes[slot] = b;
        }
        f.buffer.getBytes(f.offset, b, 0, f.capturedLength);
    }

    /** Marks the verdict of {@code number} (and so of every frame before it) delivered. */
    void delivered(long number) {
        if (number > delivered) {
            delivered = number;
        }
    }

    /** Writes the kept copy of frame {@code number} to {@code out}. */
    void writeTo(long number, CaptureOutput out) throws java.io.IOException {
        int slot = (int) (number & mask);
        if (frameNumber[slot] != number) {
            throw new IllegalStateException("frame " + number + " is no longer kept (slot holds "
                    + frameNumber[slot] + ")");
        }
        out.write(number, linkType[slot], timeNanos[slot], bytes[slot], 0, capturedLength[slot], originalLength[slot]);
    }

    /** Doubles the ring, moving every kept frame to its slot in the larger one. */
    private void grow() {
        long[] fn = frameNumber;
        long[] tn = timeNanos;
        int[] lt = linkType;
        int[] cl = capturedLength;
        int[] ol = originalLength;
        byte[][] by = bytes;
        allocate(fn.length * 2);
        for (int i = 0; i < fn.length; i++) {
            if (fn[i] == 0) {
                continue;
            }
            int slot = (int) (fn[i] & mask);
            frameNumber[slot] = fn[i];
            timeNanos[slot] = tn[i];
            linkType[slot] = lt[i];
            capturedLength[slot] = cl[i];
            originalLength[slot] = ol[i];
            bytes[slot] = by[i];
        }
    }
}
