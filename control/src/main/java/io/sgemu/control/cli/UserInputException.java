package io.sgemu.control.cli;

/** A problem with what the user gave (a file, an option): printed as one line, exit code 2, no stack trace. */
public final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
