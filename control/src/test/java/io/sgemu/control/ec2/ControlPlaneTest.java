package io.sgemu.control.ec2;

import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.policy.PolicySnapshot;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ControlPlaneTest {

    @Test
    void publishesTheFirstSnapshot_andNumbersEachChange() {
        List<PolicySnapshot> seen = new CopyOnWriteArrayList<>();
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, seen::add);
        assertThat(seen).containsExactly(plane.current().policy());
        assertThat(plane.current().version()).isEqualTo(1);
        World next = plane.apply(w -> w.withNetworkInterface(w.networkInterfaces().get("eni-web").withGroups(List.of())));
        assertThat(plane.current().version()).isEqualTo(2);
        assertThat(plane.world()).isSameAs(next);
        assertThat(seen).hasSize(2).last().isSameAs(plane.current().policy());
    }

    @Test
    void aRefusedEditOrARefusingListenerChangesNothing() {
        List<PolicySnapshot> seen = new CopyOnWriteArrayList<>();
        boolean[] refuse = {false};
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> {
            if (refuse[0]) {
                throw new IllegalArgumentException("too many ENIs");
            }
            seen.add(p);
        });
        World before = plane.world();
        assertThatThrownBy(() -> plane.apply(w -> {
            throw new Ec2Exception("InvalidGroup.NotFound", "no");
        })).isInstanceOf(Ec2Exception.class);
        refuse[0] = true;
        assertThatThrownBy(() -> plane.apply(w -> w.withNetworkInterface(
                Ec2TestWorld.eni("eni-new", "subnet-a", "10.0.1.99")))).hasMessage("too many ENIs");
        assertThat(plane.world()).isSameAs(before);
        assertThat(plane.current().version()).isEqualTo(1);
        assertThat(seen).hasSize(1);
        assertThat(plane.apply(w -> w)).as("an edit that changes nothing publishes nothing").isSameAs(before);
        assertThat(plane.current().version()).isEqualTo(1);
    }

    @Test
    void everyRuleGetsAnIdOnce() {
        ControlPlane plane = new ControlPlane(Ec2TestWorld.build(), null, p -> { });
        World w = plane.apply(x -> x.withSecurityGroup(new io.sgemu.control.model.SecurityGroup("sg-2", "two", "vpc-1",
                Ec2TestWorld.ACCOUNT, List.of(new SgRule(null, false, 6, 22, 22,
                        new io.sgemu.control.model.Peer.GroupPeer("sg-default"), null, 0)), List.of())));
        String id = w.securityGroups().get("sg-2").ingress().get(0).ruleId();
        assertThat(id).matches("sgr-[0-9a-f]{17}");
        assertThat(w.securityGroups().get("sg-default").egress().get(0).ruleId()).as("a given id is kept").isEqualTo("sgr-egress");
        World again = plane.apply(x -> x.withNetworkInterface(x.networkInterfaces().get("eni-web").withGroups(List.of("sg-2"))));
        assertThat(again.securityGroups().get("sg-2").ingress().get(0).ruleId()).isEqualTo(id);
    }
}
