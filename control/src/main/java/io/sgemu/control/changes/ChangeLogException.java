package io.sgemu.control.changes;

/**
 * A change log that cannot be read, or a change that does not fit the world. The message reads
 * {@code FILE:LINE: Action: what is wrong} and is meant to be printed as it is.
 */
public final class ChangeLogException extends RuntimeException {
    public ChangeLogException(String message) {
        super(message);
    }

    public ChangeLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
