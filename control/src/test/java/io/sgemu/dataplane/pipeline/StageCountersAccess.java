package io.sgemu.dataplane.pipeline;

/** Lets control's tests count into {@link StageCounters} as a worker would (its counting methods are the pipeline's). */
public final class StageCountersAccess {

    private StageCountersAccess() {
    }

    public static void stage(StageCounters c, int eni, int stage, boolean accepted, int bytes) {
        c.stage(eni, stage, accepted, bytes);
    }

    public static void allowanceExceeded(StageCounters c, int eni) {
        c.countAllowanceExceeded(eni);
    }

    public static void tableFull(StageCounters c, int eni) {
        c.countTableFull(eni);
    }
}
