package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.dataplane.pipeline.FragmentTable;

/**
 * Settings of one evaluation run.
 *
 * @param tcpCloseLingerSeconds how long a TCP entry lingers after an RST, or FIN both ways, before it is
 *                              removed (SEMANTICS.md section 3; default 5)
 * @param region                the region printed in flow logs; null derives it from the logging ENI's
 *                              subnet availability zone ({@code us-east-1a -> us-east-1})
 * @param fragmentTimeoutSeconds how long a datagram's first fragment is remembered for its later fragments
 *                              (default 30, the timeout of Linux's reassembly)
 * @param fragmentTableSize     how many datagrams are remembered at once (default 65536); a first fragment
 *                              that finds the table full is not remembered
 */
public record EvaluatorSettings(int tcpCloseLingerSeconds, String region, int fragmentTimeoutSeconds,
                                int fragmentTableSize) {

    public static final int DEFAULT_FRAGMENT_TIMEOUT_SECONDS =
            (int) (FragmentTable.DEFAULT_TIMEOUT_NANOS / 1_000_000_000L);

    public static final EvaluatorSettings DEFAULT = new EvaluatorSettings(ConnTrackConfig.DEFAULT_TCP_CLOSE_LINGER, null,
            DEFAULT_FRAGMENT_TIMEOUT_SECONDS, FragmentTable.DEFAULT_CAPACITY);

    public EvaluatorSettings {
        if (tcpCloseLingerSeconds < 0) {
            throw new IllegalArgumentException("TCP close linger must not be negative: " + tcpCloseLingerSeconds);
        }
        if (fragmentTimeoutSeconds < 1) {
            throw new IllegalArgumentException("fragment timeout must be at least 1 second: " + fragmentTimeoutSeconds);
        }
        if (fragmentTableSize < 1) {
            throw new IllegalArgumentException("fragment table size must be at least 1: " + fragmentTableSize);
        }
    }

    public EvaluatorSettings withTcpCloseLingerSeconds(int seconds) {
        return new EvaluatorSettings(seconds, region, fragmentTimeoutSeconds, fragmentTableSize);
    }

    public EvaluatorSettings withRegion(String r) {
        return new EvaluatorSettings(tcpCloseLingerSeconds, r, fragmentTimeoutSeconds, fragmentTableSize);
    }

    public EvaluatorSettings withFragments(int timeoutSeconds, int tableSize) {
        return new EvaluatorSettings(tcpCloseLingerSeconds, region, timeoutSeconds, tableSize);
    }

    public long fragmentTimeoutNanos() {
        return fragmentTimeoutSeconds * 1_000_000_000L;
    }
}
