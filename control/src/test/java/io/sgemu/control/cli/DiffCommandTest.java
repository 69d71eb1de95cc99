package io.sgemu.control.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.diff.TrafficFiles;
import io.sgemu.control.reference.Packet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sgemu diff}: what a rule change would have done to recorded traffic, end to end. */
class DiffCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A web server (internet HTTPS, SSH from the VPC) and an app server behind it, in two subnets. */
    static final String WORLD = """
            account: "111122223333"
            vpcs: {vpc-1: {cidrs: [10.0.0.0/16]}}
            subnets:
              subnet-web: {vpc: vpc-1, cidr: 10.0.1.0/24}
              subnet-app: {vpc: vpc-1, cidr: 10.0.2.0/24}
            nacls:
              acl-web:
                vpc: vpc-1
                subnets: [subnet-web]
                ingress: [NACL_WEB"100 allow -1 all 0.0.0.0/0"]
                egress: ["100 allow -1 all 0.0.0.0/0"]
              acl-app:
                vpc: vpc-1
                subnets: [subnet-app]
                ingress: ["100 allow -1 all 0.0.0.0/0"]
                egress: ["100 allow -1 all 0.0.0.0/0"]
            groups:
              sg-web: {vpc: vpc-1, ingress: [SG_WEB"tcp 22 10.0.0.0/16 sgr-ssh"]}
              sg-app: {vpc: vpc-1, ingress: [SG_APP"tcp 8080 sg-web sgr-app"]}
            enis:
              eni-web: {subnet: subnet-web, ips: [10.0.1.10], groups: [sg-web]}
              eni-app: {subnet: subnet-app, ips: [10.0.2.20], groups: [sg-app]}
            """;

    static final String HTTPS_RULE = "\"tcp 443 0.0.0.0/0 sgr-https\", ";

    @TempDir
    Path tmp;

    /** The base world, with HTTPS allowed to the web server. */
    Path oldWorld() throws IOException {
        return world("old.yaml", "", HTTPS_RULE, "");
    }

    Path world(String name, String naclWeb, String sgWeb, String sgApp) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, WORLD.replace("NACL_WEB", naclWeb).replace("SG_WEB", sgWeb).replace("SG_APP", sgApp));
        return p;
    }

    static long t(double seconds) {
        return Packet.seconds(1_700_000_000 + seconds);
    }

    /** Two HTTPS clients, SSH from the app server, web to app on 8080 (allowed) and 9090 (not), with replies. */
    Path traffic() {
        List<Packet> p = new ArrayList<>();
        p.add(Packet.tcp(t(0), "203.0.113.5", 50000, "10.0.1.10", 443, Packet.SYN, 60));
        p.add(Packet.tcp(t(0.01), "10.0.1.10", 443, "203.0.113.5", 50000, Packet.SYN | Packet.ACK, 60));
        p.add(Packet.tcp(t(0.02), "203.0.113.5", 50000, "10.0.1.10", 443, Packet.ACK, 52));
        p.add(Packet.tcp(t(0.03), "203.0.113.5", 50000, "10.0.1.10", 443, Packet.PSH | Packet.ACK, 500));
        p.add(Packet.tcp(t(0.04), "10.0.1.10", 443, "203.0.113.5", 50000, Packet.PSH | Packet.ACK, 1400));
        p.add(Packet.tcp(t(1), "198.51.100.7", 50001, "10.0.1.10", 443, Packet.SYN, 60));
        p.add(Packet.tcp(t(1.5), "198.51.100.7", 50001, "10.0.1.10", 443, Packet.SYN, 60));
        p.add(Packet.tcp(t(2), "10.0.2.20", 40000, "10.0.1.10", 22, Packet.SYN, 60));
        p.add(Packet.tcp(t(2.01), "10.0.1.10", 22, "10.0.2.20", 40000, Packet.SYN | Packet.ACK, 60));
        p.add(Packet.tcp(t(3), "10.0.1.10", 41000, "10.0.2.20", 8080, Packet.SYN, 60));
        p.add(Packet.tcp(t(3.01), "10.0.2.20", 8080, "10.0.1.10", 41000, Packet.SYN | Packet.ACK, 60));
        p.add(Packet.tcp(t(4), "10.0.1.10", 41001, "10.0.2.20", 9090, Packet.SYN, 60));
        p.add(Packet.tcp(t(4.5), "10.0.1.10", 41001, "10.0.2.20", 9090, Packet.SYN, 60));
        return TrafficFiles.pcap(tmp.resolve("t.pcap"), p);
    }

    CliRun diff(Path before, Path after, Path capture, String... more) {
        List<String> args = new ArrayList<>(List.of("diff", "--config", before.toString(), "--against", after.toString(),
                "--pcap", capture.toString()));
        args.addAll(Arrays.asList(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    JsonNode report(Path before, Path after, Path capture) throws IOException {
        Path json = tmp.resolve("report.json");
        CliRun run = diff(before, after, capture, "--json", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        return JSON.readTree(json.toFile());
    }

    /** Every listed flow of one direction: "tcp SRC:PORT -> DST:PORT" with its changed packets. */
    static Set<String> flows(JsonNode report, String direction) {
        Set<String> out = new TreeSet<>();
        for (JsonNode eni : report.get(direction).get("enis")) {
            for (JsonNode rule : eni.get("rules")) {
                for (JsonNode f : rule.get("flow_list")) {
                    out.add(flowText(f) + " x" + f.get("packets").asLong());
                }
            }
        }
        return out;
    }

    static String flowText(JsonNode f) {
        return f.get("protocol").asText() + " " + f.get("src").asText() + ":" + f.get("src_port").asInt() + " -> "
                + f.get("dst").asText() + ":" + f.get("dst_port").asInt();
    }

    @Test
    void identicalWorldsChangeNothing() throws IOException {
        Path w = oldWorld();
        Path copy = world("copy.yaml", "", HTTPS_RULE, "");
        JsonNode r = report(w, copy, traffic());
        assertThat(r.get("changed").asBoolean()).isFalse();
        assertThat(r.get("newly_rejected").get("flows").asLong()).isZero();
        assertThat(r.get("newly_accepted").get("flows").asLong()).isZero();
        assertThat(r.get("old")).isEqualTo(r.get("new"));
        assertThat(r.get("frames").asLong()).isEqualTo(13);
        CliRun run = diff(w, copy, traffic(), "--fail-on-change");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("NEWLY REJECTED: none").contains("NEWLY ACCEPTED: none").contains("no verdict changed");
    }

    @Test
    void revokingAnSgRuleNewlyRejectsExactlyTheFlowsItAllowed_attributedToThatRuleAndEni() throws IOException {
        JsonNode r = report(oldWorld(), world("new.yaml", "", "", ""), traffic());
        // Both HTTPS clients' requests; their replies leave through sg-web's default egress rule either way.
        // Only the first client's SYN flips: the server's SYN-ACK, allowed out by that egress rule, opens a
        // tracked connection in the new world too, which admits the client's later packets.
        assertThat(flows(r, "newly_rejected")).containsExactly(
                "tcp 198.51.100.7:50001 -> 10.0.1.10:443 x2", "tcp 203.0.113.5:50000 -> 10.0.1.10:443 x1");
        assertThat(flows(r, "newly_accepted")).isEmpty();
        JsonNode eni = r.get("newly_rejected").get("enis").get(0);
        assertThat(r.get("newly_rejected").get("enis")).hasSize(1);
        assertThat(eni.get("eni").asText()).isEqualTo("eni-web");
        JsonNode rule = eni.get("rules").get(0);
        assertThat(eni.get("rules")).hasSize(1);
        assertThat(rule.get("stage").asText()).isEqualTo("sg-ingress");
        assertThat(rule.get("accepted_by").get("kind").asText()).isEqualTo("sg-rule");
        assertThat(rule.get("accepted_by").get("id").asText()).isEqualTo("sg-web");
        assertThat(rule.get("accepted_by").get("rule").asText()).isEqualTo("sgr-https");
        assertThat(rule.get("accepted_by").get("text").asText()).isEqualTo("tcp 443 from 0.0.0.0/0");
        assertThat(rule.get("rejected_by").get("kind").asText()).isEqualTo("no-sg-rule");
        assertThat(rule.get("rejected_by").get("summary").asText()).isEqualTo("no security-group rule matches (sg-web)");
        JsonNode second = rule.get("flow_list").get(0);
        assertThat(second.get("src").asText()).as("most packets first").isEqualTo("198.51.100.7");
        assertThat(second.get("first_nanos").asLong()).isEqualTo(t(1));
        assertThat(second.get("last_nanos").asLong()).isEqualTo(t(1.5));
        JsonNode first = rule.get("flow_list").get(1);
        assertThat(first.get("src_eni").isNull()).isTrue();
        assertThat(first.get("dst_eni").asText()).isEqualTo("eni-web");
        assertThat(first.get("first_nanos").asLong()).isEqualTo(t(0));
        assertThat(first.get("last_nanos").asLong()).isEqualTo(t(0));
        assertThat(first.get("old").get("accepted").asLong()).isEqualTo(3);
        assertThat(first.get("new").get("rejected").asLong()).isEqualTo(1);
        assertThat(first.get("new").get("accepted").asLong()).isEqualTo(2);
        assertThat(first.get("bytes").asLong() + second.get("bytes").asLong()).isEqualTo(rule.get("bytes").asLong());
    }

    @Test
    void aNaclDenyEntryIsNamedByItsNumber() throws IOException {
        JsonNode r = report(oldWorld(), world("new.yaml", "\"90 deny tcp 22 10.0.2.0/24\", ", HTTPS_RULE, ""), traffic());
        assertThat(flows(r, "newly_rejected")).containsExactly("tcp 10.0.2.20:40000 -> 10.0.1.10:22 x1");
        JsonNode rule = r.get("newly_rejected").get("enis").get(0).get("rules").get(0);
        assertThat(r.get("newly_rejected").get("enis").get(0).get("eni").asText()).isEqualTo("eni-web");
        assertThat(rule.get("stage").asText()).isEqualTo("nacl-ingress");
        assertThat(rule.get("rejected_by").get("kind").asText()).isEqualTo("nacl-entry");
        assertThat(rule.get("rejected_by").get("id").asText()).isEqualTo("acl-web");
        assertThat(rule.get("rejected_by").get("rule").asText()).isEqualTo("90");
        assertThat(rule.get("accepted_by").get("rule").asText()).isEqualTo("100");
        CliRun run = diff(oldWorld(), world("new2.yaml", "\"90 deny tcp 22 10.0.2.0/24\", ", HTTPS_RULE, ""), traffic());
        assertThat(run.out()).contains("at nacl-ingress").contains("new: rejected: acl-web entry 90: 90 deny tcp 22 from 10.0.2.0/24");
    }

    @Test
    void addingARuleNewlyAccepts() throws IOException {
        JsonNode r = report(oldWorld(), world("new.yaml", "", HTTPS_RULE, "\"tcp 9090 sg-web sgr-new\", "), traffic());
        assertThat(flows(r, "newly_accepted")).containsExactly("tcp 10.0.1.10:41001 -> 10.0.2.20:9090 x2");
        assertThat(flows(r, "newly_rejected")).isEmpty();
        JsonNode eni = r.get("newly_accepted").get("enis").get(0);
        assertThat(eni.get("eni").asText()).isEqualTo("eni-app");
        JsonNode rule = eni.get("rules").get(0);
        assertThat(rule.get("stage").asText()).isEqualTo("sg-ingress");
        assertThat(rule.get("accepted_by").get("rule").asText()).isEqualTo("sgr-new");
        assertThat(rule.get("rejected_by").get("kind").asText()).isEqualTo("no-sg-rule");
        CliRun run = diff(oldWorld(), world("new2.yaml", "", HTTPS_RULE, "\"tcp 9090 sg-web sgr-new\", "), traffic(),
                "--fail-on-change");
        assertThat(run.exitCode()).as("--fail-on-change with a change").isEqualTo(1);
        assertThat(run.out()).contains("NEWLY ACCEPTED: 1 flow, 2 packets").contains("new: accepted: sg-app rule sgr-new");
    }

    @Test
    void theJsonAgreesWithTheTable() throws IOException {
        Path after = world("new.yaml", "\"90 deny tcp 22 10.0.2.0/24\", ", "", "\"tcp 9090 sg-web sgr-new\", ");
        Path capture = traffic();
        CliRun run = diff(oldWorld(), after, capture, "--json", "-", "--top", "1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        String table = run.err();
        assertThat(table).contains("traffic: pcap " + capture + ", " + r.get("frames").asLong() + " frames, "
                + r.get("flows").asLong() + " flows");
        int rules = 0;
        for (String direction : List.of("newly_rejected", "newly_accepted")) {
            JsonNode d = r.get(direction);
            String title = direction.equals("newly_rejected") ? "NEWLY REJECTED" : "NEWLY ACCEPTED";
            assertThat(table).contains(title + ": " + totals(d));
            long flows = 0;
            for (JsonNode eni : d.get("enis")) {
                assertThat(table).contains("  " + eni.get("eni").asText() + ": " + totals(eni));
                for (JsonNode rule : eni.get("rules")) {
                    rules++;
                    flows += rule.get("flows").asLong();
                    assertThat(table).contains("    at " + rule.get("stage").asText() + ": " + totals(rule))
                            .contains("accepted: " + rule.get("accepted_by").get("summary").asText())
                            .contains("rejected: " + rule.get("rejected_by").get("summary").asText());
                    JsonNode top = rule.get("flow_list").get(0);
                    assertThat(table).containsPattern("\\s" + top.get("packets").asLong() + "\\s+" + top.get("bytes").asLong()
                            + "\\s.*" + java.util.regex.Pattern.quote(flowText(top)));
                    if (rule.get("flow_list").size() > 1) {
                        int more = rule.get("flow_list").size() - 1;
                        assertThat(table).contains("... and " + more + (more == 1 ? " more flow\n" : " more flows\n"))
                                .doesNotContain(flowText(rule.get("flow_list").get(1)));
                    }
                }
            }
            assertThat(flows).isEqualTo(d.get("flows").asLong());
        }
        assertThat(rules).isEqualTo(3);
    }

    private static String totals(JsonNode n) {
        long f = n.get("flows").asLong();
        long p = n.get("packets").asLong();
        return f + (f == 1 ? " flow, " : " flows, ") + p + (p == 1 ? " packet, " : " packets, ") + n.get("bytes").asLong() + " bytes";
    }

    @Test
    void aBrokenCaptureIsComparedUpToTheBreakAndExitsWith1() throws IOException {
        Path capture = traffic();
        byte[] whole = Files.readAllBytes(capture);
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 20));
        Path json = tmp.resolve("cut.json");
        CliRun run = diff(oldWorld(), world("new.yaml", "", "", ""), cut, "--json", json.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cut.pcap").contains("compared and reported").doesNotContain("\tat ");
        assertThat(run.out()).contains("the traffic broke off");
        JsonNode r = JSON.readTree(json.toFile());
        JsonNode full = report(oldWorld(), world("new2.yaml", "", "", ""), capture);
        assertThat(r.get("capture_error").asText()).contains("cut.pcap");
        assertThat(r.get("frames").asLong()).isEqualTo(full.get("frames").asLong() - 1);
        assertThat(flows(r, "newly_rejected")).isEqualTo(flows(full, "newly_rejected"));
    }

    @Test
    void badInputIsOneLineAndExit2() throws IOException {
        Path capture = traffic();
        CliRun missing = diff(oldWorld(), tmp.resolve("nope.yaml"), capture);
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("sgemu: ").contains("nope.yaml").contains("no such file");

        Path bad = world("bad.yaml", "", "\"tcp 70000 0.0.0.0/0\", ", "");
        CliRun badWorld = diff(oldWorld(), bad, capture);
        assertThat(badWorld.exitCode()).isEqualTo(2);
        assertThat(badWorld.err()).contains("bad.yaml").contains("groups.sg-web.ingress[0]").contains("70000 is not a port");

        Path garbage = tmp.resolve("garbage.pcap");
        Files.writeString(garbage, "not a capture\n");
        CliRun notCapture = diff(oldWorld(), oldWorld(), garbage);
        assertThat(notCapture.exitCode()).isEqualTo(2);
        assertThat(notCapture.err()).contains("garbage.pcap").contains("not a pcap or pcapng file");

        CliRun noCapture = diff(oldWorld(), oldWorld(), tmp.resolve("none.pcap"));
        assertThat(noCapture.exitCode()).isEqualTo(2);
        assertThat(noCapture.err()).contains("none.pcap: no such capture file");

        CliRun noTraffic = CliRun.of("diff", "--config", oldWorld().toString(), "--against", oldWorld().toString());
        assertThat(noTraffic.exitCode()).isEqualTo(2);
        assertThat(noTraffic.err()).contains("--pcap");

        CliRun noAgainst = CliRun.of("diff", "--config", oldWorld().toString(), "--pcap", capture.toString());
        assertThat(noAgainst.exitCode()).isEqualTo(2);
        assertThat(noAgainst.err()).contains("--against");
        for (CliRun r : List.of(missing, badWorld, notCapture, noCapture, noTraffic, noAgainst)) {
            assertThat(r.err()).doesNotContain("\tat ").doesNotContain("internal error");
        }
    }

    @Test
    void explainNamesTheRuleWithItsDescriptionLikeTheReport() {
        Path world = CliRun.EXAMPLES.resolve("three-tier").resolve("aws");
        CliRun run = CliRun.of("explain", "--config", world.toString(), "--flow", "tcp 10.0.2.11:43210 -> 10.0.3.20:5432");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("sg-ingress +eni-0f1e2d3c4b5a69820 +allow  sg-0a11b22c33d44e503 rule #0: "
                + "tcp 5432 from sg-0a11b22c33d44e502 \\(\"PostgreSQL from the app tier\"\\)");
    }

    @Test
    void helpDocumentsTheJsonShapeAndTheExitCodes() {
        CliRun run = CliRun.of("diff", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: sgemu diff").contains("--against").contains("\"newly_rejected\"")
                .contains("\"accepted_by\"").contains("--fail-on-change").contains("Exit code").contains("(default 10;").doesNotContain("${");
        assertThat(CliRun.of("--help").out()).contains("diff");
    }

    @Test
    void threeTierExample_revokingTheDatabaseRuleRejectsTheAppTiersSessions() throws IOException {
        Path example = CliRun.EXAMPLES.resolve("three-tier");
        Path changed = tmp.resolve("aws-proposed");
        Files.createDirectories(changed);
        try (var files = Files.list(example.resolve("aws"))) {
            for (Path p : files.toList()) {
                Files.copy(p, changed.resolve(p.getFileName()));
            }
        }
        Path groups = changed.resolve("describe-security-groups.json");
        JsonNode doc = JSON.readTree(groups.toFile());
        JsonNode db = null;
        for (JsonNode g : doc.get("SecurityGroups")) {
            if (g.get("GroupName").asText().equals("db")) {
                db = g;
                ((ObjectNode) g).putArray("IpPermissions");
            }
        }
        assertThat(db).isNotNull();
        Files.writeString(groups, JSON.writeValueAsString(doc));
        Path capture = example.resolve("three-tier.pcap");
        JsonNode r = report(example.resolve("aws"), changed, capture);

        // Independently: the example's own replay says which database requests the old world accepted.
        Path verdicts = tmp.resolve("v.jsonl");
        CliRun replay = CliRun.of("replay", "--config", example.resolve("aws").toString(), "--pcap", capture.toString(),
                "--verdicts", verdicts.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();
        Set<String> acceptedToDb = new TreeSet<>();
        for (String line : Files.readAllLines(verdicts)) {
            JsonNode v = JSON.readTree(line);
            if (v.get("action").asText().equals("ACCEPT") && "eni-0f1e2d3c4b5a69820".equals(v.get("dst_eni").asText())) {
                acceptedToDb.add(v.get("src").asText() + ":" + v.get("sport").asInt() + " -> " + v.get("dst").asText() + ":"
                        + v.get("dport").asInt());
            }
        }
        assertThat(acceptedToDb).isNotEmpty();

        JsonNode dbEni = r.get("newly_rejected").get("enis").get(0);
        assertThat(dbEni.get("eni").asText()).isEqualTo("eni-0f1e2d3c4b5a69820");
        Set<String> ingress = new TreeSet<>();
        for (JsonNode rule : dbEni.get("rules")) {
            if (rule.get("stage").asText().equals("sg-ingress")) {
                assertThat(rule.get("accepted_by").get("id").asText()).isEqualTo(db.get("GroupId").asText());
                assertThat(rule.get("accepted_by").get("description").asText()).isEqualTo("PostgreSQL from the app tier");
                for (JsonNode f : rule.get("flow_list")) {
                    ingress.add(flowText(f).substring(4));
                }
            }
        }
        assertThat(ingress).isEqualTo(acceptedToDb);
        assertThat(r.get("newly_accepted").get("flows").asLong()).isZero();
        CliRun table = diff(example.resolve("aws"), changed, capture);
        assertThat(table.out()).contains("(\"PostgreSQL from the app tier\")").contains("eni-0f1e2d3c4b5a69820");
    }

    @Test
    void flowLogInputIsTrafficToo() throws IOException {
        Path example = CliRun.EXAMPLES.resolve("three-tier");
        Path flowLog = tmp.resolve("recorded.log");
        CliRun replay = CliRun.of("replay", "--config", example.resolve("aws").toString(), "--pcap",
                example.resolve("three-tier.pcap").toString(), "--flow-logs", flowLog.toString());
        assertThat(replay.exitCode()).as(replay.err()).isZero();

        CliRun same = CliRun.of("diff", "--config", example.resolve("aws").toString(), "--against",
                example.resolve("aws").toString(), "--flow-log-input", flowLog.toString(), "--json", "-");
        assertThat(same.exitCode()).as(same.err()).isZero();
        JsonNode unchanged = JSON.readTree(same.out());
        assertThat(unchanged.get("traffic").get("kind").asText()).isEqualTo("flow-log");
        assertThat(unchanged.get("newly_rejected").get("flows").asLong()).isZero();
        assertThat(unchanged.get("newly_accepted").get("flows").asLong()).isZero();

        // With an allow-all entry first in every NACL, nothing is denied at a NACL: what the recorded NACL
        // rejections were becomes newly accepted.
        Path changed = tmp.resolve("aws-no-deny");
        Files.createDirectories(changed);
        try (var files = Files.list(example.resolve("aws"))) {
            for (Path p : files.toList()) {
                Files.copy(p, changed.resolve(p.getFileName()));
            }
        }
        Path acls = changed.resolve("describe-network-acls.json");
        JsonNode doc = JSON.readTree(acls.toFile());
        for (JsonNode acl : doc.get("NetworkAcls")) {
            for (boolean egress : new boolean[] {true, false}) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) acl.get("Entries")).addObject().put("RuleNumber", 1)
                        .put("Protocol", "-1").put("RuleAction", "allow").put("Egress", egress)
                        .put("CidrBlock", "0.0.0.0/0");
            }
        }
        Files.writeString(acls, JSON.writeValueAsString(doc));
        CliRun run = CliRun.of("diff", "--config", example.resolve("aws").toString(), "--against", changed.toString(),
                "--flow-log-input", flowLog.toString(), "--json", "-");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("newly_accepted").get("flows").asLong()).as(run.out()).isPositive();
        assertThat(r.get("newly_rejected").get("flows").asLong()).isZero();

        CliRun both = CliRun.of("diff", "--config", example.resolve("aws").toString(), "--against",
                changed.toString(), "--flow-log-input", flowLog.toString(), "--pcap",
                example.resolve("three-tier.pcap").toString());
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("exactly one input");
    }
}
