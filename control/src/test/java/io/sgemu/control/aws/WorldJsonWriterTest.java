package io.sgemu.control.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.sgemu.control.model.World;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorldJsonWriterTest {

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return new SplittableRandom(20261127).longs(25);
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void aWrittenWorldLoadsBackEqual(long seed) throws IOException {
        World world = RandomWorlds.world(seed);
        int perFile = 1 + new SplittableRandom(seed).nextInt(4);
        Path dir = tmp.resolve("w");
        WorldJsonWriter writer = new WorldJsonWriter(perFile);
        writer.write(world, dir);

        LoadedWorld loaded = new WorldLoader().load(List.of(dir));

        assertThat(loaded.warnings()).as("seed %d", seed).isEmpty();
        assertThat(loaded.world()).as("seed %d", seed).isEqualTo(world);
        // and in the same order, kind by kind
        assertThat(List.copyOf(loaded.world().securityGroups().keySet())).as("seed %d", seed)
                .containsExactlyElementsOf(world.securityGroups().keySet());
        assertThat(List.copyOf(loaded.world().networkInterfaces().keySet())).as("seed %d", seed)
                .containsExactlyElementsOf(world.networkInterfaces().keySet());
        assertThat(List.copyOf(loaded.world().networkAcls().keySet())).as("seed %d", seed)
                .containsExactlyElementsOf(world.networkAcls().keySet());
        assertThat(writer.bytesWritten()).as("seed %d", seed).isEqualTo(sizeOf(dir));
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void theSameWorldIsTheSameBytes(long seed) throws IOException {
        World world = RandomWorlds.world(seed);
        new WorldJsonWriter(2).write(world, tmp.resolve("a"));
        new WorldJsonWriter(2).write(world, tmp.resolve("b"));
        List<Path> a = files(tmp.resolve("a"));
        assertThat(a).as("seed %d", seed).isNotEmpty();
        for (Path f : a) {
            Path other = tmp.resolve("b").resolve(tmp.resolve("a").relativize(f));
            assertThat(Files.readAllBytes(other)).as("seed %d, %s", seed, f.getFileName()).isEqualTo(Files.readAllBytes(f));
        }
        assertThat(files(tmp.resolve("b"))).hasSameSizeAs(a);
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().toList());
        }
    }

    static long sizeOf(Path dir) throws IOException {
        long n = 0;
        for (Path f : files(dir)) {
            n += Files.size(f);
        }
        return n;
    }
}
