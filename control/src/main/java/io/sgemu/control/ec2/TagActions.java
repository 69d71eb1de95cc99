package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgemu.control.model.World;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CreateTags, DeleteTags and DescribeTags over the resources this API serves, and the
 * {@code TagSpecification.N} of the Create* actions. A resource is known by its id's prefix
 * ({@code sg-}, {@code eni-}, {@code acl-}, {@code pl-}, {@code vpc-}, {@code subnet-}); an id of any
 * other form is {@code InvalidID}, a well-formed id of a missing resource is that kind's NotFound.
 */
final class TagActions {

    /** EC2's resource types, by id prefix. */
    enum ResourceType {
        SECURITY_GROUP("sg-", "security-group"),
        NETWORK_INTERFACE("eni-", "network-interface"),
        NETWORK_ACL("acl-", "network-acl"),
        PREFIX_LIST("pl-", "prefix-list"),
        VPC("vpc-", "vpc"),
        SUBNET("subnet-", "subnet");

        final String prefix;
        final String apiName;

        ResourceType(String prefix, String apiName) {
            this.prefix = prefix;
            this.apiName = apiName;
        }

        static ResourceType ofId(String id) {
            for (ResourceType t : values()) {
                if (id.startsWith(t.prefix) && id.length() > t.prefix.length()) {
                    return t;
                }
            }
            return null;
        }

        boolean exists(World w, String id) {
            return switch (this) {
                case SECURITY_GROUP -> w.securityGroups().containsKey(id);
                case NETWORK_INTERFACE -> w.networkInterfaces().containsKey(id);
                case NETWORK_ACL -> w.networkAcls().containsKey(id);
                case PREFIX_LIST -> w.prefixLists().containsKey(id);
                case VPC -> w.vpcs().containsKey(id);
                case SUBNET -> w.subnets().containsKey(id);
            };
        }

        Ec2Exception notFound(String id) {
            return switch (this) {
                case SECURITY_GROUP -> WorldLookups.groupNotFound(id);
                case NETWORK_INTERFACE -> WorldLookups.networkInterfaceNotFound(id);
                case NETWORK_ACL -> WorldLookups.networkAclNotFound(id);
                case PREFIX_LIST -> WorldLookups.prefixListNotFound(id);
                case VPC -> WorldLookups.vpcNotFound(id);
                case SUBNET -> WorldLookups.subnetNotFound(id);
            };
        }
    }

    private final Ec2Context ctx;

    TagActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("CreateTags", this::createTags);
        actions.put("DeleteTags", this::deleteTags);
        actions.put("DescribeTags", this::describeTags);
    }

    /** The resources named by {@code ResourceId.N}, each checked to exist (the call changes nothing otherwise). */
    private List<String> resources(QueryRequest req, World w) {
        List<String> ids = req.list("ResourceId");
        if (ids.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter ResourceId");
        }
        for (String id : ids) {
            ResourceType type = ResourceType.ofId(id);
            if (type == null) {
                throw new Ec2Exception("InvalidID", "The ID '" + id + "' is not valid");
            }
            if (!type.exists(w, id)) {
                throw type.notFound(id);
            }
        }
        return ids;
    }

    /** {@code Tag.N.Key} / {@code Tag.N.Value} in order; a missing value is the empty string (as EC2 stores it). */
    private static Map<String, String> tagsParam(JsonNode tags, boolean valueDefaultsToEmpty) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null && tags.isArray()) {
            for (JsonNode t : tags) {
                String key = t.path("Key").asText(null);
                String value = t.has("Value") ? t.get("Value").asText() : valueDefaultsToEmpty ? "" : null;
                TagStore.validate(key, value);
                out.put(key, value);
            }
        }
        return out;
    }

    private void createTags(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = resources(req, w);
        Map<String, String> added = tagsParam(req.tree().get("Tag"), true);
        if (added.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter Tag");
        }
        // every resource is checked before any is changed: a refused call changes nothing
        Map<String, Map<String, String>> next = new LinkedHashMap<>();
        for (String id : ids) {
            next.put(id, ctx.tags().merged(id, added));
        }
        next.forEach(ctx.tags()::set);
        x.el("return", true);
    }

    /**
     * DeleteTags: a tag given with a value is deleted only when it has that value (an empty value: only
     * when empty); a tag given without a value is deleted whatever its value; no tags at all deletes every
     * tag of the resources.
     */
    private void deleteTags(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = resources(req, w);
        Map<String, String> named = tagsParam(req.tree().get("Tag"), false);
        for (String id : ids) {
            Map<String, String> next = new LinkedHashMap<>(ctx.tags().of(id));
            if (named.isEmpty()) {
                next.clear();
            }
            named.forEach((key, value) -> {
                if (value == null || value.equals(next.get(key))) {
                    next.remove(key);
                }
            });
            ctx.tags().set(id, next);
        }
        x.el("return", true);
    }

    /** One tag of one resource, as DescribeTags lists it. */
    private record TagDescription(String resourceId, ResourceType type, String key, String value) {
        String pageKey() {
            // resource id, then key: NUL sorts before every character of an id
            return resourceId + "\u0000" + key;
        }
    }

    private void describeTags(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        Filters filters = ctx.filters(req);
        List<String> resources = new ArrayList<>();
        ctx.tags().resourceIds().forEach(resources::add);
        resources.sort(null);
        List<TagDescription> matches = new ArrayList<>();
        for (String id : resources) {
            ResourceType type = ResourceType.ofId(id);
            if (type == null || !type.exists(w, id)) {
                continue; // deleted between its tags being read and now
            }
            for (Map.Entry<String, String> t : ctx.tags().of(id).entrySet()) {
                TagDescription d = new TagDescription(id, type, t.getKey(), t.getValue());
                if (filters.match(id, f -> switch (f) {
                    case "key" -> List.of(d.key());
                    case "value" -> List.of(d.value());
                    case "resource-id" -> List.of(id);
                    case "resource-type" -> List.of(type.apiName);
                    default -> null;
                })) {
                    matches.add(d);
                }
            }
        }
        Pagination.Page<TagDescription> page = Pagination.page(req, "DescribeTags", Pagination.Bounds.MOST, matches,
                TagDescription::pageKey);
        x.open("tagSet");
        for (TagDescription d : page.items()) {
            x.open("item").el("resourceId", d.resourceId()).el("resourceType", d.type().apiName)
                    .el("key", d.key()).el("value", d.value()).close("item");
        }
        x.close("tagSet");
        page.writeNextToken(x);
    }

    /**
     * The tags a Create* call asks for its new resource ({@code TagSpecification.N.ResourceType} must be
     * {@code type}, {@code TagSpecification.N.Tag.M.Key/Value}), checked before anything is created.
     */
    static Map<String, String> specified(QueryRequest req, ResourceType type) {
        JsonNode specs = req.tree().get("TagSpecification");
        Map<String, String> out = new LinkedHashMap<>();
        if (specs == null || !specs.isArray()) {
            return out;
        }
        for (JsonNode spec : specs) {
            String rt = spec.path("ResourceType").asText("");
            if (!rt.equals(type.apiName)) {
                throw new Ec2Exception("InvalidParameterValue", "'" + rt + "' is not a valid taggable resource type for "
                        + "this operation (expected '" + type.apiName + "')");
            }
            out.putAll(tagsParam(spec.get("Tag"), true));
        }
        if (out.size() > TagStore.MAX_TAGS_PER_RESOURCE) {
            throw new Ec2Exception("TagLimitExceeded", "The maximum number of tags (" + TagStore.MAX_TAGS_PER_RESOURCE
                    + ") for a resource has been exceeded");
        }
        return out;
    }
}
