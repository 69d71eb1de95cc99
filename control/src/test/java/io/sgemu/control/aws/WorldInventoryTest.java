package io.sgemu.control.aws;

import static io.sgemu.control.aws.Fixtures.load;
import static io.sgemu.control.aws.Fixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorldInventoryTest {
    @TempDir
    Path dir;

    @Test
    void theInventoryCountsEverythingPerWorldAndPerVpcThenListsWarningsAndNotes() {
        Fixtures.writeDescribeWorld(dir);
        write(dir, "vpc2.json", "{\"Vpcs\": [{\"VpcId\": \"vpc-2\", \"CidrBlock\": \"10.2.0.0/16\"}]}");
        write(dir, "rules.json", """
                {"SecurityGroupRules": [{"SecurityGroupRuleId": "sgr-9", "GroupId": "sg-x", "IsEgress": true,
                  "IpProtocol": "-1", "CidrIpv4": "0.0.0.0/0"}]}
                """);
        write(dir, "routes.json", "{\"RouteTables\": []}");
        LoadedWorld lw = load(dir);
        String text = WorldInventory.render(lw);
        assertThat(text).isEqualTo("""
                World: 2 VPCs, 2 subnets, 2 network ACLs (4 entries), 3 security groups (8 rules), 2 network interfaces, 1 prefix list
                vpc-1 (10.0.0.0/16, 10.1.0.0/16, 2600:1f18:aaaa:bb00::/56): 2 subnets, 2 network ACLs, 2 security groups, 2 network interfaces
                vpc-2 (10.2.0.0/16): 0 subnets, 0 network ACLs, 0 security groups, 0 network interfaces
                outside any loaded VPC: 1 security group
                Warnings (0)
                Notes (2)
                  %s: RouteTables: passed over (routes do not filter packets)
                  %s: SecurityGroupRules[0]: security group sg-x is known only from describe-security-group-rules (its name and VPC are unknown)
                """.formatted(dir.resolve("routes.json"), dir.resolve("rules.json")));
    }

    @Test
    void anEmptyWorldSaysSoInItsWarnings() {
        LoadedWorld lw = load(write(dir, "empty.json", "{\"Vpcs\": []}"));
        assertThat(WorldInventory.render(lw)).isEqualTo("""
                World: 0 VPCs, 0 subnets, 0 network ACLs (0 entries), 0 security groups (0 rules), 0 network interfaces, 0 prefix lists
                Warnings (1)
                  no network interface loaded: there is nothing to filter
                Notes (0)
                """);
    }
}
