package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryRequestTest {

    @Test
    void numberedSegmentsBecomeListsInNumberOrder_namesBecomeMembers() {
        QueryRequest q = QueryRequest.decode("Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1"
                + "&IpPermissions.2.IpProtocol=udp&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=22"
                + "&IpPermissions.1.IpRanges.10.CidrIp=10.0.0.0%2F8&IpPermissions.1.IpRanges.2.CidrIp=192.0.2.0%2F24"
                + "&IpPermissions.1.IpRanges.2.Description=a+b%26c");
        ObjectNode t = q.tree();
        assertThat(t.has("Action")).isFalse();
        assertThat(t.get("GroupId").asText()).isEqualTo("sg-1");
        assertThat(t.get("IpPermissions").isArray()).isTrue();
        assertThat(t.get("IpPermissions").get(0).get("IpProtocol").asText()).isEqualTo("tcp");
        assertThat(t.get("IpPermissions").get(1).get("IpProtocol").asText()).isEqualTo("udp");
        assertThat(t.get("IpPermissions").get(0).get("IpRanges").get(0).get("CidrIp").asText())
                .as("2 before 10: numeric order").isEqualTo("192.0.2.0/24");
        assertThat(t.get("IpPermissions").get(0).get("IpRanges").get(0).get("Description").asText()).isEqualTo("a b&c");
        assertThat(q.get("Action")).isEqualTo("AuthorizeSecurityGroupIngress");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 20260101})
    void flatListsComeBackInNumberOrderWhateverTheParameterOrder(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1 + rnd.nextInt(30);
        java.util.List<String> pairs = new java.util.ArrayList<>();
        for (int i = 1; i <= n; i++) {
            pairs.add("GroupId." + i + "=sg-" + i);
        }
        java.util.Collections.shuffle(pairs, new java.util.Random(rnd.nextLong()));
        java.util.List<String> values = QueryRequest.decode(String.join("&", pairs)).list("GroupId");
        java.util.List<String> expected = java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "sg-" + i).toList();
        assertThat(values).as("seed " + seed).isEqualTo(expected);
    }

    @Test
    void aMissingRequiredParameterIsEc2sMissingParameter() {
        assertThatThrownBy(() -> QueryRequest.decode("Action=X").required("GroupId"))
                .isInstanceOf(Ec2Exception.class)
                .satisfies(e -> assertThat(((Ec2Exception) e).code()).isEqualTo("MissingParameter"));
    }
}
