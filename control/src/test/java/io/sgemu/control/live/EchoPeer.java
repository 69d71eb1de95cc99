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
 * echo PORT...                           as serve, but a connection lives until the client closes it: every
 *                                        line read is answered "server:PORT got LINE"
 * session HOST PORT TIMEOUT_MS           a long-lived connection driven by standard input: prints "local-port N",
 *                                        then "connected" (or "connect-failed REASON", exit 3); then for each
 *                                        input line "WAIT_MS TEXT" sends TEXT and prints "reply ANSWER", or
 *                                        "no-reply" when none came within WAIT_MS; ends at the end of its input
 * </pre>
 */
public final class EchoPeer {

    static final int CONNECT_FAILED = 3;

    private EchoPeer() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "" : args[0]) {
            case "serve" -> serve(args, false);
            case "connect" -> System.exit(connect(args[1], Integer.parseInt(args[2]), args[3], Integer.parseInt(args[4])));
            case "echo" -> serve(args, true);
            case "session" -> System.exit(session(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3])));
            default -> {
                System.err.println("usage: EchoPeer serve PORT... | connect HOST PORT MESSAGE TIMEOUT_MS | echo PORT..."
                        + " | session HOST PORT TIMEOUT_MS");
                System.exit(2);
            }
        }
    }

    private static void serve(String[] args, boolean everyLine) throws IOException, InterruptedException {
        List<Thread> loops = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("0.0.0.0", Integer.parseInt(args[i])));
            loops.add(Thread.ofPlatform().start(() -> acceptLoop(server, everyLine)));
        }
        System.out.println("ready");
        System.out.flush();
        for (Thread t : loops) {
            t.join();
        }
    }

    private static void acceptLoop(ServerSocket server, boolean everyLine) {
        while (true) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> {
                    if (everyLine) {
                        answerEveryLine(s, server.getLocalPort());
                    } else {
                        answer(s, server.getLocalPort());
                    }
                });
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

    /** Answers every line until the client closes (no read timeout: the connection is meant to idle). */
    private static void answerEveryLine(Socket s, int port) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            for (String line; (line = in.readLine()) != null; ) {
                out.write(("server:" + port + " got " + line + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static int session(String host, int port, int timeoutMillis) {
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
            System.out.println("connected");
            System.out.flush();
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            for (String command; (command = commands.readLine()) != null; ) {
                int space = command.indexOf(' ');
                s.setSoTimeout(Integer.parseInt(command.substring(0, space)));
                out.write((command.substring(space + 1) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                try {
                    String reply = in.readLine();
                    System.out.println(reply == null ? "closed" : "reply " + reply);
                } catch (java.net.SocketTimeoutException e) {
                    System.out.println("no-reply"); // the socket stays usable (the kernel keeps retransmitting)
                }
                System.out.flush();
            }
            return 0;
        } catch (IOException e) {
            System.out.println("failed " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 4;
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
