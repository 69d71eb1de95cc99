package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code Filter.N.Name} / {@code Filter.N.Value.M}: every filter must match one of its values (globs
 * {@code *} and {@code ?}). Besides each action's own filter names, every Describe* knows
 * {@code tag:<key>} (the tag's value) and {@code tag-key} (any of the resource's keys); a filter name the
 * action does not know is {@code InvalidParameterValue}, as in EC2.
 */
final class Filters {
    private final Map<String, List<Pattern>> byName;
    private final TagStore tags;

    private Filters(Map<String, List<Pattern>> byName, TagStore tags) {
        this.byName = byName;
        this.tags = tags;
    }

    static Filters of(QueryRequest req, TagStore tags) {
        Map<String, List<Pattern>> m = new LinkedHashMap<>();
        JsonNode fs = req.tree().get("Filter");
        if (fs != null && fs.isArray()) {
            for (JsonNode f : fs) {
                String name = f.path("Name").asText("");
                List<Pattern> values = new ArrayList<>();
                f.path("Value").forEach(v -> values.add(glob(v.asText())));
                m.put(name, values);
            }
        }
        return new Filters(m, tags);
    }

    private static Pattern glob(String text) {
        StringBuilder re = new StringBuilder();
        for (char c : text.toCharArray()) {
            re.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(re.toString());
    }

    boolean isEmpty() {
        return byName.isEmpty();
    }

    /**
     * Whether the resource {@code resourceId} passes every filter.
     *
     * @param valuesOf the resource's values for a filter name of the action, or null for a name it does not know
     */
    boolean match(String resourceId, Function<String, List<String>> valuesOf) {
        for (Map.Entry<String, List<Pattern>> f : byName.entrySet()) {
            List<String> have = tagValues(resourceId, f.getKey());
            if (have == null) {
                have = valuesOf.apply(f.getKey());
            }
            if (have == null) {
                throw new Ec2Exception("InvalidParameterValue", "The filter '" + f.getKey() + "' is invalid");
            }
            if (!any(f.getValue(), have)) {
                return false;
            }
        }
        return true;
    }

    private List<String> tagValues(String resourceId, String filter) {
        if (filter.startsWith("tag:")) {
            String value = tags.of(resourceId).get(filter.substring(4));
            return value == null ? List.of() : List.of(value);
        }
        if (filter.equals("tag-key")) {
            return List.copyOf(tags.of(resourceId).keySet());
        }
        return null;
    }

    private static boolean any(List<Pattern> patterns, List<String> have) {
        for (Pattern p : patterns) {
            for (String h : have) {
                if (h != null && p.matcher(h).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
