package io.sgemu.control.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sgemu.control.aws.WorldLoader;
import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.ec2.Ec2Api;
import io.sgemu.control.ec2.Ec2Exception;
import io.sgemu.control.ec2.QueryRequest;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs the fuzzer found crashing a parser, shrunk, each named after what it exercises: each now loads,
 * or is refused with the parser's own clear error.
 */
class FuzzRegressionTest {

    @TempDir
    Path dir;

    @Test
    void aVpcCidrBlockAssociationWithoutAStateIsTakenAsAssociated() throws IOException {
        Path f = dir.resolve("vpcs.json");
        Files.writeString(f, """
                {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16",
                           "CidrBlockAssociationSet": [{"CidrBlock": "10.1.0.0/16"}],
                           "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18::/56"}]}]}
                """);
        World w = new WorldLoader().load(List.of(f)).world();
        Vpc vpc = w.vpcs().get("vpc-1");
        assertThat(vpc.ipv4Cidrs()).extracting(Object::toString).containsExactly("10.0.0.0/16", "10.1.0.0/16");
        assertThat(vpc.ipv6Cidrs()).extracting(Object::toString).containsExactly("2600:1f18::/56");
    }

    @Test
    void aQueryStringWithABadPercentEscapeIsMalformedQueryString() {
        for (String form : List.of("Action=DescribeVpcs&VpcId.1=%zz", "Action=DescribeVpcs&Vpc%4", "Act%ion=X",
                "Action=DescribeVpcs&VpcId.1=%")) {
            assertThatThrownBy(() -> QueryRequest.decode(form), form)
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                        assertThat(e.code()).isEqualTo("MalformedQueryString");
                        assertThat(e.status()).isEqualTo(400);
                    })
                    .hasMessageContaining("percent-encoding");
        }
    }

    @Test
    void parameterNamesThatAreOnlyDotsOrOnlyNumbersMakeATreeAndAnEc2Answer() {
        QueryRequest dots = QueryRequest.decode("Action=DescribeVpcs&.=x&..=y&a..b=z&VpcId.1=vpc-1");
        assertThat(dots.tree().get("VpcId").get(0).asText()).isEqualTo("vpc-1");
        assertThat(dots.tree().get("a").get("").get("b").asText()).isEqualTo("z");
        QueryRequest numbers = QueryRequest.decode("Action=DescribeVpcs&100=acl-1&2=x");
        assertThat(numbers.tree().isObject()).isTrue();
        assertThat(numbers.tree().get("100").asText()).isEqualTo("acl-1");
        assertThat(numbers.list("VpcId")).isEmpty();
    }

    @Test
    void aWriteWhoseParametersAreOnlyADotOrANumberIsAnEc2ErrorNotAnInternalError() {
        Ec2Api api = new Ec2Api(new ControlPlane(ExampleWorld.load(), "us-east-1", snapshot -> { }), "us-east-1");
        for (String form : List.of("Action=DeleteNetworkAclEntry&Version=2016-11-15&100=acl-1",
                "Action=DeleteNetworkAclEntry&Version=2016-11-15&.=acl-1&RuleNumber=100&Egress=false")) {
            assertThatThrownBy(() -> api.handle(QueryRequest.decode(form), "req"), form)
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.status()).isEqualTo(400));
        }
    }
}
