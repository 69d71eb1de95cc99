package io.sgemu.control.replay;

/**
 * Where a replay copies the frames it accepted and the frames it rejected (either may be null).
 * Skipped frames go to neither. The caller creates and closes the outputs.
 */
public record FrameOutputs(CaptureOutput accepted, CaptureOutput rejected) {

    public static final FrameOutputs NONE = new FrameOutputs(null, null);

    public boolean any() {
        return accepted != null || rejected != null;
    }

    /** The output for a verdict's action (0 ACCEPT, 1 REJECT, 2 SKIP), or null. */
    CaptureOutput forAction(int action) {
        return switch (action) {
            case 0 -> accepted;
            case 1 -> rejected;
            default -> null;
        };
    }

    void linkTypeSeen(int linkType) {
        if (accepted != null) {
            accepted.linkTypeSeen(linkType);
        }
        if (rejected != null) {
            rejected.linkTypeSeen(linkType);
        }
    }
}
