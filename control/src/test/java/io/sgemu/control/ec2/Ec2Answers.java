package io.sgemu.control.ec2;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** Calls {@link Ec2Api#handle} with form parameters and reads its XML answer by element names. */
final class Ec2Answers {
    private final Ec2Api api;

    Ec2Answers(Ec2Api api) {
        this.api = api;
    }

    /** The answer to {@code Action=action} with {@code params} given as name, value, name, value... */
    Answer call(String action, String... params) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("Action", action);
        for (int i = 0; i < params.length; i += 2) {
            p.put(params[i], params[i + 1]);
        }
        return new Answer(api.handle(QueryRequest.of(p), "req-1"));
    }

    /** The EC2 error code of a refused call (fails when the call succeeds). */
    String error(String action, String... params) {
        try {
            call(action, params);
        } catch (Ec2Exception e) {
            return e.code();
        }
        throw new AssertionError(action + " " + List.of(params) + " was not refused");
    }

    record Answer(String xml) {
        Document document() {
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
            } catch (Exception e) {
                throw new AssertionError("not XML: " + xml, e);
            }
        }

        /** The texts of the elements at {@code path}: element names separated by '/', from the response element. */
        List<String> texts(String path) {
            StringBuilder xp = new StringBuilder("/*");
            for (String name : path.split("/")) {
                xp.append("/*[local-name()='").append(name).append("']");
            }
            try {
                NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xp.toString(), document(),
                        XPathConstants.NODESET);
                List<String> out = new ArrayList<>();
                for (int i = 0; i < nodes.getLength(); i++) {
                    out.add(nodes.item(i).getTextContent());
                }
                return out;
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        /** The {@code nextToken}, or null when the answer has none. */
        String nextToken() {
            List<String> t = texts("nextToken");
            return t.isEmpty() ? null : t.get(0);
        }
    }
}
