package io.sgemu.bench.report;

/**
 * One axis of a sweep as its CSV names it: {@code <label> (<unit>) [log]}.
 *
 * @param label what is measured along the axis
 * @param unit  its unit, empty when the line gave none
 * @param log   whether the axis is log10
 */
public record AxisSpec(String label, String unit, boolean log) {

    /** Parses {@code live entries (entries) log}; returns null when the text is not of that form. */
    static AxisSpec parse(String text) {
        String t = text.strip();
        boolean log = false;
        if (t.equals("log") || t.endsWith(" log") || t.endsWith(")log")) {
            log = true;
            t = t.substring(0, t.length() - 3).strip();
        }
        String unit = "";
        if (t.endsWith(")")) {
            int open = t.lastIndexOf('(');
            if (open < 0) {
                return null;
            }
            unit = t.substring(open + 1, t.length() - 1).strip();
            t = t.substring(0, open).strip();
        }
        if (t.isEmpty()) {
            return null;
        }
        return new AxisSpec(t, unit, log);
    }

    /** The axis caption: {@code label (unit)}. */
    public String caption() {
        return unit.isEmpty() ? label : label + " (" + unit + ")";
    }
}
