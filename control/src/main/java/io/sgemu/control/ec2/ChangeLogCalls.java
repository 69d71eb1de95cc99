package io.sgemu.control.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sgemu.control.changes.Ec2Edits;
import io.sgemu.control.model.World;
import java.util.function.UnaryOperator;

/**
 * The actions that the {@code --changes} log also knows are applied with the change log's own edits, so
 * that a call and a logged change of the same action cannot differ. The query spells some parameters
 * differently from the JSON the change log reads; {@link #rename} bridges them.
 */
final class ChangeLogCalls {
    private ChangeLogCalls() {
    }

    /** Applies the change log's edit for {@code action} to the live world; returns the published world. */
    static World apply(ControlPlane plane, String action, JsonNode input, JsonNode output) {
        UnaryOperator<World> edit = Ec2Edits.edit(action, input, output).orElseThrow();
        return plane.apply(edit);
    }

    static void rename(ObjectNode node, String from, String to) {
        JsonNode v = node.remove(from);
        if (v != null) {
            node.set(to, v);
        }
    }
}
