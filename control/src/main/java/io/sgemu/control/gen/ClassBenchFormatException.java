package io.sgemu.control.gen;

/** A ClassBench filter file that cannot be read; the message names the file and line. */
public final class ClassBenchFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClassBenchFormatException(String message) {
        super(message);
    }

    public ClassBenchFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
