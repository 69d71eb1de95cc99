package io.sgemu.control.model;

import io.sgemu.dataplane.net.Cidr;
import java.util.List;

/** A managed prefix list: a named set of CIDRs of one family (4 or 6). */
public record PrefixList(String id, String name, int family, List<Cidr> entries) {
    public PrefixList {
        entries = List.copyOf(entries);
    }
}
