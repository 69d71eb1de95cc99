package io.sgemu.control.fuzz;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Every parser fuzzed, by name. */
public final class FuzzTargets {

    private static final Map<String, Supplier<FuzzTarget>> ALL = new LinkedHashMap<>();

    static {
        ALL.put("packet", PacketTarget::new);
        ALL.put("pcap", () -> new CaptureTarget(CaptureTarget.Format.PCAP));
        ALL.put("pcapng", () -> new CaptureTarget(CaptureTarget.Format.PCAPNG));
        ALL.put("capture-gzip", () -> new CaptureTarget(CaptureTarget.Format.GZIP));
        ALL.put("world-json", () -> new WorldTarget(false));
        ALL.put("world-yaml", () -> new WorldTarget(true));
        ALL.put("changes", ChangeLogTarget::new);
        ALL.put("flowlog", FlowLogTarget::new);
        ALL.put("ec2", Ec2Target::new);
    }

    private FuzzTargets() {
    }

    public static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    /** The factory of a target; an unknown name is an IllegalArgumentException listing the known ones. */
    public static Supplier<FuzzTarget> factory(String name) {
        Supplier<FuzzTarget> f = ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown fuzz target '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return f;
    }
}
