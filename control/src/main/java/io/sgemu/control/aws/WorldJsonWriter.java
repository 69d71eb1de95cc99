package io.sgemu.control.aws;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.sgemu.control.model.ConnTrackConfig;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.NetworkAcl;
import io.sgemu.control.model.NetworkInterface;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.Protocols;
import io.sgemu.control.model.SecurityGroup;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.Subnet;
import io.sgemu.control.model.Vpc;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import io.sgemu.dataplane.io.PartialFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link World} as the JSON the AWS CLI prints, in a folder that {@link WorldLoader} reads back:
 * {@code describe-vpcs.json}, {@code describe-subnets.json}, {@code describe-network-acls.json},
 * {@code describe-security-groups.json}, {@code describe-network-interfaces.json},
 * {@code describe-managed-prefix-lists.json} and one {@code prefix-list-entries/<pl-id>.json}
 * (get-managed-prefix-list-entries output, which names no list: the loader takes the id from the file name)
 * per prefix list.
 *
 * <p>Big kinds are split into numbered files ({@code describe-security-groups-00000.json}, ...) of at most
 * {@link #itemsPerFile} items, so that loading never has to hold one huge document; the numbers sort in
 * item order, so the loaded world keeps the order of this one. Every item is streamed with a
 * {@link JsonGenerator}: no tree of the output is ever built.
 *
 * <p>What the JSON cannot carry, and so does not survive a round trip: security-group rule ids
 * ({@code describe-security-groups} prints none; rules are written one {@code IpPermission} per rule, so
 * their order and index do survive); a public IPv4 mapped to an address that is not one of the ENI's private
 * IPv4s, and more than one public IPv4 per private address beyond the primary's two places.
 */
public final class WorldJsonWriter {
    /** Items per file for groups and interfaces by default: small enough for the loader's one-document reads. */
    public static final int DEFAULT_ITEMS_PER_FILE = 5_000;
    /** The folder, below the output folder, of the get-managed-prefix-list-entries files. */
    public static final String ENTRIES_FOLDER = "prefix-list-entries";

    private static final JsonFactory FACTORY = new JsonFactory();

    private final int itemsPerFile;
    private long bytes;
    private final List<Path> files = new ArrayList<>();

    public WorldJsonWriter(int itemsPerFile) {
        if (itemsPerFile < 1) {
            throw new IllegalArgumentException("items per file must be at least 1");
        }
        this.itemsPerFile = itemsPerFile;
    }

    public WorldJsonWriter() {
        this(DEFAULT_ITEMS_PER_FILE);
    }

    /** Bytes written so far by this writer. */
    public long bytesWritten() {
        return bytes;
    }

    /** Files written so far, in the order they were written. */
    public List<Path> files() {
        return List.copyOf(files);
    }

    /** Writes every part of the world below {@code folder} (created if needed). */
    public void write(World world, Path folder) throws IOException {
        Files.createDirectories(folder);
        writeKind(folder, "describe-vpcs", "Vpcs", world.vpcs().values(), this::vpc);
        writeKind(folder, "describe-subnets", "Subnets", world.subnets().values(), this::subnet);
        writeKind(folder, "describe-network-acls", "NetworkAcls", world.networkAcls().values(), this::networkAcl);
        writeKind(folder, "describe-security-groups", "SecurityGroups", world.securityGroups().values(), this::securityGroup);
        writeKind(folder, "describe-network-interfaces", "NetworkInterfaces", world.networkInterfaces().values(),
                this::networkInterface);
        if (!world.prefixLists().isEmpty()) {
            writeKind(folder, "describe-managed-prefix-lists", "PrefixLists", world.prefixLists().values(), this::prefixList);
            Path entries = folder.resolve(ENTRIES_FOLDER);
            Files.createDirectories(entries);
            for (PrefixList pl : world.prefixLists().values()) {
                writeDocument(entries.resolve(pl.id() + ".json"), "Entries", pl.entries(), (g, c) -> {
                    g.writeStartObject();
                    g.writeStringField("Cidr", c.toString());
                    g.writeEndObject();
                });
            }
        }
    }

    /** Writes one item of a kind as its JSON object. */
    @FunctionalInterface
    private interface ItemWriter<T> {
        void write(JsonGenerator g, T item) throws IOException;
    }

    private <T> void writeKind(Path folder, String stem, String key, Collection<T> items, ItemWriter<T> w) throws IOException {
        if (items.size() <= itemsPerFile) {
            writeDocument(folder.resolve(stem + ".json"), key, items, w);
            return;
        }
        List<T> all = new ArrayList<>(items);
        int width = Math.max(5, Integer.toString((all.size() - 1) / itemsPerFile).length());
        for (int from = 0, n = 0; from < all.size(); from += itemsPerFile, n++) {
            String name = String.format(Locale.ROOT, "%s-%0" + width + "d.json", stem, n);
            writeDocument(folder.resolve(name), key, all.subList(from, Math.min(all.size(), from + itemsPerFile)), w);
        }
    }

    private <T> void writeDocument(Path file, String key, Collection<T> items, ItemWriter<T> w) throws IOException {
        // written as .NAME.partial and renamed once whole: a crash never leaves a torn document under NAME,
        // and a failure part-way leaves none at all
        PartialFile partial = PartialFile.create(file);
        try (OutputStream raw = new BufferedOutputStream(partial, 1 << 16);
             CountingStream counted = new CountingStream(raw);
             JsonGenerator g = FACTORY.createGenerator(counted, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(awsCliPrinter());
            g.writeStartObject();
            g.writeArrayFieldStart(key);
            for (T item : items) {
                w.write(g, item);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            counted.write('\n');
            counted.flush();
            bytes += counted.count;
        } catch (UncheckedIOException e) {
            partial.abandon();
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            partial.abandon();
            throw e;
        }
        files.add(file);
    }

    /** The AWS CLI's layout: four-space indents, {@code "key": value}. */
    private static DefaultPrettyPrinter awsCliPrinter() {
        DefaultIndenter indent = new DefaultIndenter("    ", "\n");
        Separators seps = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator("");
        return new DefaultPrettyPrinter(seps).withObjectIndenter(indent).withArrayIndenter(indent);
    }

    private static void optString(JsonGenerator g, String field, String value) throws IOException {
        if (value != null) {
            g.writeStringField(field, value);
        }
    }

    private void vpc(JsonGenerator g, Vpc v) throws IOException {
        g.writeStartObject();
        g.writeStringField("VpcId", v.id());
        optString(g, "OwnerId", v.ownerId());
        if (!v.ipv4Cidrs().isEmpty()) {
            g.writeStringField("CidrBlock", v.ipv4Cidrs().get(0).toString());
        }
        g.writeStringField("State", "available");
        g.writeArrayFieldStart("CidrBlockAssociationSet");
        for (int i = 0; i < v.ipv4Cidrs().size(); i++) {
            g.writeStartObject();
            g.writeStringField("AssociationId", "vpc-cidr-assoc-" + suffix(v.id()) + "-" + i);
            g.writeStringField("CidrBlock", v.ipv4Cidrs().get(i).toString());
            g.writeObjectFieldStart("CidrBlockState");
            g.writeStringField("State", "associated");
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
        if (v.hasIpv6()) {
            g.writeArrayFieldStart("Ipv6CidrBlockAssociationSet");
            for (int i = 0; i < v.ipv6Cidrs().size(); i++) {
                ipv6Block(g, "vpc-cidr-assoc-" + suffix(v.id()) + "-6-" + i, v.ipv6Cidrs().get(i));
            }
            g.writeEndArray();
        }
        g.writeBooleanField("IsDefault", false);
        g.writeEndObject();
    }

    private static void ipv6Block(JsonGenerator g, String associationId, Cidr c) throws IOException {
        g.writeStartObject();
        g.writeStringField("AssociationId", associationId);
        g.writeStringField("Ipv6CidrBlock", c.toString());
        g.writeObjectFieldStart("Ipv6CidrBlockState");
        g.writeStringField("State", "associated");
        g.writeEndObject();
        g.writeEndObject();
    }

    private static String suffix(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? id : id.substring(dash + 1);
    }

    private void subnet(JsonGenerator g, Subnet s) throws IOException {
        g.writeStartObject();
        g.writeStringField("SubnetId", s.id());
        g.writeStringField("VpcId", s.vpcId());
        optString(g, "AvailabilityZone", s.availabilityZone());
        optString(g, "AvailabilityZoneId", s.availabilityZoneId());
        if (s.ipv4Cidr() != null) {
            g.writeStringField("CidrBlock", s.ipv4Cidr().toString());
        }
        g.writeStringField("State", "available");
        optString(g, "OwnerId", s.ownerId());
        g.writeArrayFieldStart("Ipv6CidrBlockAssociationSet");
        if (s.ipv6Cidr() != null) {
            ipv6Block(g, "subnet-cidr-assoc-" + suffix(s.id()), s.ipv6Cidr());
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private void networkAcl(JsonGenerator g, NetworkAcl a) throws IOException {
        g.writeStartObject();
        g.writeStringField("NetworkAclId", a.id());
        g.writeStringField("VpcId", a.vpcId());
        g.writeBooleanField("IsDefault", a.isDefault());
        g.writeArrayFieldStart("Associations");
        for (String subnet : a.subnetIds()) {
            g.writeStartObject();
            g.writeStringField("NetworkAclAssociationId", a.associationIds().get(subnet));
            g.writeStringField("NetworkAclId", a.id());
            g.writeStringField("SubnetId", subnet);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Entries");
        for (NaclEntry e : a.entries()) {
            naclEntry(g, e);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void naclEntry(JsonGenerator g, NaclEntry e) throws IOException {
        g.writeStartObject();
        g.writeStringField(e.cidr().family() == IpAddress.V4 ? "CidrBlock" : "Ipv6CidrBlock", e.cidr().toString());
        g.writeBooleanField("Egress", e.egress());
        if (Protocols.isIcmp(e.protocol())) {
            g.writeObjectFieldStart("IcmpTypeCode");
            g.writeNumberField("Code", e.icmpCode());
            g.writeNumberField("Type", e.icmpType());
            g.writeEndObject();
        }
        if (Protocols.hasPorts(e.protocol()) && e.portRange() != null) {
            g.writeObjectFieldStart("PortRange");
            g.writeNumberField("From", e.portRange().from());
            g.writeNumberField("To", e.portRange().to());
            g.writeEndObject();
        }
        // describe-network-acls prints the protocol as a number ("6"), or "-1"
        g.writeStringField("Protocol", Integer.toString(e.protocol()));
        g.writeStringField("RuleAction", e.allow() ? "allow" : "deny");
        g.writeNumberField("RuleNumber", e.ruleNumber());
        g.writeEndObject();
    }

    private void securityGroup(JsonGenerator g, SecurityGroup sg) throws IOException {
        g.writeStartObject();
        g.writeStringField("GroupId", sg.id());
        optString(g, "GroupName", sg.name());
        optString(g, "Description", sg.name());
        optString(g, "OwnerId", sg.ownerId());
        optString(g, "VpcId", sg.vpcId());
        g.writeArrayFieldStart("IpPermissions");
        for (SgRule r : sg.ingress()) {
            permission(g, r, sg.ownerId());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("IpPermissionsEgress");
        for (SgRule r : sg.egress()) {
            permission(g, r, sg.ownerId());
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** One rule as one {@code IpPermission} with one peer, so the loader flattens it back to the same index. */
    private static void permission(JsonGenerator g, SgRule r, String owner) throws IOException {
        g.writeStartObject();
        g.writeStringField("IpProtocol", Protocols.name(r.protocol()));
        if (Protocols.hasPorts(r.protocol()) || Protocols.isIcmp(r.protocol())) {
            g.writeNumberField("FromPort", r.fromPort());
            g.writeNumberField("ToPort", r.toPort());
        }
        boolean v4 = r.peer() instanceof Peer.CidrPeer c && c.cidr().family() == IpAddress.V4;
        boolean v6 = r.peer() instanceof Peer.CidrPeer c && c.cidr().family() == IpAddress.V6;
        g.writeArrayFieldStart("IpRanges");
        if (v4) {
            peerObject(g, "CidrIp", r.peer().toString(), r.description(), null);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Ipv6Ranges");
        if (v6) {
            peerObject(g, "CidrIpv6", r.peer().toString(), r.description(), null);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("PrefixListIds");
        if (r.peer() instanceof Peer.PrefixListPeer p) {
            peerObject(g, "PrefixListId", p.prefixListId(), r.description(), null);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("UserIdGroupPairs");
        if (r.peer() instanceof Peer.GroupPeer p) {
            peerObject(g, "GroupId", p.groupId(), r.description(), owner);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void peerObject(JsonGenerator g, String field, String value, String description, String userId)
            throws IOException {
        g.writeStartObject();
        optString(g, "Description", description);
        g.writeStringField(field, value);
        optString(g, "UserId", userId);
        g.writeEndObject();
    }

    private void networkInterface(JsonGenerator g, NetworkInterface e) throws IOException {
        g.writeStartObject();
        g.writeStringField("NetworkInterfaceId", e.id());
        g.writeStringField("InterfaceType", e.interfaceType());
        optString(g, "AvailabilityZone", e.availabilityZone());
        optString(g, "OwnerId", e.ownerId());
        g.writeStringField("Status", "in-use");
        g.writeStringField("SubnetId", e.subnetId());
        optString(g, "VpcId", e.vpcId());
        if (e.instanceId() != null) {
            g.writeObjectFieldStart("Attachment");
            g.writeStringField("InstanceId", e.instanceId());
            g.writeStringField("Status", "attached");
            g.writeEndObject();
        }
        // The primary's public IPv4 is written at the top (Association.PublicIp), as AWS prints it; the
        // first one mapped to each other private address on that address's entry.
        IpAddress primaryPublic = null;
        for (Map.Entry<IpAddress, IpAddress> m : sortedPublic(e)) {
            if (m.getValue().equals(e.primaryIpv4())) {
                primaryPublic = m.getKey();
                break;
            }
        }
        if (primaryPublic != null) {
            g.writeObjectFieldStart("Association");
            g.writeStringField("PublicIp", primaryPublic.toString());
            g.writeEndObject();
        }
        if (e.primaryIpv4() != null) {
            g.writeStringField("PrivateIpAddress", e.primaryIpv4().toString());
        }
        g.writeArrayFieldStart("PrivateIpAddresses");
        if (e.primaryIpv4() != null) {
            privateAddress(g, e, e.primaryIpv4(), true, primaryPublic);
        }
        for (IpAddress a : e.secondaryIpv4()) {
            privateAddress(g, e, a, false, null);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Ipv6Addresses");
        for (IpAddress a : e.ipv6()) {
            g.writeStartObject();
            g.writeStringField("Ipv6Address", a.toString());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("Groups");
        for (String id : e.groupIds()) {
            g.writeStartObject();
            g.writeStringField("GroupId", id);
            g.writeEndObject();
        }
        g.writeEndArray();
        ConnTrackConfig ct = e.connTrack();
        if (ct != null && (ct.tcpEstablishedTimeout() != ConnTrackConfig.DEFAULT_TCP_ESTABLISHED
                || ct.udpTimeout() != ConnTrackConfig.DEFAULT_UDP || ct.udpStreamTimeout() != ConnTrackConfig.DEFAULT_UDP_STREAM)) {
            g.writeObjectFieldStart("ConnectionTrackingConfiguration");
            g.writeNumberField("TcpEstablishedTimeout", ct.tcpEstablishedTimeout());
            g.writeNumberField("UdpStreamTimeout", ct.udpStreamTimeout());
            g.writeNumberField("UdpTimeout", ct.udpTimeout());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("TagSet");
        if (ct != null && ct.maxTrackedConnections() != 0) {
            g.writeStartObject();
            g.writeStringField("Key", AwsDescribeReader.ALLOWANCE_TAG);
            g.writeStringField("Value", Long.toString(ct.maxTrackedConnections()));
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Public IPv4s in address order, so the output never depends on the map's iteration order. */
    private static List<Map.Entry<IpAddress, IpAddress>> sortedPublic(NetworkInterface e) {
        if (e.publicIps().isEmpty()) {
            return List.of();
        }
        return e.publicIps().entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
    }

    private static void privateAddress(JsonGenerator g, NetworkInterface e, IpAddress a, boolean primary,
                                       IpAddress alreadyWritten) throws IOException {
        g.writeStartObject();
        g.writeBooleanField("Primary", primary);
        g.writeStringField("PrivateIpAddress", a.toString());
        for (Map.Entry<IpAddress, IpAddress> m : sortedPublic(e)) {
            if (m.getValue().equals(a) && !m.getKey().equals(alreadyWritten)) {
                g.writeObjectFieldStart("Association");
                g.writeStringField("PublicIp", m.getKey().toString());
                g.writeEndObject();
                break;
            }
        }
        g.writeEndObject();
    }

    private void prefixList(JsonGenerator g, PrefixList pl) throws IOException {
        g.writeStartObject();
        g.writeStringField("PrefixListId", pl.id());
        g.writeStringField("AddressFamily", pl.family() == IpAddress.V4 ? "IPv4" : "IPv6");
        g.writeStringField("State", "create-complete");
        optString(g, "PrefixListName", pl.name());
        g.writeNumberField("MaxEntries", Math.max(1, pl.entries().size()));
        g.writeNumberField("Version", 1);
        g.writeEndObject();
    }

    /** Counts the bytes that reach the file. */
    private static final class CountingStream extends OutputStream {
        private final OutputStream out;
        long count;

        CountingStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
