package io.sgemu.control.live;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The two ends of a real TCP conversation, run as a separate JVM inside a test host's network namespace
 * ({@code ip netns exec NS java -cp TEST-CLASSES io.sgemu.control.live.EchoPeer ...}): the kernel's own TCP,
 * nothing of the emulator. A JVM rather than a script so that the test needs nothing the build does not.
 *
 * <pre>
 * serve PORT...                          listen on each port; per connection read one line, answer
 *                                        "server:PORT got LINE", close; prints "ready" once listening
 * connect HOST PORT MESSAGE TIMEOUT_MS   prints "local-port N" (bound before connecting, so known even when
 *                                        the connection fails), then "reply TEXT" (exit 0) or
 *                                        "connect-failed REASON" (exit 3)
 * </pre>
 */
public final class EchoPeer {

    static final int CONNECT_FAILED = 3;

    private EchoPeer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "serve" -> serve(args);
            case "connect" -> System.exit(connect(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4])));
            default -> {
                System.err.println("usage: EchoPeer serve PORT... | connect HOST PORT MESSAGE TIMEOUT_MS");
                System.exit(2);
            }
        }
    }

    private static void serve(String[] args) throws IOException, InterruptedException {
        List<Thread> loops = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("0.0.0.0", Integer.parseInt(args[i])));
            loops.add(Thread.ofPlatform().start(() -> acceptLoop(server)));
        }
        System.out.println("ready");
        System.out.flush();
        for (Thread t : loops) {
            t.join();
        }
    }

    private static void acceptLoop(ServerSocket server) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> answer(s, server.getLocalPort()));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void answer(Socket s, int port) {
        try (s) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            OutputStream out = s.getOutputStream();
            out.write(("server:" + port + " got " + line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static int connect(String host, int port, String message, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("0.0.0.0", 0));
            System.out.println("local-port " + s.getLocalPort());
            System.out.flush();
            try {
                s.connect(new InetSocketAddress(host, port), timeoutMillis);
            } catch (IOException e) {
                System.out.println("connect-failed " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return CONNECT_FAILED;
            }
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().flush();
            String reply = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            System.out.println("reply " + reply);
            return 0;
        } catch (IOException e) {
            System.out.println("failed " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 4;
        }
    }
}
