package io.sgemu.control.reference;

/** Port and ICMP type/code matching shared by security-group rules and NACL entries. */
final class PortMatch {

    static final int MAX_PORT = 65_535;

    private PortMatch() {
    }

    /**
     * True when {@code port} lies in {@code from..to}. A bound of {@code -1} is open (the EC2 API's
     * "all" for an absent bound). Decision: a packet without a port (a later fragment, port -1) matches
     * only a range that covers every port, since nothing narrower can be shown to hold for it.
     */
    static boolean portIn(int from, int to, int port) {
        int lo = from < 0 ? 0 : from;
        int hi = to < 0 ? MAX_PORT : to;
        if (port < 0) {
            return lo == 0 && hi >= MAX_PORT;
        }
        return port >= lo && port <= hi;
    }

    static boolean coversAllPorts(int from, int to) {
        return (from <= 0) && (to < 0 || to >= MAX_PORT);
    }

    /**
     * Security-group ICMP matching (SEMANTICS.md section 2): type {@code -1} with code {@code -1} is any
     * message; type {@code -1} with a specific code matches nothing; a specific type matches that type
     * with any code ({@code -1}) or that code.
     */
    static boolean sgIcmp(int ruleType, int ruleCode, int type, int code) {
        if (ruleType == -1) {
            return ruleCode == -1;
        }
        return type == ruleType && (ruleCode == -1 || code == ruleCode);
    }

    /**
     * NACL ICMP matching. Decision (SEMANTICS.md is silent): type {@code -1} means every message whatever
     * the code, as the EC2 console writes "All ICMP" entries; a specific type matches that type with any
     * code ({@code -1}) or that code.
     */
    static boolean naclIcmp(int ruleType, int ruleCode, int type, int code) {
        if (ruleType == -1) {
            return true;
        }
        return type == ruleType && (ruleCode == -1 || code == ruleCode);
    }
}
