package io.sgemu.control.ec2;

import io.sgemu.control.api.AdminServer;
import io.sgemu.control.live.Vtep;
import io.sgemu.dataplane.io.ListenerUri;
import io.sgemu.dataplane.io.LiveConfig;
import io.sgemu.dataplane.io.LiveCounters;
import io.sgemu.dataplane.io.LiveDataplane;
import io.sgemu.dataplane.packet.PacketBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole loop: the SDK changes the world through the EC2 API, the control plane compiles and hands
 * the snapshot to a running live dataplane, and a packet the old rules rejected is forwarded.
 */
@Timeout(120)
class Ec2LiveTrafficTest {
    private static final String WEB = "10.0.1.10";
    private static final String CLIENT = "10.0.1.20";

    private static long await(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Vtep.WAIT_MILLIS * 1_000_000L;
        long v = value.getAsLong();
        while (v < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
            v = value.getAsLong();
        }
        return v;
    }

    private static byte[] syn(int sport) {
        return PacketBuilder.ip(CLIENT, WEB).tcp(sport, 443, PacketBuilder.SYN, 0).buildIp();
    }

    @Test
    void authorizeAndAttachThroughTheSdk_turnsARejectedSynIntoAForwardedOne() throws Exception {
        AtomicReference<LiveDataplane> running = new AtomicReference<>();
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> {
            LiveDataplane l = running.get();
            if (l != null) {
                l.setPolicy(p);
            }
        });
        Ec2Endpoint endpoint = new Ec2Endpoint(new Ec2Api(plane, "us-east-1"), null);
        try (Vtep web = new Vtep(); Vtep client = new Vtep();
             LiveDataplane live = LiveDataplane.start(new LiveConfig(plane.current().policy())
                     .listen(ListenerUri.parse("udp://127.0.0.1:0")).forward(true).conntrackCapacity(1 << 12));
             AdminServer server = AdminServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                     w -> { }, () -> true, endpoint);
             Ec2Client ec2 = Ec2Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                     .region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                     .httpClient(UrlConnectionHttpClient.create()).build()) {
            running.set(live);
            int port = live.boundPorts().get(0);
            // the web server speaks first, so that the dataplane learns its endpoint
            web.send(PacketBuilder.ip(WEB, CLIENT).udp(5353, 5353, 16).buildIp(), port);
            assertThat(await(() -> live.counters().get(LiveCounters.JUDGED), 1)).isEqualTo(1);

            client.send(syn(40001), port);
            assertThat(await(() -> live.counters().get("rejected.sg-ingress"), 2))
                    .as("no rule of the web server's group lets 443 in").isEqualTo(2);
            assertThat(web.receive(300)).isNull();

            String gid = ec2.createSecurityGroup(r -> r.groupName("web").description("https").vpcId("vpc-1")).groupId();
            ec2.authorizeSecurityGroupIngress(r -> r.groupId(gid).ipPermissions(p -> p.ipProtocol("tcp").fromPort(443)
                    .toPort(443).ipRanges(i -> i.cidrIp("10.0.0.0/16"))));
            ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId("eni-web").groups("sg-default", gid));
            assertThat(live.awaitPolicy(plane.current().policy(), 10, TimeUnit.SECONDS))
                    .as("the dataplane judges by the latest snapshot").isTrue();
            assertThat(plane.current().version()).as("create, authorize, modify: three snapshots after the first")
                    .isEqualTo(4);

            byte[] allowed = syn(40002);
            client.send(allowed, port);
            assertThat(web.receive()).as("the SYN, forwarded to the web server").isEqualTo(allowed);

            ec2.revokeSecurityGroupIngress(r -> r.groupId(gid).ipPermissions(p -> p.ipProtocol("tcp").fromPort(443)
                    .toPort(443).ipRanges(i -> i.cidrIp("10.0.0.0/16"))));
            assertThat(live.awaitPolicy(plane.current().policy(), 10, TimeUnit.SECONDS)).isTrue();
            client.send(syn(40003), port);
            assertThat(await(() -> live.counters().get("rejected.sg-ingress"), 3))
                    .as("a new connection after the revoke is rejected again").isEqualTo(3);
            assertThat(web.receive(300)).isNull();
        }
    }
}
