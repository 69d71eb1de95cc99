package io.sgemu.bench.sweep;

import io.sgemu.bench.JvmFlags;

/**
 * Prints the JVM flags the sweeps need, from {@link JvmFlags} (generated from the parent POM, their one place),
 * for {@code scripts/bench-sweeps}, which runs the mains with {@code java -cp}: a jar's manifest flags only
 * apply to {@code java -jar}.
 */
public final class SweepJvmFlags {

    private SweepJvmFlags() {
    }

    public static void main(String[] args) {
        System.out.println(JvmFlags.ADD_EXPORTS + " " + JvmFlags.NATIVE_ACCESS);
    }
}
