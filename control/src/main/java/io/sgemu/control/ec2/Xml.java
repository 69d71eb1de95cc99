package io.sgemu.control.ec2;

/** A small writer of EC2's response XML: elements with escaped text, nothing else. */
final class Xml {
    static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";

    private final StringBuilder sb = new StringBuilder();

    Xml open(String name) {
        sb.append('<').append(name).append('>');
        return this;
    }

    Xml close(String name) {
        sb.append("</").append(name).append('>');
        return this;
    }

    /** {@code <name>text</name>}; nothing when {@code value} is null. */
    Xml el(String name, Object value) {
        if (value != null) {
            sb.append('<').append(name).append('>').append(escape(value.toString())).append("</").append(name).append('>');
        }
        return this;
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The whole answer of {@code action}: {@code <ActionResponse xmlns=...><requestId>..</requestId>body</ActionResponse>}. */
    static String response(String action, String requestId, Xml body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + NAMESPACE + "\">"
                + "<requestId>" + requestId + "</requestId>" + body.sb + "</" + action + "Response>";
    }

    /** EC2's error document. */
    static String error(String code, String message, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + escape(code)
                + "</Code><Message>" + escape(message) + "</Message></Error></Errors><RequestID>" + requestId
                + "</RequestID></Response>";
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
