/**
 * {@code --changes}: a JSON Lines log of EC2 requests (as the CLI's {@code --cli-input-json} takes
 * them) applied to the world at given times during a replay. {@link io.sgemu.control.changes.ChangeLog}
 * reads the log all or nothing and, given the world, applies it once at read time, so that a request
 * EC2 would refuse ({@code InvalidPermission.NotFound}, {@code NetworkAclEntryAlreadyExists}, ...) is
 * reported before the replay starts, naming its line.
 */
package io.sgemu.control.changes;
