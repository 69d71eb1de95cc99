package io.sgemu.control.flowreplay;

import java.io.IOException;

/**
 * A flow-log input that cannot be replayed at all: a file that does not exist or cannot be read, a first line
 * that is neither a header nor a version 2 record, a format that lacks a field replay needs. The message
 * names the file (and the line when there is one).
 */
public final class FlowLogInputException extends IOException {
    private static final long serialVersionUID = 1L;

    public FlowLogInputException(String message) {
        super(message);
    }

    public FlowLogInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
