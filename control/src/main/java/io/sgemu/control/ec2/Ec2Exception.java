package io.sgemu.control.ec2;

/** An EC2 error answer: its code ({@code InvalidGroup.NotFound}), message and HTTP status. */
public final class Ec2Exception extends RuntimeException {
    private final String code;
    private final int status;

    public Ec2Exception(String code, String message) {
        this(code, message, 400);
    }

    public Ec2Exception(String code, String message, int status) {
        super(message);
        this.code = code;
        this.status = status;
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
