package io.sgemu.control.diff;

import io.sgemu.control.reference.Verdict;

/** How many packets one world accepted, rejected and skipped (of a flow, or of the whole traffic). */
public final class VerdictCounts {
    long accepted;
    long rejected;
    long skipped;

    void count(Verdict v) {
        switch (v.action()) {
            case ACCEPT -> accepted++;
            case REJECT -> rejected++;
            default -> skipped++;
        }
    }

    public long accepted() {
        return accepted;
    }

    public long rejected() {
        return rejected;
    }

    public long skipped() {
        return skipped;
    }

    @Override
    public String toString() {
        return accepted + " accepted, " + rejected + " rejected" + (skipped > 0 ? ", " + skipped + " skipped" : "");
    }
}
