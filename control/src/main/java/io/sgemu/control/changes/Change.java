package io.sgemu.control.changes;

import io.sgemu.control.model.World;

/**
 * One line of a change log: an EC2 request that takes effect at a time on the replay's clock.
 * {@link #apply} makes the new world, or fails with a {@link ChangeLogException} naming the line when
 * the request does not fit the world (as EC2 would refuse it).
 */
public final class Change {
    private final String file;
    private final int line;
    private final long atNanos;
    private final String action;
    private final Edit edit;

    Change(String file, int line, long atNanos, String action, Edit edit) {
        this.file = file;
        this.line = line;
        this.atNanos = atNanos;
        this.action = action;
        this.edit = edit;
    }

    /** Unix time of the change in nanoseconds. */
    public long atNanos() {
        return atNanos;
    }

    /** Unix time of the change in seconds. */
    public double at() {
        return atNanos / 1e9;
    }

    /** The 1-based line of the change log. */
    public int line() {
        return line;
    }

    /** The EC2 action, spelled as the API does ({@code AuthorizeSecurityGroupIngress}). */
    public String action() {
        return action;
    }

    /** E.g. {@code AuthorizeSecurityGroupIngress sg-1: tcp 443 from 0.0.0.0/0}. */
    public String describe() {
        return action + " " + edit.summary();
    }

    public World apply(World world) {
        try {
            return edit.applyTo(world);
        } catch (Rejected e) {
            throw new ChangeLogException(file + ":" + line + ": " + action + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return file + ":" + line + " @" + at() + " " + describe();
    }
}
