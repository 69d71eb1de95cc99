package io.sgemu.control.fuzz;

import io.sgemu.control.ec2.ControlPlane;
import io.sgemu.control.ec2.Ec2Api;
import io.sgemu.control.ec2.Ec2Exception;
import io.sgemu.control.ec2.QueryRequest;
import io.sgemu.control.model.World;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * EC2 Query requests, as the admin port's endpoint handles a form body once it is authenticated:
 * {@link QueryRequest#decode} then {@link Ec2Api#handle}, on a fresh control plane over the example world
 * for every input (a write must not carry over to the next input). Bad input is an {@link Ec2Exception}
 * (EC2's error document); any other exception would be the endpoint's 500 InternalError.
 */
final class Ec2Target implements FuzzTarget {

    private final World world = ExampleWorld.load();

    @Override
    public String name() {
        return "ec2";
    }

    @Override
    public String entryPoint() {
        return "QueryRequest.decode(String...) + Ec2Api.handle(QueryRequest, String)";
    }

    @Override
    public boolean isText() {
        return true;
    }

    @Override
    public boolean accepts(Path file) {
        return false;
    }

    @Override
    public void run(byte[] input) {
        ControlPlane plane = new ControlPlane(world, "us-east-1", snapshot -> { });
        Ec2Api api = new Ec2Api(plane, "us-east-1");
        api.handle(QueryRequest.decode(new String(input, StandardCharsets.UTF_8)), "fuzz");
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return t instanceof Ec2Exception;
    }

    @Override
    public List<byte[]> seeds() {
        ExampleWorld.Ids id = ExampleWorld.ids();
        String v = "&Version=2016-11-15";
        List<String> forms = List.of(
                "Action=DescribeSecurityGroups" + v + "&GroupId.1=" + id.group() + "&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-*",
                "Action=DescribeSecurityGroupRules" + v + "&Filter.1.Name=group-id&Filter.1.Value.1=" + id.group(),
                "Action=CreateSecurityGroup" + v + "&GroupName=fuzz&GroupDescription=fuzz%20group&VpcId=" + id.vpc(),
                "Action=DeleteSecurityGroup" + v + "&GroupId=" + id.group2(),
                "Action=AuthorizeSecurityGroupIngress" + v + "&GroupId=" + id.group()
                        + "&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443"
                        + "&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.1.Description=web"
                        + "&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0",
                "Action=AuthorizeSecurityGroupEgress" + v + "&GroupId=" + id.group2()
                        + "&IpPermissions.1.IpProtocol=-1&IpPermissions.1.Groups.1.GroupId=" + id.group(),
                "Action=RevokeSecurityGroupIngress" + v + "&GroupId=" + id.group()
                        + "&IpPermissions.1.IpProtocol=icmp&IpPermissions.1.FromPort=8&IpPermissions.1.ToPort=-1"
                        + "&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8",
                "Action=RevokeSecurityGroupEgress" + v + "&GroupId=" + id.group() + "&SecurityGroupRuleId.1=sgr-0123456789abcdef0",
                "Action=ModifySecurityGroupRules" + v + "&GroupId=" + id.group()
                        + "&SecurityGroupRule.1.SecurityGroupRuleId=sgr-0123456789abcdef0"
                        + "&SecurityGroupRule.1.SecurityGroupRule.IpProtocol=udp&SecurityGroupRule.1.SecurityGroupRule.FromPort=53"
                        + "&SecurityGroupRule.1.SecurityGroupRule.ToPort=53&SecurityGroupRule.1.SecurityGroupRule.CidrIpv4=10.0.0.0%2F16",
                "Action=DescribeNetworkInterfaces" + v + "&NetworkInterfaceId.1=" + id.eni()
                        + "&Filter.1.Name=group-id&Filter.1.Value.1=sg-*&Filter.1.Value.2=s?-1",
                "Action=CreateNetworkInterface" + v + "&SubnetId=" + id.subnet() + "&PrivateIpAddress=10.0.1.77"
                        + "&SecurityGroupId.1=" + id.group() + "&Description=fuzz",
                "Action=DeleteNetworkInterface" + v + "&NetworkInterfaceId=" + id.eni(),
                "Action=ModifyNetworkInterfaceAttribute" + v + "&NetworkInterfaceId=" + id.eni()
                        + "&SecurityGroupId.1=" + id.group() + "&SecurityGroupId.2=" + id.group2(),
                "Action=DescribeNetworkAcls" + v + "&NetworkAclId.1=" + id.acl() + "&Filter.1.Name=vpc-id&Filter.1.Value.1=" + id.vpc(),
                "Action=CreateNetworkAcl" + v + "&VpcId=" + id.vpc(),
                "Action=DeleteNetworkAcl" + v + "&NetworkAclId=" + id.acl(),
                "Action=CreateNetworkAclEntry" + v + "&NetworkAclId=" + id.acl() + "&RuleNumber=140&Protocol=6"
                        + "&RuleAction=allow&Egress=false&CidrBlock=198.51.100.0%2F24&PortRange.From=22&PortRange.To=22",
                "Action=ReplaceNetworkAclEntry" + v + "&NetworkAclId=" + id.acl() + "&RuleNumber=100&Protocol=1"
                        + "&RuleAction=deny&Egress=true&Ipv6CidrBlock=%3A%3A%2F0&Icmp.Type=3&Icmp.Code=-1",
                "Action=DeleteNetworkAclEntry" + v + "&NetworkAclId=" + id.acl() + "&RuleNumber=100&Egress=false",
                "Action=ReplaceNetworkAclAssociation" + v + "&AssociationId=" + id.assoc() + "&NetworkAclId=" + id.acl(),
                "Action=DescribeSubnets" + v + "&SubnetId.1=" + id.subnet() + "&SubnetId.2=" + id.subnet2(),
                "Action=DescribeVpcs" + v + "&VpcId.1=" + id.vpc() + "&DryRun=false",
                "Action=DescribeManagedPrefixLists" + v + "&PrefixListId.1=pl-0123456789abcdef0",
                "Action=CreateManagedPrefixList" + v + "&PrefixListName=office&AddressFamily=IPv4&MaxEntries=5"
                        + "&Entry.1.Cidr=203.0.113.0%2F24&Entry.1.Description=office&Entry.2.Cidr=198.51.100.0%2F24",
                "Action=ModifyManagedPrefixList" + v + "&PrefixListId=pl-0123456789abcdef0&CurrentVersion=1"
                        + "&AddEntry.1.Cidr=192.0.2.0%2F24&RemoveEntry.1.Cidr=203.0.113.0%2F24",
                "Action=GetManagedPrefixListEntries" + v + "&PrefixListId=pl-0123456789abcdef0");
        List<byte[]> out = new ArrayList<>();
        for (String f : forms) {
            out.add(f.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
