package io.sgemu.control.compile;

import io.sgemu.control.model.PersistentMap;

/**
 * Group id -> number, for one compilation: a number once given (to a group of the world, an ENI's group, a
 * referenced id) is kept for good, so that compiled tables and identities stay valid across snapshots.
 */
final class GroupNumbering {

    private PersistentMap<String, Integer> numbers;

    GroupNumbering(PersistentMap<String, Integer> start) {
        this.numbers = start;
    }

    int number(String groupId) {
        Integer n = numbers.get(groupId);
        if (n == null) {
            n = numbers.size();
            numbers = numbers.plus(groupId, n);
        }
        return n;
    }

    PersistentMap<String, Integer> numbers() {
        return numbers;
    }
}
