/**
 * Loading a {@link io.sgemu.control.model.World} from AWS CLI describe output and from the native YAML
 * format ({@code docs/world-yaml.md}): {@link io.sgemu.control.aws.WorldLoader} reads files and folders,
 * {@link io.sgemu.control.aws.WorldInventory} prints what was loaded.
 *
 * <p>Choices where AWS or the brief leave room:
 * <ul>
 *   <li>Rules from {@code describe-security-group-rules} replace, per group and direction, the rules
 *       flattened from {@code describe-security-groups}: they describe the same rules and carry the
 *       {@code sgr-} ids a revoke may name. A group known only from the former is created without name or VPC.</li>
 *   <li>References the emulator follows are errors when their target is not loaded: an interface's
 *       subnet, VPC and groups; a rule's group (unless it names another account, then a warning: it
 *       matches nothing) and prefix list; a NACL's subnets. The VPC named by a subnet, group or NACL of
 *       describe output is only a warning (partial dumps are common); in the native format it is an error.</li>
 *   <li>Every subnet ends up with one explicit NACL association: a subnet no NACL names joins its VPC's
 *       default NACL as {@code aclassoc-<subnet>}; a VPC without a default NACL gets AWS's
 *       ({@code acl-default-<vpc>}, rules 100 and 101 allow all both ways). Notes say so.</li>
 *   <li>The {@code *} NACL entries AWS prints (32767/32768) are dropped: they deny, as no match does.</li>
 *   <li>For protocols without ports (-1, and numbers other than tcp/udp/icmp/icmpv6) a rule's ports are
 *       stored as -1/-1 whatever the source said, so equal rules compare equal.</li>
 *   <li>Warnings, not errors: CIDRs with host bits set, private addresses outside their subnet, one
 *       address on two interfaces, an interface without groups, undocumented interface types,
 *       paginated output ({@code NextToken}), prefix lists without entries, and the AWS quotas (errors
 *       with {@link io.sgemu.control.aws.LoaderOptions#strictQuotas()}).</li>
 *   <li>{@code get-managed-prefix-list-entries} output names no list: its id is taken from a
 *       {@code pl-...} in the file name, else from the single list without entries defined in the same
 *       folder; otherwise the file is passed over with a note.</li>
 * </ul>
 */
package io.sgemu.control.aws;
