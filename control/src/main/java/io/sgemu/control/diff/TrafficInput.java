package io.sgemu.control.diff;

import io.sgemu.dataplane.capture.CaptureReader;
import io.sgemu.dataplane.capture.FrameSource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Traffic a what-if report replays: something that can hand out its frames, from the start, as often as
 * it is opened. A capture file is one kind; any other input that yields frames (for example packets made
 * from flow-log records) plugs in by implementing this interface, and the report does not change.
 */
public interface TrafficInput {

    /** The kind of input for the report, e.g. {@code pcap}. */
    String kind();

    /** The input for the report and for messages, e.g. the file name. */
    String name();

    /**
     * Opens the traffic from its first frame. The caller closes the source.
     *
     * @throws io.sgemu.dataplane.capture.CaptureFormatException when the input is not traffic at all
     * @throws IOException                                       when it cannot be read
     */
    FrameSource open() throws IOException;

    /** A capture file: pcap, pcapng, either gzip-compressed. */
    static TrafficInput capture(Path file) {
        return new TrafficInput() {
            @Override
            public String kind() {
                return "pcap";
            }

            @Override
            public String name() {
                return file.toString();
            }

            @Override
            public FrameSource open() throws IOException {
                return CaptureReader.open(file);
            }
        };
    }
}
