package io.sgemu.control.reference;

import io.sgemu.control.model.ConnTrackConfig;

/**
 * Settings of one evaluation run.
 *
 * @param tcpCloseLingerSeconds how long a TCP entry lingers after an RST, or FIN both ways, before it is
 *                              removed (SEMANTICS.md section 3; default 5)
 * @param region                the region printed in flow logs; null derives it from the logging ENI's
 *                              subnet availability zone ({@code us-east-1a -> us-east-1})
 */
public record EvaluatorSettings(int tcpCloseLingerSeconds, String region) {

    public static final EvaluatorSettings DEFAULT = new EvaluatorSettings(ConnTrackConfig.DEFAULT_TCP_CLOSE_LINGER, null);

    public EvaluatorSettings {
        if (tcpCloseLingerSeconds < 0) {
            throw new IllegalArgumentException("TCP close linger must not be negative: " + tcpCloseLingerSeconds);
        }
    }

    public EvaluatorSettings withTcpCloseLingerSeconds(int seconds) {
        return new EvaluatorSettings(seconds, region);
    }

    public EvaluatorSettings withRegion(String r) {
        return new EvaluatorSettings(tcpCloseLingerSeconds, r);
    }
}
