package io.sgemu.control.reference;

import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.flowlog.FlowLogEni;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How an ENI appears in its flow-log records (SEMANTICS.md section 6): one reading, shared by the
 * reference evaluator and the policy compiler so that both print the same account, region and zone.
 */
public final class FlowLogEnis {

    /** A region name at the start of an availability zone name: us-east-1 in us-east-1a or us-west-2-lax-1a. */
    private static final Pattern REGION = Pattern.compile("^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\\d+)");

    private FlowLogEnis() {
    }

    /**
     * The flow-log identity of {@code eni} in {@code world}; {@code regionOverride} (null: derive it from the
     * subnet's, else the ENI's, availability zone) is the region printed.
     */
    public static FlowLogEni of(World world, NetworkInterface eni, String regionOverride) {
        Subnet subnet = world.subnets().get(eni.subnetId());
        Vpc vpc = world.vpcs().get(eni.vpcId());
        String account = eni.ownerId() != null ? eni.ownerId() : (vpc != null ? vpc.ownerId() : null);
        String az = subnet != null && subnet.availabilityZone() != null ? subnet.availabilityZone() : eni.availabilityZone();
        String region = regionOverride != null ? regionOverride : regionOf(az);
        String azId = subnet != null ? subnet.availabilityZoneId() : null;
        return new FlowLogEni(eni.id(), account, eni.vpcId(), eni.subnetId(), eni.instanceId(), region, azId);
    }

    /**
     * The region of an availability zone: {@code us-east-1a -> us-east-1}. Local and Wavelength zones
     * ({@code us-west-2-lax-1a}) keep only the region part; an unrecognised name drops its last letter.
     */
    public static String regionOf(String availabilityZone) {
        if (availabilityZone == null || availabilityZone.isEmpty()) {
            return null;
        }
        Matcher m = REGION.matcher(availabilityZone);
        if (m.find()) {
            return m.group(1);
        }
        char last = availabilityZone.charAt(availabilityZone.length() - 1);
        return Character.isLetter(last) ? availabilityZone.substring(0, availabilityZone.length() - 1) : availabilityZone;
    }
}
