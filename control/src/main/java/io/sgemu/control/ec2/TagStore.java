package io.sgemu.control.ec2;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tags of the API's resources, by resource id. The world model has no tags (the dataplane has no use
 * for them), so they live here; the actions that delete a resource {@linkplain #forget forget} its tags.
 *
 * <p>Each resource's tags are an immutable map replaced whole, so that a describe (which does not take the
 * writers' lock) reads one resource's tags as they were before or after a call, never half way.
 * Writers hold the control plane's lock.
 */
final class TagStore {
    /** EC2's limit of user tags on one resource. */
    static final int MAX_TAGS_PER_RESOURCE = 50;
    static final int MAX_KEY_LENGTH = 128;
    static final int MAX_VALUE_LENGTH = 256;

    private final Map<String, Map<String, String>> byResource = new ConcurrentHashMap<>();

    /** The resource's tags in the order they were first set (empty when it has none). */
    Map<String, String> of(String resourceId) {
        return byResource.getOrDefault(resourceId, Map.of());
    }

    /** The ids of every resource that has tags (a snapshot). */
    Iterable<String> resourceIds() {
        return Map.copyOf(byResource).keySet();
    }

    /** Checks a key and value as EC2 does (reserved {@code aws:} prefix, lengths). */
    static void validate(String key, String value) {
        if (key == null || key.isEmpty()) {
            throw new Ec2Exception("InvalidParameterValue", "Tag keys must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw new Ec2Exception("InvalidParameterValue", "Tag key exceeds the maximum length of " + MAX_KEY_LENGTH
                    + " characters");
        }
        if (value != null && value.length() > MAX_VALUE_LENGTH) {
            throw new Ec2Exception("InvalidParameterValue", "Tag value exceeds the maximum length of " + MAX_VALUE_LENGTH
                    + " characters");
        }
        if (key.toLowerCase().startsWith("aws:")) {
            throw new Ec2Exception("InvalidParameterValue", "Tag keys starting with 'aws:' are reserved for internal use");
        }
    }

    /** The resource's tags after adding/overwriting {@code added}; {@code TagLimitExceeded} beyond 50. Changes nothing. */
    Map<String, String> merged(String resourceId, Map<String, String> added) {
        Map<String, String> next = new LinkedHashMap<>(of(resourceId));
        next.putAll(added);
        if (next.size() > MAX_TAGS_PER_RESOURCE) {
            throw new Ec2Exception("TagLimitExceeded", "The maximum number of tags (" + MAX_TAGS_PER_RESOURCE
                    + ") for resource " + resourceId + " has been exceeded");
        }
        return next;
    }

    /** Replaces the resource's tags (checked with {@link #merged} first). */
    void set(String resourceId, Map<String, String> tags) {
        if (tags.isEmpty()) {
            byResource.remove(resourceId);
        } else {
            byResource.put(resourceId, Collections.unmodifiableMap(new LinkedHashMap<>(tags)));
        }
    }

    void forget(String resourceId) {
        byResource.remove(resourceId);
    }

    /** {@code <tagSet>} with the resource's tags. */
    void writeTagSet(Xml x, String resourceId) {
        x.open("tagSet");
        for (Map.Entry<String, String> t : of(resourceId).entrySet()) {
            x.open("item").el("key", t.getKey()).el("value", t.getValue()).close("item");
        }
        x.close("tagSet");
    }
}
