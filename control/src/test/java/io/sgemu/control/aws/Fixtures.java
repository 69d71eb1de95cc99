package io.sgemu.control.aws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A small coherent world as AWS CLI describe output, and its native YAML twin. */
public final class Fixtures {
    private Fixtures() {
    }

    public static final String VPCS = """
            {"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111122223333", "CidrBlock": "10.0.0.0/16",
              "CidrBlockAssociationSet": [
                {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}},
                {"CidrBlock": "10.1.0.0/16", "CidrBlockState": {"State": "associated"}},
                {"CidrBlock": "10.9.0.0/16", "CidrBlockState": {"State": "disassociated"}}],
              "Ipv6CidrBlockAssociationSet": [
                {"Ipv6CidrBlock": "2600:1f18:aaaa:bb00::/56", "Ipv6CidrBlockState": {"State": "associated"}}]}]}
            """;

    public static final String SUBNETS = """
            {"Subnets": [
              {"SubnetId": "subnet-a", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24", "AvailabilityZone": "us-east-1a",
               "AvailabilityZoneId": "use1-az1", "OwnerId": "111122223333",
               "Ipv6CidrBlockAssociationSet": [{"Ipv6CidrBlock": "2600:1f18:aaaa:bb01::/64",
                                                "Ipv6CidrBlockState": {"State": "associated"}}]},
              {"SubnetId": "subnet-b", "VpcId": "vpc-1", "CidrBlock": "10.0.2.0/24", "AvailabilityZone": "us-east-1b",
               "AvailabilityZoneId": "use1-az2", "OwnerId": "111122223333"}]}
            """;

    public static final String ACLS = """
            {"NetworkAcls": [
              {"NetworkAclId": "acl-1", "VpcId": "vpc-1", "IsDefault": true, "OwnerId": "111122223333",
               "Associations": [{"NetworkAclAssociationId": "aclassoc-a1", "NetworkAclId": "acl-1", "SubnetId": "subnet-a"}],
               "Entries": [
                 {"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false, "CidrBlock": "0.0.0.0/0",
                  "PortRange": {"From": 443, "To": 443}},
                 {"RuleNumber": 110, "Protocol": "1", "RuleAction": "allow", "Egress": false, "CidrBlock": "10.0.0.0/8",
                  "IcmpTypeCode": {"Type": 8, "Code": -1}},
                 {"RuleNumber": 120, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "Ipv6CidrBlock": "::/0"},
                 {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false, "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": true, "CidrBlock": "0.0.0.0/0"},
                 {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true, "CidrBlock": "0.0.0.0/0"}]},
              {"NetworkAclId": "acl-2", "VpcId": "vpc-1",
               "Associations": [{"NetworkAclAssociationId": "aclassoc-b1", "NetworkAclId": "acl-2", "SubnetId": "subnet-b"}],
               "Entries": []}]}
            """;

    public static final String GROUPS = """
            {"SecurityGroups": [
              {"GroupId": "sg-web", "GroupName": "web", "VpcId": "vpc-1", "OwnerId": "111122223333",
               "IpPermissions": [
                 {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                  "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "PrefixListIds": [], "UserIdGroupPairs": []},
                 {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                  "UserIdGroupPairs": [{"GroupId": "sg-admin", "UserId": "111122223333"}],
                  "PrefixListIds": [{"PrefixListId": "pl-office"}]},
                 {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}],
               "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
              {"GroupId": "sg-admin", "GroupName": "admin", "VpcId": "vpc-1", "OwnerId": "111122223333",
               "IpPermissions": [],
               "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}]}
            """;

    public static final String PREFIX_LISTS = """
            {"ManagedPrefixLists": [{"PrefixListId": "pl-office", "PrefixListName": "office", "AddressFamily": "IPv4",
              "Entries": [{"Cidr": "203.0.113.0/24", "Description": "NY"}]}]}
            """;

