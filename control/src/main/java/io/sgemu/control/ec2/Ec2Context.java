package io.sgemu.control.ec2;

import io.sgemu.control.model.World;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What every family of actions shares: the live world, the region named in ARNs and the resources' tags
 * (which the world model does not keep).
 */
record Ec2Context(ControlPlane plane, String region, TagStore tags) {

    /** {@code arn:aws:ec2:<region>:<owner>:<type>/<id>}. */
    String arn(String ownerId, String type, String id) {
        return "arn:aws:ec2:" + region + ":" + ownerId + ":" + type + "/" + id;
    }

    /** Filters of the request, with {@code tag:<key>} and {@code tag-key} read from this API's tags. */
    Filters filters(QueryRequest req) {
        return Filters.of(req, tags);
    }

    /**
     * Applies a Create* edit whose new resource {@code id} carries {@code newTags}. The tags are in place
     * before the resource is published, so that no describe sees it untagged; a refused edit leaves none.
     */
    World create(String id, Map<String, String> newTags, UnaryOperator<World> edit) {
        tags.set(id, newTags);
        try {
            return plane.apply(edit);
        } catch (RuntimeException e) {
            tags.forget(id);
            throw e;
        }
    }
}
