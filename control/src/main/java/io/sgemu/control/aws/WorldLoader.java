package io.sgemu.control.aws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.sgemu.dataplane.net.Cidr;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads a world from files and folders of AWS CLI describe output (JSON, or the CLI's YAML) and of the
 * native YAML format, merged into one {@link LoadedWorld}.
 *
 * <p>A folder stands for every {@code *.json}, {@code *.yaml} and {@code *.yml} below it, in sorted
 * order. A document is native when its top-level keys are the native format's ({@code vpcs},
 * {@code groups}, ...), else it is read as describe output. Every problem is a
 * {@link WorldLoadException} whose message names the file and the path in it.
 */
public final class WorldLoader {
    private static final Pattern PREFIX_LIST_ID = Pattern.compile("(pl-[0-9a-zA-Z]+)");

    private final LoaderOptions options;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final ObjectMapper yaml = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    public WorldLoader(LoaderOptions options) {
        this.options = options;
    }

    public WorldLoader() {
        this(LoaderOptions.DEFAULT);
    }

    /** A get-managed-prefix-list-entries document, attached to its list once every file is read. */
    private record EntriesDoc(Path file, LocatedNode doc) {
    }

    public LoadedWorld load(List<Path> paths) {
        WorldAssembler out = new WorldAssembler();
        List<EntriesDoc> entries = new ArrayList<>();
        // prefix lists defined by describe output, by the folder of their file (the "siblings" of an Entries file)
        java.util.Map<Path, Set<String>> listsByFolder = new java.util.HashMap<>();
        for (Path file : expand(paths)) {
            String name = file.toString();
            LocatedNode doc = LocatedNode.root(parse(file), false);
            try {
                if (!doc.isObject()) {
                    throw new WorldLoadException(name + ": " + topLevelProblem(doc));
                }
                if (doc.fieldNames().isEmpty()) {
                    out.note(name, "passed over (an empty document)");
                } else if (NativeYamlReader.isNative(doc)) {
                    new NativeYamlReader(out, name).read(doc);
                } else {
                    new AwsDescribeReader(out, name).read(doc);
                    if (doc.has("Entries")) {
                        entries.add(new EntriesDoc(file, doc));
                    }
                    for (String key : List.of("PrefixLists", "ManagedPrefixLists")) {
                        for (LocatedNode p : doc.get(key).elements()) {
                            if (p.has("Cidrs") || p.has("Entries")) {
                                continue; // has its entries already
                            }
                            listsByFolder.computeIfAbsent(folderOf(file), k -> new LinkedHashSet<>()).add(p.optText("PrefixListId"));
                        }
                    }
                }
            } catch (BadInputException e) {
                throw new WorldLoadException(name + ": " + e.getMessage(), e);
            }
        }
        for (EntriesDoc e : entries) {
            attachEntries(out, e, listsByFolder.getOrDefault(folderOf(e.file()), Set.of()));
        }
        return out.build(options);
    }

    private static Path folderOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath() : parent;
    }

    /**
     * get-managed-prefix-list-entries prints no list id: it is taken from a {@code pl-...} in the file's
     * name, else from the one prefix list without entries that describe output in the same folder defines.
     */
    private static void attachEntries(WorldAssembler out, EntriesDoc e, Set<String> siblings) {
        String name = e.file().toString();
        Matcher m = PREFIX_LIST_ID.matcher(e.file().getFileName().toString());
        String id = null;
        if (m.find()) {
            id = m.group(1);
        } else if (siblings.size() == 1) {
            id = siblings.iterator().next();
        }
        if (id == null) {
            out.note(name, "Entries: passed over (get-managed-prefix-list-entries output names no prefix list: put its id,"
                    + " pl-..., in the file name" + (siblings.isEmpty() ? "" : "; the folder defines " + siblings.size()
                    + " prefix lists without entries") + ")");
            return;
        }
        try {
            List<Cidr> cidrs = AwsDescribeReader.prefixListEntries(e.doc().get("Entries"), 0, text -> out.warn(name, text));
            out.addPrefixList(new WorldAssembler.PrefixListPart(id, null, 0, cidrs), name, "Entries");
            out.note(name, "Entries: read as the entries of " + id);
        } catch (BadInputException ex) {
            throw new WorldLoadException(name + ": " + ex.getMessage(), ex);
        }
    }

    static String topLevelProblem(LocatedNode doc) {
        if (doc.raw().isArray()) {
            return "is a --query projection (top level is an array), not describe output";
        }
        return "top level is " + doc.kind() + ", not describe output";
    }

    private JsonNode parse(Path file) {
        String name = file.toString();
        boolean isYaml = isYaml(file);
        try {
            String text = Files.readString(file);
            if (text.isBlank()) {
                throw new WorldLoadException(name + ": is empty");
            }
            JsonNode node = (isYaml ? yaml : json).readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new WorldLoadException(name + ": is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            String what = e.getOriginalMessage();
            int nl = what.indexOf('\n');
            what = nl < 0 ? what : what.substring(0, nl);
            if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
                throw new WorldLoadException(name + ": line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ": " + (isYaml ? "YAML" : "JSON") + " syntax error: " + what, e);
            }
            throw new WorldLoadException(name + ": " + (isYaml ? "YAML" : "JSON") + " syntax error: " + what, e);
        } catch (NoSuchFileException e) {
            throw new WorldLoadException(name + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new WorldLoadException(name + ": is not UTF-8 text", e);
        } catch (IOException e) {
            throw new WorldLoadException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isYaml(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yaml") || n.endsWith(".yml");
    }

    private static boolean isWorldFile(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".json") || n.endsWith(".yaml") || n.endsWith(".yml");
    }

    /** Files as given, folders replaced by the world files below them (sorted); each file once. */
    static List<Path> expand(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new WorldLoadException("no world given (files or folders of describe output or native YAML)");
        }
        Set<Path> files = new LinkedHashSet<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                List<Path> below;
                try (Stream<Path> walk = Files.walk(p)) {
                    below = walk.filter(Files::isRegularFile).filter(WorldLoader::isWorldFile)
                            .sorted(Comparator.comparing(Path::toString)).toList();
                } catch (IOException | java.io.UncheckedIOException e) {
                    throw new WorldLoadException(p + ": cannot be read (" + e.getMessage() + ")", e);
                }
                if (below.isEmpty()) {
                    throw new WorldLoadException(p + ": no .json, .yaml or .yml file below this folder");
                }
                files.addAll(below);
            } else if (Files.exists(p)) {
                files.add(p);
            } else {
                throw new WorldLoadException(p + ": no such file or folder");
            }
        }
        return new ArrayList<>(files);
    }
}