    public static final String ENIS = """
            {"NetworkInterfaces": [
              {"NetworkInterfaceId": "eni-web1", "SubnetId": "subnet-a", "VpcId": "vpc-1", "AvailabilityZone": "us-east-1a",
               "OwnerId": "111122223333", "InterfaceType": "interface", "Attachment": {"InstanceId": "i-1"},
               "Association": {"PublicIp": "54.1.2.3"}, "PrivateIpAddress": "10.0.1.10",
               "PrivateIpAddresses": [
                 {"PrivateIpAddress": "10.0.1.10", "Primary": true, "Association": {"PublicIp": "54.1.2.3"}},
                 {"PrivateIpAddress": "10.0.1.11", "Primary": false, "Association": {"PublicIp": "54.1.2.4"}}],
               "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:aaaa:bb01::10"}],
               "Groups": [{"GroupId": "sg-web", "GroupName": "web"}],
               "ConnectionTrackingConfiguration": {"TcpEstablishedTimeout": 3600, "UdpStreamTimeout": 120, "UdpTimeout": 45},
               "TagSet": [{"Key": "sgemu:max-tracked-connections", "Value": "1000"}]},
              {"NetworkInterfaceId": "eni-nat", "SubnetId": "subnet-b", "VpcId": "vpc-1", "InterfaceType": "natGateway",
               "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.2.5", "Primary": true}],
               "Groups": [{"GroupId": "sg-admin"}]}]}
            """;

    /** The same world in the native format (association ids are synthesised there). */
    public static final String YAML_TWIN = """
            account: "111122223333"
            vpcs:
              vpc-1: {cidrs: [10.0.0.0/16, 10.1.0.0/16, "2600:1f18:aaaa:bb00::/56"]}
            subnets:
              subnet-a: {vpc: vpc-1, cidr: 10.0.1.0/24, ipv6-cidr: "2600:1f18:aaaa:bb01::/64", az: us-east-1a, az-id: use1-az1}
              subnet-b: {vpc: vpc-1, cidr: 10.0.2.0/24, az: us-east-1b, az-id: use1-az2}
            prefix-lists:
              pl-office: {name: office, cidrs: [203.0.113.0/24]}
            nacls:
              acl-1:
                vpc: vpc-1
                default: true
                subnets: [subnet-a]
                ingress: ["100 allow tcp 443 0.0.0.0/0", "110 allow icmp 8 10.0.0.0/8", "120 deny -1 all ::/0"]
                egress: ["100 allow -1 all 0.0.0.0/0"]
              acl-2: {vpc: vpc-1, subnets: [subnet-b]}
            groups:
              sg-web:
                vpc: vpc-1
                name: web
                ingress: ["tcp 443 0.0.0.0/0", "tcp 443 ::/0", "tcp 22 pl-office", "tcp 22 sg-admin", "icmp 8 10.0.0.0/8"]
                egress: ["-1 all 0.0.0.0/0"]
              sg-admin: {vpc: vpc-1, name: admin, ingress: []}
            enis:
              eni-web1:
                subnet: subnet-a
                ips: [10.0.1.10, 10.0.1.11]
                ipv6: ["2600:1f18:aaaa:bb01::10"]
                public-ip: 54.1.2.3
                public-ips: {54.1.2.4: 10.0.1.11}
                groups: [sg-web]
                instance: i-1
                conntrack: {tcp-established: 3600, udp-stream: 120, udp: 45, max-tracked: 1000}
              eni-nat: {subnet: subnet-b, ips: [10.0.2.5], groups: [sg-admin], type: natGateway}
            """;

    public static Path write(Path dir, String name, String text) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the describe-output world into {@code dir}, one file per describe call. */
    public static Path writeDescribeWorld(Path dir) {
        write(dir, "vpcs.json", VPCS);
        write(dir, "subnets.json", SUBNETS);
        write(dir, "acls.json", ACLS);
        write(dir, "sgs.json", GROUPS);
        write(dir, "pl.json", PREFIX_LISTS);
        write(dir, "enis.json", ENIS);
        return dir;
    }

    public static LoadedWorld load(Path... paths) {
        return new WorldLoader().load(List.of(paths));
    }
}
