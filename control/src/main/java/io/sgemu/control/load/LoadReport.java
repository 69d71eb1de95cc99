package io.sgemu.control.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a load did: packets sent and the rate achieved, and, when it listened, packets returned, lost and the
 * round-trip latency (from each packet's due time: fixed-rate loads are measured without coordinated omission).
 *
 * @param target          the target URI
 * @param packets         distinct IP packets the load cycled over
 * @param frames          frames read from the source
 * @param skipped         frames not sent, by reason
 * @param scheduled       packets the schedule held (-1 when sending flat out for a duration)
 * @param sent            datagrams sent
 * @param sendErrors      sends that failed
 * @param seconds         from the first due time to the last send
 * @param late            paced: packets sent more than 1 ms after their due time (each burst of catching up);
 *                        -1 flat out
 * @param maxLateMicros   paced: the most a packet was late, in microseconds; 0 flat out
 * @param listened        whether returned packets were counted (the fields below are 0 otherwise)
 * @param returned        returned datagrams that carried an IP packet
 * @param lost            sent - returned (0 when more came back than went)
 * @param unmatched       returned packets that matched no outstanding packet (duplicates, reused tags)
 * @param foreign         datagrams received that did not open to an IP packet
 * @param latencyCount    round trips measured
 * @param latencyMicros   p50, p90, p99, p99.9, max in microseconds (empty when none was measured)
 */
public record LoadReport(String target, int packets, long frames, Map<String, Long> skipped, long scheduled,
                         long sent, long sendErrors, double seconds, long late, double maxLateMicros,
                         boolean listened, long returned, long lost,
                         long unmatched, long foreign, long latencyCount, Map<String, Double> latencyMicros,
                         String firstSendError) {

    /** Packets per second achieved. */
    public double rate() {
        return seconds > 0 ? sent / seconds : 0;
    }

    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "target            %s%n", target));
        sb.append(String.format(Locale.ROOT, "packets           %d distinct (from %d frames; skipped %d%s)%n", packets,
                frames, skipped.values().stream().mapToLong(Long::longValue).sum(), skipped.isEmpty() ? "" : " " + skipped));
        sb.append(String.format(Locale.ROOT, "sent              %d in %.3f s = %.0f packets/s%s%n", sent, seconds, rate(),
                sendErrors == 0 ? "" : " (" + sendErrors + " send errors, first: " + firstSendError + ")"));
        if (late >= 0) {
            sb.append(String.format(Locale.ROOT, "late              %d sent over 1 ms after their due time (most: %.1f ms)%n",
                    late, maxLateMicros / 1e3));
        }
        if (listened) {
            sb.append(String.format(Locale.ROOT, "returned          %d (lost %d, %.3f%%; unmatched %d; foreign %d)%n",
                    returned, lost, sent == 0 ? 0.0 : 100.0 * lost / sent, unmatched, foreign));
            if (latencyCount > 0) {
                sb.append(String.format(Locale.ROOT,
                        "latency (us)      p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  (%d measured)%n",
                        latencyMicros.get("p50"), latencyMicros.get("p90"), latencyMicros.get("p99"),
                        latencyMicros.get("p99.9"), latencyMicros.get("max"), latencyCount));
            } else {
                sb.append("latency (us)      none measured\n");
            }
        }
        return sb.toString();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        m.put("packets", packets);
        m.put("frames", frames);
        m.put("skipped", skipped);
        m.put("scheduled", scheduled);
        m.put("sent", sent);
        m.put("sendErrors", sendErrors);
        m.put("seconds", seconds);
        m.put("rate", rate());
        if (late >= 0) {
            m.put("late", late);
            m.put("maxLateMicros", maxLateMicros);
        }
        if (listened) {
            m.put("returned", returned);
            m.put("lost", lost);
            m.put("unmatched", unmatched);
            m.put("foreign", foreign);
            m.put("latencyCount", latencyCount);
            m.put("latencyMicros", latencyMicros);
        }
        return m;
    }

    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toMap());
    }
}
