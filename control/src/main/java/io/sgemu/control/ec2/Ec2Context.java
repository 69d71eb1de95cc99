package io.sgemu.control.ec2;

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
}
