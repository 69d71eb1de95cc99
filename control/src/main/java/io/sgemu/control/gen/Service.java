package io.sgemu.control.gen;

import io.sgemu.dataplane.net.Cidr;
import java.util.List;

/**
 * Something the world's security groups open: clients that may call servers on one protocol and port.
 * Clients are ENI addresses ({@code clientAddrs}) or outside hosts drawn from {@code clientCidrs};
 * servers are ENI addresses ({@code serverAddrs}) or an outside host drawn from {@code serverCidr}.
 *
 * @param port   the server's port; -1 for ICMP echo
 * @param origin the rule this service was read from, for messages
 */
record Service(int protocol, int port, List<Integer> clientAddrs, List<Cidr> clientCidrs, List<Integer> serverAddrs,
               Cidr serverCidr, String origin) {

    Service {
        clientAddrs = List.copyOf(clientAddrs);
        clientCidrs = List.copyOf(clientCidrs);
        serverAddrs = List.copyOf(serverAddrs);
    }

    boolean externalClients() {
        return !clientCidrs.isEmpty();
    }

    boolean externalServer() {
        return serverCidr != null;
    }
}
