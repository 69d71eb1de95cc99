package io.sgemu.control.ec2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The access keys the EC2 API accepts ({@code --credentials FILE}): one key a line, {@code ACCESS_KEY_ID SECRET}
 * separated by white space; blank lines and lines starting with {@code #} are skipped.
 */
public final class Credentials {
    private final Map<String, String> secrets;

    private Credentials(Map<String, String> secrets) {
        this.secrets = Map.copyOf(secrets);
    }

    public static Credentials of(Map<String, String> secrets) {
        return new Credentials(secrets);
    }

    /** @throws IllegalArgumentException naming the file and line when it cannot be read */
    public static Credentials read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")");
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected ACCESS_KEY_ID SECRET");
            }
            if (m.put(parts[0], parts[1]) != null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": the access key " + parts[0] + " is given twice");
            }
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException(file + ": no access key");
        }
        return new Credentials(m);
    }

    public Optional<String> secretOf(String accessKeyId) {
        return Optional.ofNullable(secrets.get(accessKeyId));
    }
}
