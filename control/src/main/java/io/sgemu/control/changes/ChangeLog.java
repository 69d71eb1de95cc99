package io.sgemu.control.changes;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.aws.AwsShapes.ParsedRule;
import io.sgemu.control.aws.BadInputException;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.model.NaclEntry;
import io.sgemu.control.model.Peer;
import io.sgemu.control.model.SgRule;
import io.sgemu.control.model.World;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a change log: JSON Lines of {@code {"at": UNIX_SECONDS, "action": "...", "input": {...}}}, where
 * {@code input} is the EC2 request as the CLI's {@code --cli-input-json} takes it. Member names are
 * matched without regard to case, and the action may be spelled as the API ({@code
 * AuthorizeSecurityGroupIngress}) or as the CLI command ({@code authorize-security-group-ingress}).
 * An optional {@code output} object may carry EC2's answer ({@code NewAssociationId}).
 *
 * <p>Reading is all or nothing: a bad line (bad JSON, unknown action, missing member, bad value, time
 * going backwards) fails the whole read, naming the line. {@link #read(Path, World)} also applies the
 * changes in order to the world, so that a change EC2 would refuse is reported at read time and a
 * replay never stops half way.
 */
public final class ChangeLog {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    /** The actions understood, by their name without case or separators. */
    private static final Map<String, String> ACTIONS = Map.ofEntries(
            action("AuthorizeSecurityGroupIngress"), action("AuthorizeSecurityGroupEgress"),
            action("RevokeSecurityGroupIngress"), action("RevokeSecurityGroupEgress"),
            action("ModifyNetworkInterfaceAttribute"), action("CreateNetworkAclEntry"),
            action("ReplaceNetworkAclEntry"), action("DeleteNetworkAclEntry"), action("ReplaceNetworkAclAssociation"));

    private ChangeLog() {
    }

    private static Map.Entry<String, String> action(String name) {
        return Map.entry(normalise(name), name);
    }

    private static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** Reads and checks every line, then checks that each change fits the world left by the ones before it. */
    public static List<Change> read(Path file, World world) {
        List<Change> changes = read(file);
        World w = world;
        for (Change c : changes) {
            w = c.apply(w);
        }
        return changes;
    }

    /** Reads and checks every line, without a world to check the changes against. */
    public static List<Change> read(Path file) {
        String name = file.toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new ChangeLogException(name + ": no such file", e);
        } catch (IOException e) {
            throw new ChangeLogException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
        List<Change> out = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            Change c = parseLine(name, i + 1, text);
            if (c.atNanos() < previous) {
                throw new ChangeLogException(name + ":" + (i + 1) + ": at " + seconds(c.atNanos())
                        + " is before the previous change's " + seconds(previous) + " (lines must be in time order)");
            }
            previous = c.atNanos();
            out.add(c);
        }
        return out;
    }

    private static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    static Change parseLine(String file, int line, String text) {
        String where = file + ":" + line + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage();
            int nl = what.indexOf('\n');
            what = nl < 0 ? what : what.substring(0, nl);
            String col = e.getLocation() != null && e.getLocation().getColumnNr() > 0
                    ? " (column " + e.getLocation().getColumnNr() + ")" : "";
            throw new ChangeLogException(where + "bad JSON" + col + ": " + what, e);
        }
        LocatedNode root = LocatedNode.root(node, true);
        if (!root.isObject()) {
            throw new ChangeLogException(where + "expected an object {\"at\": ..., \"action\": ..., \"input\": {...}}, found "
                    + root.kind());
        }
        long atNanos;
        String action;
        try {
            atNanos = atNanos(root.required("at"));
            LocatedNode a = root.required("action");
            action = ACTIONS.get(normalise(a.text()));
            if (action == null) {
                throw a.error("unknown action '" + a.text() + "' (known: "
                        + String.join(", ", ACTIONS.values().stream().sorted().toList()) + ")");
            }
        } catch (BadInputException e) {
            throw new ChangeLogException(where + e.getMessage(), e);
        }
        try {
            LocatedNode input = root.required("input");
            if (!input.isObject()) {
                throw input.error("expected an object, found " + input.kind());
            }
            Edit edit = input.optBool("DryRun", false)
                    ? new NoOpEdit(subject(input), "DryRun")
                    : edit(action, input, root.get("output"));
            return new Change(file, line, atNanos, action, edit);
        } catch (BadInputException e) {
            throw new ChangeLogException(where + action + ": " + e.getMessage(), e);
        }
    }

    private static String subject(LocatedNode input) {
        for (String f : List.of("GroupId", "GroupName", "NetworkInterfaceId", "NetworkAclId", "AssociationId")) {
            if (input.has(f)) {
                return input.get(f).text();
            }
        }
        return "-";
    }

    private static long atNanos(LocatedNode at) {
        JsonNode n = at.raw();
        if (!n.isNumber()) {
            throw at.error("expected Unix seconds as a number, found " + at.kind());
        }
        BigDecimal seconds = n.decimalValue();
        if (seconds.signum() < 0) {
            throw at.error(seconds.toPlainString() + " is before 1970");
        }
        try {
            return seconds.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (ArithmeticException e) {
            throw at.error(seconds.toPlainString() + " is too far in the future");
        }
    }

    /** True when {@code action}, spelled exactly as the API does, is one the change log understands. */
    static boolean knows(String action) {
        return ACTIONS.containsValue(action);
    }

    static Edit edit(String action, LocatedNode in, LocatedNode output) {
        return switch (action) {
            case "AuthorizeSecurityGroupIngress" -> sgRules(in, true, false);
            case "AuthorizeSecurityGroupEgress" -> sgRules(in, true, true);
            case "RevokeSecurityGroupIngress" -> sgRules(in, false, false);
            case "RevokeSecurityGroupEgress" -> sgRules(in, false, true);
            case "ModifyNetworkInterfaceAttribute" -> eniAttribute(in);
            case "CreateNetworkAclEntry" -> naclEntry(in, NaclEntryEdit.Kind.CREATE);
            case "ReplaceNetworkAclEntry" -> naclEntry(in, NaclEntryEdit.Kind.REPLACE);
            case "DeleteNetworkAclEntry" -> naclEntry(in, NaclEntryEdit.Kind.DELETE);
            case "ReplaceNetworkAclAssociation" -> new NaclAssociationEdit(in.requiredText("AssociationId"),
                    in.requiredText("NetworkAclId"), output.optText("NewAssociationId"));
            default -> throw new IllegalStateException(action);
        };
    }

    private static Edit sgRules(LocatedNode in, boolean authorize, boolean egress) {
        String groupId = in.optText("GroupId");
        String groupName = in.optText("GroupName");
        if (groupId == null && (groupName == null || egress)) {
            throw in.get("GroupId").error("missing");
        }
        List<ParsedRule> rules = new ArrayList<>();
        for (LocatedNode p : in.get("IpPermissions").elements()) {
            List<ParsedRule> flat = AwsShapes.flattenPermission(p, egress, rules.size(), null);
            if (flat.isEmpty()) {
                throw p.error("no peer (IpRanges, Ipv6Ranges, PrefixListIds or UserIdGroupPairs)");
            }
            rules.addAll(flat);
        }
        if (in.has("SourceSecurityGroupName")) {
            throw in.get("SourceSecurityGroupName").error("not supported: name the group in IpPermissions[].UserIdGroupPairs");
        }
        if (in.has("CidrIp") || in.has("IpProtocol")) {
            // the request's older flat form: one CIDR, protocol and ports at the top
            int protocol = AwsShapes.protocol(in.required("IpProtocol"));
            int[] ports = AwsShapes.rulePorts(protocol, in.get("FromPort"), in.get("ToPort"), null);
            LocatedNode c = in.required("CidrIp");
            rules.add(new ParsedRule(new SgRule(null, egress, protocol, ports[0], ports[1],
                    new Peer.CidrPeer(AwsShapes.cidr(c, 0, null)), null, rules.size()), c.path(), null));
        }
        List<String> ruleIds = new ArrayList<>();
        if (in.has("SecurityGroupRuleIds")) {
            if (authorize) {
                throw in.get("SecurityGroupRuleIds").error("only a revoke names rules by id");
            }
            for (LocatedNode id : in.get("SecurityGroupRuleIds").elements()) {
                ruleIds.add(id.text());
            }
        }
        if (rules.isEmpty() && ruleIds.isEmpty()) {
            throw in.get("IpPermissions").error("missing" + (authorize ? "" : " (or SecurityGroupRuleIds)"));
        }
        return new SgRulesEdit(authorize, egress, groupId, groupId == null ? groupName : null, rules, ruleIds);
    }

    private static Edit eniAttribute(LocatedNode in) {
        String eni = in.requiredText("NetworkInterfaceId");
        List<String> groups = null;
        if (in.has("Groups")) {
            groups = new ArrayList<>();
            for (LocatedNode g : in.get("Groups").elements()) {
                groups.add(g.text());
            }
            if (groups.isEmpty()) {
                throw in.get("Groups").error("an interface needs at least one security group");
            }
        }
        LocatedNode spec = in.get("ConnectionTrackingSpecification");
        Integer tcp = null;
        Integer udp = null;
        Integer stream = null;
        if (!spec.isAbsent()) {
            if (!spec.isObject()) {
                throw spec.error("expected an object, found " + spec.kind());
            }
            tcp = spec.has("TcpEstablishedTimeout") ? AwsShapes.timeout(spec.get("TcpEstablishedTimeout"), 0, 60, 432_000) : null;
            udp = spec.has("UdpTimeout") ? AwsShapes.timeout(spec.get("UdpTimeout"), 0, 30, 60) : null;
            stream = spec.has("UdpStreamTimeout") ? AwsShapes.timeout(spec.get("UdpStreamTimeout"), 0, 60, 180) : null;
        }
        if (groups == null && tcp == null && udp == null && stream == null) {
            List<String> others = in.fieldNames().stream()
                    .filter(f -> !f.equalsIgnoreCase("NetworkInterfaceId") && !f.equalsIgnoreCase("DryRun")).toList();
            return new NoOpEdit(eni, others.isEmpty() ? "no attribute given"
                    : String.join(", ", others) + " do" + (others.size() == 1 ? "es" : "") + " not filter packets");
        }
        return new EniAttributeEdit(eni, groups, tcp, udp, stream);
    }

    private static Edit naclEntry(LocatedNode in, NaclEntryEdit.Kind kind) {
        String acl = in.requiredText("NetworkAclId");
        if (kind == NaclEntryEdit.Kind.DELETE) {
            LocatedNode n = in.required("RuleNumber");
            int number = n.intValue();
            if (number < 1 || number > AwsShapes.MAX_RULE_NUMBER) {
                throw n.error(number + " is not a rule number (1.." + AwsShapes.MAX_RULE_NUMBER + ")");
            }
            return new NaclEntryEdit(kind, acl, null, number, in.required("Egress").boolValue());
        }
        NaclEntry e = AwsShapes.naclEntry(in, null);
        return new NaclEntryEdit(kind, acl, e, e.ruleNumber(), e.egress());
    }
}
