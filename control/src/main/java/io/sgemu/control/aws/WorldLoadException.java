package io.sgemu.control.aws;

/**
 * The input does not describe a world the emulator can load. The message reads
 * {@code FILE: PATH.IN.DOCUMENT: what is wrong} and is meant to be printed as it is.
 */
public final class WorldLoadException extends RuntimeException {
    public WorldLoadException(String message) {
        super(message);
    }

    public WorldLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
