package io.sgemu.control.gen;

import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The addresses a generated capture uses, each numbered once so flows can hold them as ints. */
final class AddressRegistry {

    private final List<IpAddress> addresses = new ArrayList<>();
    private final Map<IpAddress, Integer> ids = new HashMap<>();

    int id(IpAddress a) {
        Integer known = ids.get(a);
        if (known != null) {
            return known;
        }
        addresses.add(a);
        ids.put(a, addresses.size() - 1);
        return addresses.size() - 1;
    }

    IpAddress get(int id) {
        return addresses.get(id);
    }

    int size() {
        return addresses.size();
    }
}
