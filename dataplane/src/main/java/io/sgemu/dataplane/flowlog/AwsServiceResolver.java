package io.sgemu.dataplane.flowlog;

import io.sgemu.dataplane.net.IpAddress;

/**
 * Names the AWS service range (as in AWS's published ip-ranges, e.g. {@code S3}, {@code EC2}) that an address
 * belongs to, for the {@code pkt-src-aws-service} and {@code pkt-dst-aws-service} fields. Asked once per
 * record and address when the record's key is first seen in an interval.
 */
@FunctionalInterface
public interface AwsServiceResolver {

    /** Knows no AWS ranges: the fields print {@code -}. */
    AwsServiceResolver NONE = address -> null;

    /** The service name, or null when the address is in no known AWS service range. */
    String serviceOf(IpAddress address);
}
