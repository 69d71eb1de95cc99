package io.sgemu.control.aws;

/**
 * A problem with one value of an input document, located by its path in the document
 * ({@code SecurityGroups[2].IpPermissions[0].FromPort}). Callers prefix the file (and line) they read.
 */
public final class BadInputException extends RuntimeException {
    private final String path;
    private final String problem;

    public BadInputException(String path, String problem) {
        super(path == null || path.isEmpty() ? problem : path + ": " + problem);
        this.path = path == null ? "" : path;
        this.problem = problem;
    }

    /** Where in the document, empty for the document itself. */
    public String path() {
        return path;
    }

    /** What is wrong, without the path. */
    public String problem() {
        return problem;
    }
}
