package io.sgemu.control.reference;

/** What the emulator did with a packet. SKIP: the packet was not judged (no ENI, reserved address, undecodable). */
public enum Action {
    ACCEPT,
    REJECT,
    SKIP
}
