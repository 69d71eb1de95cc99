package io.sgemu.control.changes;

import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.List;

/**
 * ModifyNetworkInterfaceAttribute: a new group list ({@code Groups}) and/or new connection-tracking
 * timeouts ({@code ConnectionTrackingSpecification}; a timeout it leaves out keeps its value).
 * Timeouts were range-checked when the line was read.
 */
record EniAttributeEdit(String eniId, List<String> groups, Integer tcpEstablished, Integer udp, Integer udpStream)
        implements Edit {

    @Override
    public World applyTo(World world) {
        NetworkInterface eni = world.networkInterfaces().get(eniId);
        if (eni == null) {
            throw new Rejected("InvalidNetworkInterfaceID.NotFound", "the network interface " + eniId + " does not exist");
        }
        if (groups != null) {
            for (String gid : groups) {
                SecurityGroup g = world.securityGroups().get(gid);
                if (g == null) {
                    throw new Rejected("InvalidGroup.NotFound", "the security group " + gid + " does not exist");
                }
                if (g.vpcId() != null && !g.vpcId().equals(eni.vpcId())) {
                    throw new Rejected("InvalidGroup.NotFound", "the security group " + gid + " is in " + g.vpcId()
                            + ", not in " + eni.vpcId() + " of " + eniId);
                }
            }
            eni = eni.withGroups(groups);
        }
        if (tcpEstablished != null || udp != null || udpStream != null) {
            ConnTrackConfig c = eni.connTrack() == null ? ConnTrackConfig.DEFAULT : eni.connTrack();
            eni = eni.withConnTrack(new ConnTrackConfig(
                    tcpEstablished != null ? tcpEstablished : c.tcpEstablishedTimeout(),
                    udp != null ? udp : c.udpTimeout(),
                    udpStream != null ? udpStream : c.udpStreamTimeout(),
                    c.maxTrackedConnections()));
        }
        return world.withNetworkInterface(eni);
    }

    @Override
    public String summary() {
        List<String> parts = new ArrayList<>();
        if (groups != null) {
            parts.add("groups " + String.join(" ", groups));
        }
        if (tcpEstablished != null) {
            parts.add("TcpEstablishedTimeout " + tcpEstablished);
        }
        if (udpStream != null) {
            parts.add("UdpStreamTimeout " + udpStream);
        }
        if (udp != null) {
            parts.add("UdpTimeout " + udp);
        }
        return eniId + ": " + String.join(", ", parts);
    }
}
