package io.sgemu.control.fuzz;

import io.sgemu.control.aws.WorldLoadException;
import io.sgemu.control.aws.WorldLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * AWS worlds: {@link WorldLoader#load} of one file, describe output in JSON, or YAML (the CLI's YAML output
 * and the native format), loaded to the end (references resolved, quotas checked). Bad input is a
 * {@link WorldLoadException}.
 */
final class WorldTarget implements FuzzTarget {

    private final boolean yaml;
    private final Path dir;
    private final Path file;
    private final WorldLoader loader = new WorldLoader();

    WorldTarget(boolean yaml) {
        this.yaml = yaml;
        try {
            this.dir = Files.createTempDirectory("sgemu-fuzz-world");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.file = dir.resolve(yaml ? "world.yaml" : "world.json");
    }

    @Override
    public String name() {
        return yaml ? "world-yaml" : "world-json";
    }

    @Override
    public String entryPoint() {
        return "WorldLoader.load(List<Path>) on one " + (yaml ? "YAML (CLI and native)" : "JSON") + " file";
    }

    @Override
    public boolean isText() {
        return true;
    }

    @Override
    public boolean accepts(Path f) {
        String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
        return yaml ? n.endsWith(".yaml") || n.endsWith(".yml") : n.endsWith(".json");
    }

    @Override
    public void run(byte[] input) throws IOException {
        Files.write(file, input);
        loader.load(List.of(file));
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return t instanceof WorldLoadException;
    }

    @Override
    public List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        if (yaml) {
            out.add(ExampleWorld.NATIVE_YAML.getBytes(StandardCharsets.UTF_8));
            if (ExampleWorld.threeTier() != null) {
                out.add(ExampleWorld.toYaml(ExampleWorld.mergedDescribe()));
            }
        } else {
            if (ExampleWorld.threeTier() != null) {
                out.add(ExampleWorld.toJson(ExampleWorld.mergedDescribe()));
                out.addAll(ExampleWorld.describeFiles());
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
