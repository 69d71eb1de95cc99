package io.sgemu.control.ec2;

import io.sgemu.control.api.AdminServer;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTTP side of the EC2 API, with plain requests: document shapes, error documents, who may call. */
@Timeout(60)
class Ec2EndpointTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private final HttpClient http = HttpClient.newHttpClient();

    private static AdminServer server(Credentials credentials) throws Exception {
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> { });
        return AdminServer.start(LOOPBACK, w -> { }, () -> true, new Ec2Endpoint(new Ec2Api(plane, null), credentials));
    }

    private HttpResponse<String> post(AdminServer s, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Document xml(String body) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static String text(Document d, String xpath) throws Exception {
        return XPathFactory.newInstance().newXPath().evaluate(xpath, d);
    }

    private static int count(Document d, String xpath) throws Exception {
        return ((NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, d, XPathConstants.NODESET)).getLength();
    }

    @Test
    void loopbackWithoutCredentials_answersUnsignedCallsInEc2sNamespace() throws Exception {
        try (AdminServer s = server(null)) {
            HttpResponse<String> r = post(s, "Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-default");
            assertThat(r.statusCode()).isEqualTo(200);
            Document d = xml(r.body());
            assertThat(d.getDocumentElement().getLocalName()).isEqualTo("DescribeSecurityGroupsResponse");
            assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo("http://ec2.amazonaws.com/doc/2016-11-15/");
            assertThat(text(d, "/*/*[local-name()='requestId']")).matches("[0-9a-f-]{36}");
            assertThat(count(d, "//*[local-name()='securityGroupInfo']/*[local-name()='item']")).isEqualTo(1);
            assertThat(text(d, "//*[local-name()='securityGroupInfo']/*/*[local-name()='groupName']")).isEqualTo("default");
            assertThat(text(d, "//*[local-name()='ipPermissionsEgress']/*/*[local-name()='ipProtocol']")).isEqualTo("-1");
        }
    }

    @Test
    void errorsUseEc2sErrorDocument() throws Exception {
        try (AdminServer s = server(null)) {
            HttpResponse<String> r = post(s, "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-nope"
                    + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=22"
                    + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8");
            assertThat(r.statusCode()).isEqualTo(400);
            Document d = xml(r.body());
            assertThat(d.getDocumentElement().getTagName()).isEqualTo("Response");
            assertThat(text(d, "/Response/Errors/Error/Code")).isEqualTo("InvalidGroup.NotFound");
            assertThat(text(d, "/Response/Errors/Error/Message")).contains("sg-nope");
            assertThat(text(d, "/Response/RequestID")).isNotEmpty();

            assertThat(text(xml(post(s, "Action=RunInstances&Version=2016-11-15").body()), "//Code")).isEqualTo("InvalidAction");
            assertThat(text(xml(post(s, "Version=2016-11-15").body()), "//Code")).isEqualTo("MissingAction");
            HttpResponse<String> badPort = post(s, "Action=AuthorizeSecurityGroupIngress&GroupId=sg-default"
                    + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22&IpPermissions.1.ToPort=70000"
                    + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8");
            assertThat(text(xml(badPort.body()), "//Code")).isEqualTo("InvalidParameterValue");
            assertThat(text(xml(post(s, "Action=CreateSecurityGroup&GroupName=x&VpcId=vpc-1").body()), "//Code"))
                    .isEqualTo("MissingParameter");
            HttpResponse<String> dry = post(s, "Action=CreateSecurityGroup&GroupName=x&GroupDescription=x&VpcId=vpc-1&DryRun=true");
            assertThat(dry.statusCode()).isEqualTo(412);
            assertThat(text(xml(dry.body()), "//Code")).isEqualTo("DryRunOperation");
        }
    }

    @Test
    void withCredentials_anUnsignedCallIsRefused() throws Exception {
        try (AdminServer s = server(Credentials.of(Map.of("AKID", "secret")))) {
            HttpResponse<String> r = post(s, "Action=DescribeVpcs&Version=2016-11-15");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(text(xml(r.body()), "/Response/Errors/Error/Code")).isEqualTo("MissingAuthenticationToken");
        }
    }

    @Test
    void withoutCredentials_onlyALoopbackListenerMayServeTheApi() throws Exception {
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> { });
        Ec2Endpoint open = new Ec2Endpoint(new Ec2Api(plane, null), null);
        assertThat(open.allows(new InetSocketAddress("0.0.0.0", 0))).isFalse();
        assertThat(open.allows(LOOPBACK)).isTrue();
        assertThatThrownBy(() -> AdminServer.start(new InetSocketAddress("0.0.0.0", 0), w -> { }, () -> true, open))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--credentials");
        Ec2Endpoint keyed = new Ec2Endpoint(new Ec2Api(plane, null), Credentials.of(Map.of("AKID", "secret")));
        assertThat(keyed.allows(new InetSocketAddress("0.0.0.0", 0))).isTrue();
    }

    @Test
    void theAdminEndpointsStillAnswer_andGetSlashIsStill404() throws Exception {
        try (AdminServer s = server(null)) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/healthz"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.body()).isEqualTo("ok\n");
            HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + "/"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(root.statusCode()).isEqualTo(404);
        }
    }
}
