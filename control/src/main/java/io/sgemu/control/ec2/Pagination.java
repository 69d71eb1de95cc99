package io.sgemu.control.ec2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * {@code MaxResults} / {@code NextToken} on the Describe* actions that EC2 paginates.
 *
 * <p>A call with neither gets every match, in the world's order (as before pagination existed). A paged
 * call walks the matches in the order of their keys (resource ids), and its token names the last key
 * it returned: the next page starts after that key, so that a resource present during the whole walk is
 * returned exactly once however the world changes between pages. The token is opaque to the caller
 * (base64 of the action and the key) and is refused by any other action.
 */
final class Pagination {
    /** The accepted range of {@code MaxResults}. */
    record Bounds(int min, int max) {
        /** Most of EC2's Describe* actions. */
        static final Bounds MOST = new Bounds(5, 1000);
        /** DescribeManagedPrefixLists and GetManagedPrefixListEntries. */
        static final Bounds PREFIX_LISTS = new Bounds(1, 100);
    }

    /** One page of matches, and the token for the next page (null when none remain). */
    record Page<T>(List<T> items, String nextToken) {
        void writeNextToken(Xml x) {
            x.el("nextToken", nextToken);
        }
    }

    private static final String SEPARATOR = "\n";

    private Pagination() {
    }

    /**
     * The page of {@code matches} the request asks for.
     *
     * @param key each match's unique, stable key (its id)
     * @throws Ec2Exception {@code InvalidParameterValue} for a MaxResults outside {@code bounds},
     *                      {@code InvalidPaginationToken} for a token this action did not give
     */
    static <T> Page<T> page(QueryRequest req, String action, Bounds bounds, List<T> matches, Function<T, String> key) {
        Integer max = maxResults(req, bounds);
        String token = req.get("NextToken");
        boolean hasToken = token != null && !token.isEmpty();
        if (max == null && !hasToken) {
            return new Page<>(matches, null);
        }
        String after = hasToken ? decode(action, token) : null;
        int size = max != null ? max : bounds.max();
        List<T> sorted = new ArrayList<>(matches);
        sorted.sort(Comparator.comparing(key));
        List<T> page = new ArrayList<>(Math.min(size, sorted.size()));
        boolean more = false;
        for (T t : sorted) {
            if (after != null && key.apply(t).compareTo(after) <= 0) {
                continue;
            }
            if (page.size() == size) {
                more = true;
                break;
            }
            page.add(t);
        }
        String next = more ? encode(action, key.apply(page.get(page.size() - 1))) : null;
        return new Page<>(page, next);
    }

    private static Integer maxResults(QueryRequest req, Bounds bounds) {
        String text = req.get("MaxResults");
        if (text == null || text.isEmpty()) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + text + ") for parameter maxResults is invalid. "
                    + "Expecting a number between " + bounds.min() + " and " + bounds.max() + ".");
        }
        if (n < bounds.min() || n > bounds.max()) {
            throw new Ec2Exception("InvalidParameterValue", "Value ( " + n + " ) for parameter maxResults is invalid. "
                    + "Expecting a value between " + bounds.min() + " and " + bounds.max() + ".");
        }
        return n;
    }

    static String encode(String action, String lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((action + SEPARATOR + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String action, String token) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalid(token);
        }
        String prefix = action + SEPARATOR;
        if (!text.startsWith(prefix) || text.length() == prefix.length()) {
            throw invalid(token);
        }
        return text.substring(prefix.length());
    }

    private static Ec2Exception invalid(String token) {
        return new Ec2Exception("InvalidPaginationToken", "The pagination token '" + token
                + "' is not valid or has expired: give the nextToken of this action's previous answer");
    }
}
