package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sgemu.control.cli.ServeCommandTest.Running;
import io.sgemu.control.live.Vtep;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu serve --watch}: the world's files are reloaded on change; a broken world is rejected whole. */
class ServeWatchTest {

    @TempDir
    Path tmp;

    /** Load balancer to app server on 8081: the groups allow 8080 only. */
    static final byte[] SYN_8081 = Vtep.vxlan(7001, PacketBuilder.ip("10.0.1.10", "10.0.2.11")
            .tcp(40002, 8081, PacketBuilder.SYN, 0).ethernet().build());

    private long snapshot(int admin) throws Exception {
        return new ObjectMapper().readTree(ServeWiringTest.get(admin, "/admin/snapshot").body()).get("snapshot").asLong();
    }

    private long awaitSnapshot(int admin, long atLeast, Running run) throws Exception {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        long s;
        while ((s = snapshot(admin)) < atLeast) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("snapshot " + s + ", expected " + atLeast + "; stderr: " + run.err());
            }
            Thread.sleep(20);
        }
        return s;
    }

    private static void awaitErr(Running run, String text) throws Exception {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        while (!run.err().toString().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' on stderr: " + run.err());
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aChangedWorldIsAppliedAsANewSnapshot_andABrokenOneIsRejectedWhole() throws Exception {
        Path world = Files.createDirectories(tmp.resolve("world"));
        try (Stream<Path> files = Files.list(Path.of(ServeWiringTest.WORLD))) {
            for (Path f : files.toList()) {
                Files.copy(f, world.resolve(f.getFileName()));
            }
        }
        Path groups = world.resolve("describe-security-groups.json");
        String original = Files.readString(groups);
        try (Vtep lb = new Vtep()) {
            Running run = Running.start("serve", "--config", world.toString(), "--listen", "vxlan://127.0.0.1:0",
                    "--admin", "127.0.0.1:0", "--watch", "--watch-interval-millis", "100", "--duration", "10");
            int port = run.ports(1)[0];
            int admin = ServeWiringTest.printedPort(run, "admin http://");
            assertThat(snapshot(admin)).isEqualTo(1);
            lb.send(SYN_8081, port);
            lb.send(ServeWiringTest.ACCEPTED_SYN, port); // tracked on the load balancer's ENI
            ServeEc2ApiTest.awaitJudged(admin, 2);

            // the load balancer may send 8081 and the app servers take it
            String allowing = original.replaceAll("(\"ToPort\"\\s*:\\s*)8080", "$18081");
            assertThat(allowing).isNotEqualTo(original);
            Files.writeString(groups, allowing);
            long reloaded = awaitSnapshot(admin, 2, run);
            assertThat(run.err().toString()).contains("world reloaded: snapshot " + reloaded);
            assertThat(new ObjectMapper().readTree(ServeWiringTest.get(admin, "/admin/enis/" + ServeWiringTest.LB
                    + "/connections").body()).get("count").asInt()).as("tracked connections survive").isEqualTo(1);
            lb.send(SYN_8081, port);
            ServeEc2ApiTest.awaitJudged(admin, 3);

            Files.writeString(groups, allowing.substring(0, allowing.length() / 2)); // cut short: not JSON
            awaitErr(run, "world not reloaded");
            assertThat(snapshot(admin)).isEqualTo(reloaded);
            lb.send(SYN_8081, port); // still judged by the reloaded world
            ServeEc2ApiTest.awaitJudged(admin, 4);

            // well-formed, but a port that is no number: rejected with the JSON path of the value
            Files.writeString(groups, allowing.replaceFirst("(\"ToPort\"\\s*:\\s*)8081", "$1\"many\""));
            awaitErr(run, "world not reloaded, the running snapshot " + reloaded + " stays: " + groups
                    + ": SecurityGroups[0].IpPermissionsEgress[0].ToPort: 'many' is not an integer");
            assertThat(snapshot(admin)).isEqualTo(reloaded);

            assertThat(run.exit().get(30, TimeUnit.SECONDS)).as(run.err().toString()).isZero();
            assertThat(run.err().toString()).containsPattern("warning: world not reloaded, the running snapshot "
                    + reloaded + " stays: .*describe-security-groups\\.json");
            assertThat(run.out().toString()).containsPattern("(?m)^accepted +3$").containsPattern("(?m)^rejected +1$");
        }
    }
}
