package io.sgemu.control.ec2;

/** One EC2 action: reads its form parameters and writes its answer's body (or throws EC2's error). */
@FunctionalInterface
interface ActionHandler {
    void answer(QueryRequest req, Xml x);
}
