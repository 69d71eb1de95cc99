package io.sgemu.control.model;

/** An inclusive port range. */
public record PortRange(int from, int to) {
    public boolean contains(int port) {
        return port >= from && port <= to;
    }

    @Override
    public String toString() {
        return from == to ? Integer.toString(from) : from + "-" + to;
    }
}
