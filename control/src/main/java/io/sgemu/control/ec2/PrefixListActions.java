package io.sgemu.control.ec2;

import io.sgemu.control.aws.AwsShapes;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.model.PrefixList;
import io.sgemu.control.model.World;
import io.sgemu.dataplane.net.Cidr;
import io.sgemu.dataplane.net.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Managed prefix lists: DescribeManagedPrefixLists, CreateManagedPrefixList, ModifyManagedPrefixList,
 * GetManagedPrefixListEntries, and the XML shape of a list. What EC2 says of a list beyond its entries
 * (maximum size, version, owner, entry descriptions) is not in the world model, so it is kept here.
 */
final class PrefixListActions {
    private final Ec2Context ctx;
    private final Map<String, Meta> metas = new ConcurrentHashMap<>();

    /** What EC2 says of a prefix list beyond its entries. */
    private record Meta(int maxEntries, long version, String ownerId, Map<String, String> descriptions) {
    }

    private record EntryArg(Cidr cidr, String description) {
    }

    PrefixListActions(Ec2Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, ActionHandler> actions) {
        actions.put("DescribeManagedPrefixLists", this::describe);
        actions.put("CreateManagedPrefixList", this::create);
        actions.put("ModifyManagedPrefixList", this::modify);
        actions.put("GetManagedPrefixListEntries", this::entries);
    }

    /** A loaded list's: sized to its entries, version 1, AWS's own when its name says so, else the account's. */
    private Meta meta(World w, PrefixList pl) {
        Meta m = metas.get(pl.id());
        if (m != null) {
            return m;
        }
        return new Meta(Math.max(1, pl.entries().size()), 1, pl.name() != null && pl.name().startsWith("com.amazonaws")
                ? "AWS" : WorldLookups.accountOf(w), Map.of());
    }

    private void write(World w, PrefixList pl, String state, Xml x) {
        Meta m = meta(w, pl);
        x.el("prefixListId", pl.id()).el("addressFamily", pl.family() == IpAddress.V6 ? "IPv6" : "IPv4")
                .el("state", state).el("prefixListArn", ctx.arn(m.ownerId(), "prefix-list", pl.id()))
                .el("prefixListName", pl.name()).el("maxEntries", m.maxEntries()).el("version", m.version());
        ctx.tags().writeTagSet(x, pl.id());
        x.el("ownerId", m.ownerId());
    }

    private void describe(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        List<String> ids = req.list("PrefixListId");
        ids.forEach(id -> WorldLookups.prefixList(w, id));
        Filters filters = ctx.filters(req);
        List<PrefixList> matches = new ArrayList<>();
        for (PrefixList pl : w.prefixLists().values()) {
            if (!ids.isEmpty() && !ids.contains(pl.id())) {
                continue;
            }
            if (filters.match(pl.id(), f -> switch (f) {
                case "prefix-list-id" -> List.of(pl.id());
                case "prefix-list-name" -> List.of(String.valueOf(pl.name()));
                case "owner-id" -> List.of(String.valueOf(meta(w, pl).ownerId()));
                default -> null;
            })) {
                matches.add(pl);
            }
        }
        Pagination.Page<PrefixList> page = Pagination.page(req, "DescribeManagedPrefixLists",
                Pagination.Bounds.PREFIX_LISTS, matches, PrefixList::id);
        x.open("prefixListSet");
        for (PrefixList pl : page.items()) {
            x.open("item");
            write(w, pl, "create-complete", x);
            x.close("item");
        }
        x.close("prefixListSet");
        page.writeNextToken(x);
    }

    private static List<EntryArg> entryArgs(QueryRequest req, String name, int family) {
        List<EntryArg> out = new ArrayList<>();
        for (LocatedNode e : LocatedNode.at(req.tree().get(name), name, true).elements()) {
            out.add(new EntryArg(AwsShapes.cidr(e.required("Cidr"), family, null), e.optText("Description")));
        }
        return out;
    }

