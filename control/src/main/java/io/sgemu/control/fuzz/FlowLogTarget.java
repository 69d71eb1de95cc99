package io.sgemu.control.fuzz;

import io.sgemu.control.flowreplay.FlowLogFrameSource;
import io.sgemu.control.flowreplay.FlowLogInputException;
import io.sgemu.dataplane.capture.CaptureFormatException;
import io.sgemu.dataplane.capture.CapturedFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Flow-log input: {@link FlowLogFrameSource#open} then {@link FlowLogFrameSource#next} (at most
 * {@link #MAX_FRAMES} frames or {@link #MAX_BYTES} bytes: a record may ask for billions of packets, which is
 * not a bug). Bad input is a
 * {@link FlowLogInputException} from open and a {@link CaptureFormatException} from next; bad lines are
 * skipped and counted, not thrown.
 */
final class FlowLogTarget implements FuzzTarget {

    static final int MAX_FRAMES = 20_000;
    /**
     * Frame bytes drained per input at most: frames over 2 KiB are built afresh for each packet (garbage, not
     * kept), so a record claiming large packets allocates as much as it makes; the campaign's allocation
     * bound is meant for what parsing costs, not for the traffic an input rightly asks for.
     */
    static final long MAX_BYTES = 16L << 20;

    private final Path dir;
    private final Path file;
    private final CapturedFrame frame = new CapturedFrame();

    FlowLogTarget() {
        try {
            this.dir = Files.createTempDirectory("sgemu-fuzz-flowlog");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.file = dir.resolve("flows.log");
    }

    @Override
    public String name() {
        return "flowlog";
    }

    @Override
    public String entryPoint() {
        return "FlowLogFrameSource.open(List<Path>, true) + next(CapturedFrame)";
    }

    @Override
    public boolean isText() {
        return true;
    }

    @Override
    public boolean accepts(Path f) {
        return f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".log");
    }

    @Override
    public void run(byte[] input) throws IOException {
        Files.write(file, input);
        try (FlowLogFrameSource source = FlowLogFrameSource.open(List.of(file), true)) {
            long bytes = 0;
            for (int i = 0; i < MAX_FRAMES && bytes < MAX_BYTES && source.next(frame); i++) {
                bytes += frame.capturedLength;
                source.progress();
            }
            source.stats().render();
        }
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return t instanceof FlowLogInputException || t instanceof CaptureFormatException;
    }

    @Override
    public List<byte[]> seeds() {
        List<String> docs = List.of(
                """
                2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
                2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK
                2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA
                2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA
                2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK
                2 123456789010 eni-1235b8ca123456780 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
                2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK
                """,
                """
                version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
                2 123456789010 eni-1235b8ca123456789 10.0.1.5 10.0.0.220 443 49152 6 3 180 1620140661 1620140721 ACCEPT OK
                2 123456789010 eni-1235b8ca123456789 10.0.0.220 10.0.1.5 49152 443 17 1 60 1620140661 1620140721 REJECT OK
                """,
                """
                version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status
                3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789012 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK
                3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789012 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK
                """,
                """
                instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr
                - eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5
                """);
        List<byte[]> out = new ArrayList<>();
        for (String d : docs) {
            out.add(d.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
