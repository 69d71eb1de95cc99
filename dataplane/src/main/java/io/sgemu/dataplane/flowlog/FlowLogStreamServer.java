package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.HostPort;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flow-log sink that streams records to TCP clients ({@code --flow-log-stream tcp://HOST:PORT}): each client
 * gets the format's header line when it connects, then one text line per record emitted after that, as
 * {@link FlowLogTextWriter} writes them.
 *
 * <p>The flow-log writer's thread must never wait for a slow reader, so {@link #accept} only formats the line
 * once and offers it to every client's bounded queue ({@link StreamClient}); one selector thread owns the
 * sockets and writes what the queues hold. A client whose queue is full loses records; the losses are
 * counted on the writer's thread and, once the client has caught up (its queue has drained below half), it
 * receives one {@code SKIPDATA} record per ENI that lost records, before any newer record: the ENI's fields,
 * start = the earliest lost record's start, end = the latest lost record's end, packets and bytes = the sums
 * of the lost records' packets and bytes (AWS prints {@code -} there; the sums let a reader reconcile totals).
 * Nothing is lost silently. A client that closes its end or whose socket fails is dropped; clients come and
 * go at any time.
 *
 * <p>Why NIO rather than Netty: the stream is a handful of clients at flow-log rates (records per interval,
 * not per packet), one selector thread is enough, and the bounded per-client queue with loss accounting on
 * the producer's side is the interesting part, which Netty's unbounded outbound buffer would not give for free.
 *
 * <p>Threads: {@link #accept} and {@link #intervalClosed} on the flow-log writer's thread (one thread, as
 * {@link FlowLogSink} promises); everything touching a socket on the selector thread. The client list is a
 * volatile array, replaced (copy on write) by the selector thread only.
 */
public final class FlowLogStreamServer implements FlowLogSink, Closeable {

    /** Default bound on the bytes queued for one client (about ten thousand default-format records). */
    public static final int DEFAULT_CLIENT_BUFFER_BYTES = 1 << 20;

    private final FlowLogFormat format;
    private final byte[] headerLine;
    private final int clientBufferBytes;
    private final int socketSendBufferBytes;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Thread selectorThread;
    /** Set (CAS) by a producer that wants the selector to look at the queues; cleared by the selector thread. */
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private volatile boolean closing;
    /** The connected clients; written by the selector thread only (volatile store: release), read by anyone (acquire). */
    private volatile StreamClient[] clients = new StreamClient[0];

    // Writer-thread state (plain: one thread).
    private final StringBuilder line = new StringBuilder(256);
    private long records;

    // Written by the selector thread, read by anyone (volatile).
    private volatile long clientsAccepted;
    private volatile long clientsDropped;
    // Written by the writer's thread only, read by anyone (volatile).
    private volatile long lostRecords;

    private FlowLogStreamServer(InetSocketAddress bind, FlowLogFormat format, int clientBufferBytes,
                                int socketSendBufferBytes) throws IOException {
        this.format = Objects.requireNonNull(format, "format");
        if (clientBufferBytes < 1024) {
            throw new IllegalArgumentException("the per-client buffer needs at least 1024 bytes: " + clientBufferBytes);
        }
        this.clientBufferBytes = clientBufferBytes;
        this.socketSendBufferBytes = socketSendBufferBytes;
        this.headerLine = (format.header() + "\n").getBytes(StandardCharsets.UTF_8);
        this.selector = Selector.open();
        ServerSocketChannel s = ServerSocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(bind);
            s.configureBlocking(false);
            s.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException | RuntimeException e) {
            s.close();
            selector.close();
            throw e;
        }
        this.server = s;
        this.selectorThread = new Thread(this::run, "flow-log-stream");
        this.selectorThread.setDaemon(true);
        this.selectorThread.start();
    }

    /** Listens on {@code bind} (port 0: any free port, see {@link #port()}) with the default per-client buffer. */
    public static FlowLogStreamServer start(InetSocketAddress bind, FlowLogFormat format) throws IOException {
        return new FlowLogStreamServer(bind, format, DEFAULT_CLIENT_BUFFER_BYTES, 0);
    }

    /**
     * @param clientBufferBytes     bound on the bytes queued for one client before it loses records
     * @param socketSendBufferBytes SO_SNDBUF of the clients' sockets, 0 for the system's default (a small value
     *                              makes a slow client lose records sooner instead of filling kernel buffers)
     */
    public static FlowLogStreamServer start(InetSocketAddress bind, FlowLogFormat format, int clientBufferBytes,
                                            int socketSendBufferBytes) throws IOException {
        return new FlowLogStreamServer(bind, format, clientBufferBytes, socketSendBufferBytes);
    }

    /**
     * The address of a {@code tcp://HOST:PORT} URI (the {@code --flow-log-stream} option); IPv6 hosts in brackets.
     *
     * @throws IllegalArgumentException with a message for the user when the URI is not of that form
     */
    public static InetSocketAddress parseAddress(String uri) {
        String prefix = "tcp://";
        if (uri == null || !uri.startsWith(prefix)) {
            throw new IllegalArgumentException("a flow-log stream address is tcp://HOST:PORT, not '" + uri + "'");
        }
        return HostPort.parse(uri.substring(prefix.length()), "flow-log stream address '" + uri + "'");
    }

    /** The port the server listens on (the chosen one when bound to port 0). */
    public int port() {
        return server.socket().getLocalPort();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.socket().getLocalSocketAddress();
    }

    public FlowLogFormat format() {
        return format;
    }

    // ---------------------------------------------------------------- the writer's thread

    @Override
    public void accept(FlowLogRecord r) {
        StreamClient[] cs = clients; // volatile read (acquire): clients published after their header was queued
        records++;
        if (cs.length == 0) {
            return;
        }
        line.setLength(0);
        format.formatTo(r, line);
        line.append('\n');
        byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
        int outcome = 0;
        long lost = 0;
        for (StreamClient c : cs) {
            int o = c.offerAfterLosses(bytes, r, format, line);
            outcome |= o;
            if ((o & StreamClient.LOST) != 0) {
                lost++;
            }
        }
        if (lost > 0) {
            lostRecords = lostRecords + lost; // volatile write by the single writer thread
        }
        if ((outcome & StreamClient.QUEUED) != 0) {
            wakeSelector();
        }
    }

    /** Catches up the clients that lost records while no new record came (their SKIPDATA lines go out now). */
    @Override
    public void intervalClosed(long intervalEndSeconds) {
        boolean wake = false;
        for (StreamClient c : clients) {
            wake |= c.reportLossesIfCaughtUp(format, line);
        }
        if (wake) {
            wakeSelector();
        }
    }

    private void wakeSelector() {
        if (wakeupRequested.compareAndSet(false, true)) { // CAS: one wakeup per selector round, not per record
            selector.wakeup();
        }
    }

    /** Records handed to the sink so far (counted on the writer's thread: read it there or after it stopped). */
    public long records() {
        return records;
    }

    /** The clients connected now. */
    public int clientCount() {
        return clients.length;
    }

    public long clientsAccepted() {
        return clientsAccepted;
    }

    public long clientsDropped() {
        return clientsDropped;
    }

    /**
     * Records lost so far, summed over the clients (a record two clients lost counts twice); only grows, so it
     * makes a counter. Readable from any thread.
     */
    public long lostRecords() {
        return lostRecords;
    }

    // ---------------------------------------------------------------- the selector thread

    private void run() {
        try {
            while (!closing) {
                selector.select(1000);
                wakeupRequested.set(false); // volatile store: a producer's later CAS wakes the next round
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        acceptClients();
                    } else if (key.isReadable()) {
                        readOrDrop((StreamClient) key.attachment());
                    }
                }
                selector.selectedKeys().clear();
                for (StreamClient c : clients) {
                    if (!c.pump()) {
                        drop(c);
                    }
                }
            }
            // Closing: what fits into the sockets now still goes out, without waiting for slow readers.
            for (StreamClient c : clients) {
                c.pump();
            }
        } catch (IOException e) {
            if (!closing) {
                throw new UncheckedIOException("the flow-log stream stopped: " + e.getMessage(), e);
            }
        } catch (ClosedSelectorException e) {
            // closed under us while closing
        } finally {
            for (StreamClient c : clients) {
                c.closeQuietly();
            }
            clients = new StreamClient[0];
            closeQuietly(server);
            closeQuietly(selector);
        }
    }

    private void acceptClients() {
        SocketChannel ch;
        while ((ch = acceptOne()) != null) {
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (socketSendBufferBytes > 0) {
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, socketSendBufferBytes);
                }
                StreamClient c = new StreamClient(ch, clientBufferBytes, headerLine);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                StreamClient[] cs = Arrays.copyOf(clients, clients.length + 1);
                cs[cs.length - 1] = c;
                clients = cs; // volatile write (release): the header is queued before any record can be
                clientsAccepted++;
            } catch (IOException e) {
                closeQuietly(ch);
            }
        }
    }

    /** The next pending connection, or null; a failed accept (out of file descriptors) refuses that client only. */
    private SocketChannel acceptOne() {
        try {
            return server.accept();
        } catch (IOException e) {
            return null;
        }
    }

    /** Clients send nothing; a read tells whether they closed their end (then they are dropped). */
    private void readOrDrop(StreamClient c) {
        if (!c.drainInput()) {
            drop(c);
        }
    }

    private void drop(StreamClient c) {
        StreamClient[] cs = clients;
        List<StreamClient> kept = new ArrayList<>(cs.length);
        for (StreamClient x : cs) {
            if (x != c) {
                kept.add(x);
            }
        }
        if (kept.size() == cs.length) {
            return;
        }
        clients = kept.toArray(new StreamClient[0]); // volatile write (release)
        c.closeQuietly();
        clientsDropped++;
    }

    /** Stops listening, sends what the sockets take without waiting, and disconnects every client. */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        try {
            selectorThread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing left to tell
        }
    }
}
