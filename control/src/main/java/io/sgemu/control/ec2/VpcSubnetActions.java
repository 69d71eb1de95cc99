package io.sgemu.control.ec2;

import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** DescribeSubnets and DescribeVpcs (the API does not change either), and their XML shapes. */
final class VpcSubnetActions {
    private final Ec2Context ctx;

    VpcSubnetActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeSubnets", this::describeSubnets);
        actions.put("DescribeVpcs", this::describeVpcs);
    }

    private void describeSubnets(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("SubnetId");
        ids.forEach(id -> WorldLookups.subnet(w, id));
        Filters filters = ctx.filters(req);
        List<Subnet> matches = new ArrayList<>();
        for (Subnet s : w.subnets().values()) {
            if (!ids.isEmpty() && !ids.contains(s.id())) {
                continue;
            }
            if (filters.match(s.id(), f -> switch (f) {
                case "subnet-id" -> List.of(s.id());
                case "vpc-id" -> List.of(s.vpcId());
                case "availability-zone" -> List.of(String.valueOf(s.availabilityZone()));
                case "cidr-block" -> List.of(String.valueOf(s.ipv4Cidr()));
                default -> null;
            })) {
                matches.add(s);
            }
        }
        Pagination.Page<Subnet> page = Pagination.page(req, "DescribeSubnets", Pagination.Bounds.MOST, matches, Subnet::id);
        x.open("subnetSet");
        for (Subnet s : page.items()) {
            x.open("item");
            subnet(w, s, x);
            x.close("item");
        }
        x.close("subnetSet");
        page.writeNextToken(x);
    }

    private void subnet(World w, Subnet s, Xml x) {
        long used = w.networkInterfaces().values().stream().filter(e -> e.subnetId().equals(s.id()))
                .mapToLong(e -> 1 + e.secondaryIpv4().size()).sum();
        x.el("subnetId", s.id()).el("state", "available").el("vpcId", s.vpcId()).el("cidrBlock", s.ipv4Cidr());
        x.open("ipv6CidrBlockAssociationSet");
        if (s.ipv6Cidr() != null) {
            x.open("item").el("ipv6CidrBlock", s.ipv6Cidr()).el("associationId", "subnet-cidr-assoc-" + s.id())
                    .open("ipv6CidrBlockState").el("state", "associated").close("ipv6CidrBlockState").close("item");
        }
        x.close("ipv6CidrBlockAssociationSet");
        if (s.ipv4Cidr() != null) {
            long size = 1L << (32 - s.ipv4Cidr().prefixLength());
            x.el("availableIpAddressCount", Math.max(0, size - 5 - used));
        }
        x.el("availabilityZone", s.availabilityZone()).el("availabilityZoneId", s.availabilityZoneId())
                .el("defaultForAz", false).el("mapPublicIpOnLaunch", false).el("ownerId", s.ownerId())
                .el("subnetArn", ctx.arn(s.ownerId(), "subnet", s.id()));
        ctx.tags().writeTagSet(x, s.id());
    }

    private void describeVpcs(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("VpcId");
        ids.forEach(id -> WorldLookups.vpc(w, id));
        Filters filters = ctx.filters(req);
        List<Vpc> matches = new ArrayList<>();
        for (Vpc v : w.vpcs().values()) {
            if (!ids.isEmpty() && !ids.contains(v.id())) {
                continue;
            }
            if (filters.match(v.id(), f -> switch (f) {
                case "vpc-id" -> List.of(v.id());
                case "owner-id" -> List.of(String.valueOf(v.ownerId()));
                case "cidr", "cidr-block-association.cidr-block" -> v.ipv4Cidrs().stream().map(Cidr::toString).toList();
                default -> null;
            })) {
                matches.add(v);
            }
        }
        Pagination.Page<Vpc> page = Pagination.page(req, "DescribeVpcs", Pagination.Bounds.MOST, matches, Vpc::id);
        x.open("vpcSet");
        for (Vpc v : page.items()) {
            x.open("item");
            vpc(v, x);
            x.close("item");
        }
        x.close("vpcSet");
        page.writeNextToken(x);
    }

    private void vpc(Vpc v, Xml x) {
        x.el("vpcId", v.id()).el("ownerId", v.ownerId()).el("state", "available")
                .el("cidrBlock", v.ipv4Cidrs().isEmpty() ? null : v.ipv4Cidrs().get(0));
        x.open("cidrBlockAssociationSet");
        int n = 0;
        for (Cidr c : v.ipv4Cidrs()) {
            x.open("item").el("cidrBlock", c).el("associationId", "vpc-cidr-assoc-" + v.id() + "-" + n++)
                    .open("cidrBlockState").el("state", "associated").close("cidrBlockState").close("item");
        }
        x.close("cidrBlockAssociationSet").open("ipv6CidrBlockAssociationSet");
        for (Cidr c : v.ipv6Cidrs()) {
            x.open("item").el("ipv6CidrBlock", c).el("associationId", "vpc-cidr-assoc-" + v.id() + "-" + n++)
                    .open("ipv6CidrBlockState").el("state", "associated").close("ipv6CidrBlockState").close("item");
        }
        x.close("ipv6CidrBlockAssociationSet").el("dhcpOptionsId", "default").el("instanceTenancy", "default")
                .el("isDefault", false);
        ctx.tags().writeTagSet(x, v.id());
    }
}
