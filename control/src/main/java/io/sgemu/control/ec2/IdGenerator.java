package io.sgemu.control.ec2;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Resource ids in EC2's form: a prefix and 17 hex digits ({@code sg-0123456789abcdef0}). */
public class IdGenerator {
    private final SecureRandom random = new SecureRandom();

    /** A fresh id such as {@code sgr-04f1c2a9b7e3d5a61}. */
    public String next(String prefix) {
        byte[] b = new byte[9];
        random.nextBytes(b);
        return prefix + "-" + HexFormat.of().formatHex(b).substring(0, 17);
    }
}
