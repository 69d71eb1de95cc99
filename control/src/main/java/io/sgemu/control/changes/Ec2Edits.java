package io.sgemu.control.changes;

import com.fasterxml.jackson.databind.JsonNode;
import io.sgemu.control.aws.LocatedNode;
import io.sgemu.control.model.World;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The change log's EC2 edits for other callers (the EC2 Query API): one request, in the shape the CLI's
 * {@code --cli-input-json} takes, becomes a function of the world with EC2's validation, so that both
 * sources of changes share one implementation of EC2's rules.
 */
public final class Ec2Edits {
    private Ec2Edits() {
    }

    /**
     * The edit of {@code action} (spelled as the API does), or empty when the change log does not know
     * the action. The edit throws {@link Rejected} where EC2 refuses the request against a world.
     *
     * @param output EC2's answer where the edit needs it ({@code NewAssociationId}), or null
     * @throws io.sgemu.control.aws.BadInputException when the request is malformed
     */
    public static Optional<UnaryOperator<World>> edit(String action, JsonNode input, JsonNode output) {
        if (!ChangeLog.knows(action)) {
            return Optional.empty();
        }
        LocatedNode in = LocatedNode.root(input, true);
        LocatedNode out = LocatedNode.at(output, "output", true);
        Edit e = in.optBool("DryRun", false) ? new NoOpEdit("-", "DryRun") : ChangeLog.edit(action, in, out);
        return Optional.of(e::applyTo);
    }
}
