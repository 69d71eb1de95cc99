package io.sgemu.control.fuzz;

import io.sgemu.control.changes.ChangeLog;
import io.sgemu.control.changes.ChangeLogException;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Change lines: {@link ChangeLog#read(Path, World)}, every line parsed and applied to the example world in
 * turn. Bad input is a {@link ChangeLogException}.
 */
final class ChangeLogTarget implements FuzzTarget {

    private final World world = ExampleWorld.load();
    private final Path dir;
    private final Path file;

    ChangeLogTarget() {
        try {
            this.dir = Files.createTempDirectory("sgemu-fuzz-changes");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.file = dir.resolve("changes.jsonl");
    }

    @Override
    public String name() {
        return "changes";
    }

    @Override
    public String entryPoint() {
        return "ChangeLog.read(Path, World)";
    }

    @Override
    public boolean isText() {
        return true;
    }

    @Override
    public boolean accepts(Path f) {
        return f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl");
    }

    @Override
    public void run(byte[] input) throws IOException {
        Files.write(file, input);
        ChangeLog.read(file, world);
    }

    @Override
    public boolean isBadInput(Throwable t) {
        return t instanceof ChangeLogException;
    }

    @Override
    public List<byte[]> seeds() {
        ExampleWorld.Ids id = ExampleWorld.ids();
        List<String> lines = new ArrayList<>();
        lines.add("{\"at\": 1767225601.2, \"action\": \"AuthorizeSecurityGroupIngress\", \"input\": {\"GroupId\": \""
                + id.group() + "\", \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 8080, \"ToPort\": 8081,"
                + " \"IpRanges\": [{\"CidrIp\": \"203.0.113.0/24\", \"Description\": \"office\"}],"
                + " \"Ipv6Ranges\": [{\"CidrIpv6\": \"2001:db8::/32\"}]}]}}");
        lines.add("{\"at\": 1767225601.5, \"action\": \"AuthorizeSecurityGroupEgress\", \"input\": {\"GroupId\": \""
                + id.group2() + "\", \"IpPermissions\": [{\"IpProtocol\": \"icmp\", \"FromPort\": 8, \"ToPort\": -1,"
                + " \"UserIdGroupPairs\": [{\"GroupId\": \"" + id.group() + "\"}]}]}}");
        lines.add("{\"at\": 1767225602, \"action\": \"RevokeSecurityGroupIngress\", \"input\": {\"GroupId\": \""
                + id.group() + "\", \"IpPermissions\": [{\"IpProtocol\": \"tcp\", \"FromPort\": 8080, \"ToPort\": 8081,"
                + " \"IpRanges\": [{\"CidrIp\": \"203.0.113.0/24\"}]}]}}");
        lines.add("{\"at\": 1767225603, \"action\": \"ModifyNetworkInterfaceAttribute\", \"input\": {\"NetworkInterfaceId\": \""
                + id.eni() + "\", \"Groups\": [\"" + id.group() + "\", \"" + id.group2() + "\"]}}");
        lines.add("{\"at\": 1767225604.0, \"action\": \"CreateNetworkAclEntry\", \"input\": {\"NetworkAclId\": \""
                + id.acl() + "\", \"RuleNumber\": 130, \"Protocol\": \"6\", \"RuleAction\": \"allow\", \"Egress\": false,"
                + " \"CidrBlock\": \"198.51.100.0/24\", \"PortRange\": {\"From\": 22, \"To\": 22}}}");
        lines.add("{\"at\": 1767225604.5, \"action\": \"ReplaceNetworkAclEntry\", \"input\": {\"NetworkAclId\": \""
                + id.acl() + "\", \"RuleNumber\": 130, \"Protocol\": \"1\", \"RuleAction\": \"deny\", \"Egress\": false,"
                + " \"Ipv6CidrBlock\": \"::/0\", \"IcmpTypeCode\": {\"Type\": 3, \"Code\": -1}}}");
        lines.add("{\"at\": 1767225605, \"action\": \"DeleteNetworkAclEntry\", \"input\": {\"NetworkAclId\": \""
                + id.acl() + "\", \"RuleNumber\": 130, \"Egress\": false}}");
        lines.add("{\"at\": 1767225606, \"action\": \"ReplaceNetworkAclAssociation\", \"input\": {\"AssociationId\": \""
                + id.assoc() + "\", \"NetworkAclId\": \"" + id.acl() + "\"}}");
        List<byte[]> out = new ArrayList<>();
        out.add(String.join("\n", lines).concat("\n").getBytes(StandardCharsets.UTF_8));
        for (String l : lines) {
            out.add(l.getBytes(StandardCharsets.UTF_8));
        }
        Path ex = ExampleWorld.threeTier();
        if (ex != null && Files.exists(ex.resolve("changes.jsonl"))) {
            try {
                out.add(Files.readAllBytes(ex.resolve("changes.jsonl")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }
}
