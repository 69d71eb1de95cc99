package io.sgemu.control.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JSON (or YAML) node together with its path from the document root, so that every complaint about
 * a value can say where the value is. Field lookup is exact for describe output; the change log's
 * readers ask for case-insensitive lookup, since the EC2 API, the CLI and CloudTrail spell member
 * names with different capitals.
 */
public final class LocatedNode {
    private final JsonNode node;
    private final String path;
    private final boolean ignoreCase;

    private LocatedNode(JsonNode node, String path, boolean ignoreCase) {
        this.node = node == null ? MissingNode.getInstance() : node;
        this.path = path;
        this.ignoreCase = ignoreCase;
    }

    public static LocatedNode root(JsonNode node, boolean ignoreCase) {
        return new LocatedNode(node, "", ignoreCase);
    }

    /** A node at a given path (for callers that nest one document in another, like a change's input). */
    public static LocatedNode at(JsonNode node, String path, boolean ignoreCase) {
        return new LocatedNode(node, path, ignoreCase);
    }

    public JsonNode raw() {
        return node;
    }

    public String path() {
        return path;
    }

    /** True when the node is absent or JSON null. */
    public boolean isAbsent() {
        return node.isMissingNode() || node.isNull();
    }

    public BadInputException error(String problem) {
        return new BadInputException(path, problem);
    }

    private String childPath(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The field, or an absent node when the object lacks it. */
    public LocatedNode get(String field) {
        JsonNode child = node.isObject() ? node.get(field) : null;
        if (child == null && ignoreCase && node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                if (e.getKey().equalsIgnoreCase(field)) {
                    child = e.getValue();
                    break;
                }
            }
        }
        return new LocatedNode(child, childPath(field), ignoreCase);
    }

    public boolean has(String field) {
        return !get(field).isAbsent();
    }

    /** The field, which must be present. */
    public LocatedNode required(String field) {
        LocatedNode child = get(field);
        if (child.isAbsent()) {
            throw new BadInputException(child.path, "missing");
        }
        return child;
    }

    /** The elements of an array; an absent node is an empty array. */
    public List<LocatedNode> elements() {
        if (isAbsent()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw error("expected an array, found " + kind());
        }
        List<LocatedNode> out = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            out.add(new LocatedNode(node.get(i), path + "[" + i + "]", ignoreCase));
        }
        return out;
    }

    /** The entries of an object in document order, each located under its key. */
    public List<Map.Entry<String, LocatedNode>> fields() {
        if (isAbsent()) {
            return List.of();
        }
        if (!node.isObject()) {
            throw error("expected a mapping, found " + kind());
        }
        List<Map.Entry<String, LocatedNode>> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.add(Map.entry(e.getKey(), new LocatedNode(e.getValue(), childPath(e.getKey()), ignoreCase)));
        }
        return out;
    }

    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    public boolean isObject() {
        return node.isObject();
    }

    /** The node as text; numbers and booleans are accepted in their plain spelling (YAML reads 443 as a number). */
    public String text() {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw error(isAbsent() ? "missing" : "expected a string, found " + kind());
    }

    public String requiredText(String field) {
        return required(field).text();
    }

    /** The field as text, or null when absent. */
    public String optText(String field) {
        LocatedNode child = get(field);
        return child.isAbsent() ? null : child.text();
    }

    /** The node as an int; integral numbers only (a numeric string is accepted too). */
    public int intValue() {
        if (node.isIntegralNumber() && node.canConvertToInt()) {
            return node.intValue();
        }
        if (node.isTextual()) {
            try {
                return Integer.parseInt(node.textValue().trim());
            } catch (NumberFormatException e) {
                throw error("'" + node.textValue() + "' is not an integer");
            }
        }
        if (node.isNumber()) {
            throw error(node.asText() + " is not an integer");
        }
        throw error(isAbsent() ? "missing" : "expected an integer, found " + kind());
    }

    public int requiredInt(String field) {
        return required(field).intValue();
    }

    /** The field as an int, or {@code dflt} when absent. */
    public int optInt(String field, int dflt) {
        LocatedNode child = get(field);
        return child.isAbsent() ? dflt : child.intValue();
    }

    /** The node as a boolean: JSON booleans, or the text true/false. */
    public boolean boolValue() {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equalsIgnoreCase("true") || node.textValue().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.textValue());
        }
        throw error(isAbsent() ? "missing" : "expected true or false, found " + kind());
    }

    public boolean optBool(String field, boolean dflt) {
        LocatedNode child = get(field);
        return child.isAbsent() ? dflt : child.boolValue();
    }

    /** A short name of the node's JSON type, for messages. */
    public String kind() {
        if (node.isMissingNode()) {
            return "nothing";
        }
        if (node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "the string '" + node.textValue() + "'";
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        return node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
