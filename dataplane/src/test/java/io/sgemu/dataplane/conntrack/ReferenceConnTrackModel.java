package io.sgemu.dataplane.conntrack;

import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only copy of the reference's connection tracking (control's {@code FlowKey}, {@code TrackedConnection}
 * and {@code ConnTrackTable}, per ENI), which the dataplane's tests cannot see. It is written to read like
 * those classes, line for line, so that the fast table can be compared with it; keep it in step with them.
 */
final class ReferenceConnTrackModel {

    static final long NANOS = 1_000_000_000L;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int FIN = 1;
    static final int SYN = 2;
    static final int RST = 4;
    static final int ACK = 16;

    /** {@code FlowKey} with the ENI: the two ends in a fixed order. */
    record Key(int eni, int protocol, IpAddress low, int lowPort, IpAddress high, int highPort) {

        static Key of(int eni, int protocol, IpAddress src, int sp, IpAddress dst, int dp) {
            int c = src.compareTo(dst);
            if (c < 0 || (c == 0 && sp <= dp)) {
                return new Key(eni, protocol, src, sp, dst, dp);
            }
            return new Key(eni, protocol, dst, dp, src, sp);
        }
    }

    /** {@code TrackedConnection}. */
    static final class Conn {
        final int eni;
        final int protocol;
        final IpAddress originAddress;
        final int originPort;
        long lastSeenNanos;
        boolean established;
        boolean synAckFromOrigin;
        boolean synAckFromReply;
        boolean finFromOrigin;
        boolean finFromReply;
        long closingSinceNanos = -1;
        boolean replied;
        boolean originAfterReply;
        boolean stream;

        Conn(int eni, int protocol, IpAddress src, int srcPort, int tcpFlags, long nowNanos) {
            this.eni = eni;
            this.protocol = protocol;
            this.originAddress = src;
            this.originPort = srcPort;
            this.lastSeenNanos = nowNanos;
            if (protocol == TCP) {
                established = !has(tcpFlags, SYN);
                synAckFromOrigin = has(tcpFlags, SYN) && has(tcpFlags, ACK);
                finFromOrigin = has(tcpFlags, FIN);
            }
        }

        boolean isFromOrigin(IpAddress src, int srcPort) {
            if (!originAddress.equals(src)) {
                return false;
            }
            return !(protocol == TCP || protocol == UDP) || srcPort == originPort;
        }

        void update(int tcpFlags, boolean fromOrigin, long nowNanos) {
            lastSeenNanos = nowNanos;
            if (protocol == TCP) {
                boolean syn = has(tcpFlags, SYN);
                boolean ack = has(tcpFlags, ACK);
                if (syn && ack) {
                    if (fromOrigin) {
                        synAckFromOrigin = true;
                    } else {
                        synAckFromReply = true;
                    }
                }
                if (ack && !syn && (fromOrigin ? synAckFromReply : synAckFromOrigin)) {
                    established = true;
                }
                if (has(tcpFlags, FIN)) {
                    if (fromOrigin) {
                        finFromOrigin = true;
                    } else {
                        finFromReply = true;
                    }
                }
                if (closingSinceNanos < 0 && (has(tcpFlags, RST) || (finFromOrigin && finFromReply))) {
                    closingSinceNanos = nowNanos;
                }
            } else if (protocol == UDP) {
                if (fromOrigin) {
                    if (replied) {
                        originAfterReply = true;
                    }
                } else {
                    if (originAfterReply) {
                        stream = true;
                    }
                    replied = true;
                }
            }
        }

        long timeoutSeconds(ConnTrackTimeouts cfg) {
            return switch (protocol) {
                case TCP -> established ? cfg.tcpEstablishedTimeoutSeconds(eni) : 60;
                case UDP -> stream ? cfg.udpStreamTimeoutSeconds(eni) : cfg.udpTimeoutSeconds(eni);
                case 1, 58 -> 60;
                default -> 600;
            };
        }

        boolean expired(long nowNanos, ConnTrackTimeouts cfg, long lingerNanos) {
            if (closingSinceNanos >= 0 && nowNanos - closingSinceNanos >= lingerNanos) {
                return true;
            }
            return nowNanos - lastSeenNanos >= timeoutSeconds(cfg) * NANOS;
        }

        /** The first time at which {@link #expired} holds. */
        long deadline(ConnTrackTimeouts cfg, long lingerNanos) {
            long d = lastSeenNanos + timeoutSeconds(cfg) * NANOS;
            return closingSinceNanos >= 0 ? Math.min(d, closingSinceNanos + lingerNanos) : d;
        }

        boolean closing() {
            return closingSinceNanos >= 0;
        }
    }

    private final long lingerNanos;
    private final Map<Key, Conn> entries = new HashMap<>();

    ReferenceConnTrackModel(long lingerNanos) {
        this.lingerNanos = lingerNanos;
    }

    /** {@code ConnTrackTable.lookup}: the live entry, or null (an expired entry is removed). */
    Conn lookup(Key key, long nowNanos, ConnTrackTimeouts cfg) {
        Conn c = entries.get(key);
        if (c != null && c.expired(nowNanos, cfg, lingerNanos)) {
            entries.remove(key);
            return null;
        }
        return c;
    }

    void put(Key key, Conn c) {
        entries.put(key, c);
    }

    /** {@code ConnTrackTable.size}, for one ENI. */
    int size(int eni, long nowNanos, ConnTrackTimeouts cfg) {
        entries.values().removeIf(c -> c.expired(nowNanos, cfg, lingerNanos));
        int n = 0;
        for (Conn c : entries.values()) {
            if (c.eni == eni) {
                n++;
            }
        }
        return n;
    }

    /** The entries, live or not yet removed. */
    List<Map.Entry<Key, Conn>> all() {
        return new ArrayList<>(entries.entrySet());
    }

    static boolean has(int tcpFlags, int flag) {
        return tcpFlags >= 0 && (tcpFlags & flag) != 0;
    }
}
