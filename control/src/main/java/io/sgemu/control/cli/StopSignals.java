package io.sgemu.control.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Turns SIGINT and SIGTERM into a count-down of a latch, so that {@code sgemu serve} stops in its own time
 * (stop receiving, drain, flush flow logs) and exits 0, as a service should. The JDK's own handlers (which
 * would run the shutdown hooks and exit 130/143 at once) are put back by {@link #uninstall()}. Where the
 * signal API is missing, a shutdown hook counts down instead and waits a little for the stop to finish.
 */
final class StopSignals {

    private final List<Runnable> undo = new ArrayList<>();

    private StopSignals() {
    }

    static StopSignals install(CountDownLatch stop) {
        StopSignals s = new StopSignals();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, sig -> stop.countDown());
                s.undo.add(() -> sun.misc.Signal.handle(signal, previous));
            } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
                Thread hook = new Thread(() -> {
                    stop.countDown();
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }, "sgemu-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                s.undo.add(() -> {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: nothing to undo
                    }
                });
            }
        }
        return s;
    }

    void uninstall() {
        undo.forEach(Runnable::run);
        undo.clear();
    }
}
