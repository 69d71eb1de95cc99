package io.sgemu.control.ec2;

import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import java.util.List;

/** Resources by id, each missing one answered with EC2's own NotFound code and message. */
final class WorldLookups {
    private WorldLookups() {
    }

    static Ec2Exception groupNotFound(String id) {
        return new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist");
    }

    static Ec2Exception networkInterfaceNotFound(String id) {
        return new Ec2Exception("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist");
    }

    static Ec2Exception networkAclNotFound(String id) {
        return new Ec2Exception("InvalidNetworkAclID.NotFound", "The network ACL ID '" + id + "' does not exist");
    }

    static Ec2Exception prefixListNotFound(String id) {
        return new Ec2Exception("InvalidPrefixListID.NotFound", "The prefix list ID '" + id + "' does not exist");
    }

    static Ec2Exception subnetNotFound(String id) {
        return new Ec2Exception("InvalidSubnetID.NotFound", "The subnet ID '" + id + "' does not exist");
    }

    static Ec2Exception vpcNotFound(String id) {
        return new Ec2Exception("InvalidVpcID.NotFound", "The vpc ID '" + id + "' does not exist");
    }

    static SecurityGroup securityGroup(World w, String id) {
        SecurityGroup g = w.securityGroups().get(id);
        if (g == null) {
            throw groupNotFound(id);
        }
        return g;
    }

    static NetworkInterface networkInterface(World w, String id) {
        NetworkInterface e = w.networkInterfaces().get(id);
        if (e == null) {
            throw networkInterfaceNotFound(id);
        }
        return e;
    }

    static NetworkAcl networkAcl(World w, String id) {
        NetworkAcl acl = w.networkAcls().get(id);
        if (acl == null) {
            throw networkAclNotFound(id);
        }
        return acl;
    }

    static PrefixList prefixList(World w, String id) {
        PrefixList pl = w.prefixLists().get(id);
        if (pl == null) {
            throw prefixListNotFound(id);
        }
        return pl;
    }

    static Subnet subnet(World w, String id) {
        Subnet s = w.subnets().get(id);
        if (s == null) {
            throw subnetNotFound(id);
        }
        return s;
    }

    static Vpc vpc(World w, String id) {
        Vpc v = w.vpcs().get(id);
        if (v == null) {
            throw vpcNotFound(id);
        }
        return v;
    }

    /** The named VPC, or the only VPC when none is named. */
    static Vpc vpcOrOnly(World w, String vpcId) {
        if (vpcId == null || vpcId.isEmpty()) {
            if (w.vpcs().size() == 1) {
                return w.vpcs().values().iterator().next();
            }
            throw new Ec2Exception("VPCIdNotSpecified", "No default VPC for this user");
        }
        return vpc(w, vpcId);
    }

    /** A group by id, else by name (which must name exactly one group). */
    static SecurityGroup groupByIdOrName(World w, String id, String name) {
        if (id != null && !id.isEmpty()) {
            return securityGroup(w, id);
        }
        if (name == null || name.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter GroupId or GroupName");
        }
        List<SecurityGroup> named = w.securityGroups().values().stream().filter(g -> name.equals(g.name())).toList();
        if (named.size() != 1) {
            throw new Ec2Exception("InvalidGroup.NotFound", named.isEmpty()
                    ? "The security group '" + name + "' does not exist"
                    : "The security group name '" + name + "' is ambiguous: give GroupId");
        }
        return named.get(0);
    }

    /** The owner the API gives to what the world does not name an owner for: the first VPC's. */
    static String accountOf(World w) {
        return w.vpcs().isEmpty() ? null : w.vpcs().values().iterator().next().ownerId();
    }
}
