package io.sgemu.bench;

/**
 * The JVM flags of the parent POM ({@code sgemu.add.exports}), as constants that annotations such as
 * {@code @Fork(jvmArgsAppend = JvmFlags.ADD_EXPORTS)} can use. Generated at build time: edit the POM, not
 * this file.
 */
public final class JvmFlags {

    /** Agrona reads {@code jdk.internal.misc}. */
    public static final String ADD_EXPORTS = "--add-exports=${sgemu.add.exports}=ALL-UNNAMED";

    /** Netty's native transport. */
    public static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

    private JvmFlags() {
    }
}