    private void create(QueryRequest req, Xml x) {
        String name = req.required("PrefixListName");
        String familyText = req.required("AddressFamily");
        int family = switch (familyText) {
            case "IPv4" -> IpAddress.V4;
            case "IPv6" -> IpAddress.V6;
            default -> throw new Ec2Exception("InvalidParameterValue", "AddressFamily must be IPv4 or IPv6, not " + familyText);
        };
        int max = parseInt("MaxEntries", req.required("MaxEntries"));
        if (max < 1 || max > 1000) {
            throw new Ec2Exception("InvalidParameterValue", "MaxEntries must be between 1 and 1000");
        }
        List<EntryArg> entries = entryArgs(req, "Entry", family);
        if (entries.size() > max) {
            throw new Ec2Exception("InvalidParameterValue", entries.size() + " entries exceed MaxEntries " + max);
        }
        Map<String, String> tags = TagActions.specified(req, TagActions.ResourceType.PREFIX_LIST);
        String id = ctx.plane().ids().next("pl");
        Map<String, String> descriptions = new LinkedHashMap<>();
        entries.forEach(e -> descriptions.put(e.cidr().toString(), e.description()));
        World after = ctx.create(id, tags, w -> w.withPrefixList(
                new PrefixList(id, name, family, entries.stream().map(EntryArg::cidr).distinct().toList())));
        metas.put(id, new Meta(max, 1, WorldLookups.accountOf(after), descriptions));
        x.open("prefixList");
        write(after, after.prefixLists().get(id), "create-complete", x);
        x.close("prefixList");
    }

    private static int parseInt(String name, String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + text + ") for parameter " + name + " is invalid.");
        }
    }

    private void modify(QueryRequest req, Xml x) {
        String id = req.required("PrefixListId");
        String current = req.get("CurrentVersion");
        String newName = req.get("PrefixListName");
        Meta[] updated = new Meta[1];
        World after = ctx.plane().apply(w -> {
            PrefixList pl = WorldLookups.prefixList(w, id);
            Meta m = meta(w, pl);
            if ("AWS".equals(m.ownerId())) {
                throw new Ec2Exception("UnauthorizedOperation", "an AWS-managed prefix list cannot be modified");
            }
            if (current != null && parseInt("CurrentVersion", current) != m.version()) {
                throw new Ec2Exception("PrefixListVersionMismatch", "The prefix list has the incorrect version number.");
            }
            List<EntryArg> add = entryArgs(req, "AddEntry", pl.family());
            List<EntryArg> remove = entryArgs(req, "RemoveEntry", pl.family());
            List<Cidr> cidrs = new ArrayList<>(pl.entries());
            Map<String, String> descriptions = new LinkedHashMap<>(m.descriptions());
            for (EntryArg r : remove) {
                if (!cidrs.remove(r.cidr())) {
                    throw new Ec2Exception("InvalidPrefixListModification", "The entry " + r.cidr() + " is not in " + id);
                }
                descriptions.remove(r.cidr().toString());
            }
            for (EntryArg a : add) {
                if (!cidrs.contains(a.cidr())) {
                    cidrs.add(a.cidr());
                }
                descriptions.put(a.cidr().toString(), a.description());
            }
            if (cidrs.size() > m.maxEntries()) {
                throw new Ec2Exception("PrefixListMaxEntriesExceeded", "The prefix list would have " + cidrs.size()
                        + " entries, more than its maximum " + m.maxEntries());
            }
            updated[0] = new Meta(m.maxEntries(), m.version() + 1, m.ownerId(), descriptions);
            return w.withPrefixList(new PrefixList(id, newName != null ? newName : pl.name(), pl.family(), cidrs));
        });
        metas.put(id, updated[0]); // only once the change is in force
        x.open("prefixList");
        write(after, after.prefixLists().get(id), "modify-complete", x);
        x.close("prefixList");
    }

    private void entries(QueryRequest req, Xml x) {
        World w = ctx.plane().world();
        PrefixList pl = WorldLookups.prefixList(w, req.required("PrefixListId"));
        Meta m = meta(w, pl);
        Pagination.Page<Cidr> page = Pagination.page(req, "GetManagedPrefixListEntries", Pagination.Bounds.PREFIX_LISTS,
                pl.entries(), Cidr::toString);
        x.open("entrySet");
        for (Cidr c : page.items()) {
            x.open("item").el("cidr", c).el("description", m.descriptions().get(c.toString())).close("item");
        }
        x.close("entrySet");
        page.writeNextToken(x);
    }
}
