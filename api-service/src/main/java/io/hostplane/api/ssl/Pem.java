package io.hostplane.api.ssl;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM text (RFC 7468) as a list of blocks. Strict where it matters: the base64 inside a block must decode,
 * encrypted (legacy {@code Proc-Type}) blocks are refused, and text that is not printable (binary garbage) is
 * not PEM. Printable text between blocks (e.g. {@code subject=…} lines written by tools) is ignored.
 */
final class Pem {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----(.*?)-----END ([A-Z0-9 ]{1,40})-----", Pattern.DOTALL);

    private Pem() {}

    record Block(String type, byte[] der) {}

    /** Thrown for text that is not PEM; the message is safe to show (it never quotes the input). */
    static final class NotPem extends Exception {
        NotPem(String message) {
            super(message, null, false, false);
        }
    }

    static List<Block> parse(String text) throws NotPem {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f || c == 0xfffd) {
                throw new NotPem("is not PEM text (it holds binary data)");
            }
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (!type.equals(m.group(3))) {
                throw new NotPem("has a BEGIN " + type + " line closed by END " + m.group(3));
            }
            String body = m.group(2);
            if (body.contains(":")) {
                throw new NotPem("holds an encrypted or annotated " + type + " block; send it unencrypted");
            }
            try {
                byte[] der = Base64.getDecoder().decode(body.replaceAll("\\s", ""));
                if (der.length == 0) {
                    throw new NotPem("has an empty " + type + " block");
                }
                blocks.add(new Block(type, der));
            } catch (IllegalArgumentException e) {
                throw new NotPem("has a " + type + " block that is not valid base64");
            }
        }
        if (blocks.isEmpty()) {
            throw new NotPem("holds no PEM block (-----BEGIN …-----)");
        }
        return blocks;
    }

    static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
