/**
 * The compiled, immutable policy of a world ({@link io.sgemu.dataplane.policy.PolicySnapshot}), as the
 * stages of a packet's path ask of it ({@link io.sgemu.dataplane.policy.Policy}); every answer is made
 * from flat primitive arrays without allocation.
 *
 * <ul>
 *   <li>{@link io.sgemu.dataplane.policy.AddressTable}: host address to address entry (ENI, public flag,
 *       own view, logged address, identity), an exact-match hash;</li>
 *   <li>{@link io.sgemu.dataplane.policy.RuleTable}: the rules of a set of security groups, per direction
 *       and family a leaf-pushed {@link io.sgemu.dataplane.policy.PrefixMap} from the remote address to a
 *       service set ({@link io.sgemu.dataplane.policy.ServiceSets}), the group references matched through
 *       identities, and the parts of the untracked-flow test;</li>
 *   <li>{@link io.sgemu.dataplane.policy.NetworkAclTable}: one NACL, first match by rule number.</li>
 * </ul>
 *
 * The builders here know nothing of AWS's model: the control side's compiler feeds them protocols,
 * ports, prefixes and group numbers.
 */
package io.sgemu.dataplane.policy;
