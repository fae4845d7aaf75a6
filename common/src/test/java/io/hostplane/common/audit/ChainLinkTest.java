package io.hostplane.common.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ChainLinkTest {

    @Test
    void canonicalJsonSortsMembersDropsWhitespaceAndKeepsNumbersPlain() {
        assertThat(ChainLink.canonicalJson(
                        "{ \"b\": [1, 2.50, 1e2, -0.0], \"a\": {\"y\": \"x\\u0001\\\"\", \"x\": null} }"))
                .isEqualTo("{\"a\":{\"x\":null,\"y\":\"x\\u0001\\\"\"},\"b\":[1,2.50,100,0.0]}");
        // jsonb's own output order (shorter names first) canonicalises to the same text.
        assertThat(ChainLink.canonicalJson("{\"id\": \"1\", \"data\": {\"ok\": true}}"))
                .isEqualTo(ChainLink.canonicalJson("{\"data\":{\"ok\":true},\"id\":\"1\"}"));
        assertThatThrownBy(() -> ChainLink.canonicalJson("{not json")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHashIsSha256OfTheDocumentedText() throws Exception {
        String event = "{ \"b\": \"q\\\"\\\\\\n\u00e9\\u0007\", \"a\": 1 }";
        String text = "hostplane.audit.link.v1\nt\n3\n5\nevent\n" + "00".repeat(32) + "\n"
                + "{\"a\":1,\"b\":\"q\\\"\\\\\\n\u00e9\\u0007\"}";
        byte[] expected = java.security.MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ChainLink.eventHash("t", 3, 5, ChainLink.GENESIS, event)).isEqualTo(expected);
    }

    @Test
    void theV2HashIsSha256OfTheDocumentedTextWithThePayloadsDigest() throws Exception {
        var sha256 = java.security.MessageDigest.getInstance("SHA-256");
        var hex = java.util.HexFormat.of();
        var utf8 = java.nio.charset.StandardCharsets.UTF_8;
        String event = "{ \"b\": \"\u00e9\", \"a\": 1.50 }";
        String canonical = "{\"a\":1.50,\"b\":\"\u00e9\"}";
        byte[] prev = sha256.digest("p".getBytes(utf8));
        String payloadHex = hex.formatHex(sha256.digest(canonical.getBytes(utf8)));
        String text = "hostplane.audit.link.v2\nt\n3\n5\nevent\n" + hex.formatHex(prev) + "\n" + payloadHex;
        byte[] expected = sha256.digest(text.getBytes(utf8));

        assertThat(ChainLink.eventHashV2("t", 3, 5, prev, event)).isEqualTo(expected);
        assertThat(ChainLink.canonicalEventHashV2("t", 3, 5, prev, canonical)).isEqualTo(expected);
        assertThat(hex.formatHex(ChainLink.payloadDigest(canonical))).isEqualTo(payloadHex);
        // From the digest alone, without the payload: what a proof export's stub allows.
        assertThat(ChainLink.hashV2("t", 3, 5, ChainLink.EVENT, prev, hex.parseHex(payloadHex)))
                .isEqualTo(expected);
        assertThat(ChainLink.eventHashV2("t", 3, 5, prev, event))
                .isNotEqualTo(ChainLink.eventHash("t", 3, 5, prev, event));

        // A quarantined record: the digest of its base64 ("-" without a value).
        String q = "hostplane.audit.link.v2\nt\n3\n6\nquarantine\n" + hex.formatHex(prev) + "\n"
                + hex.formatHex(sha256.digest("AQI=".getBytes(utf8)));
        assertThat(ChainLink.quarantineHashV2("t", 3, 6, prev, new byte[] {1, 2}))
                .isEqualTo(sha256.digest(q.getBytes(utf8)));
        assertThat(ChainLink.quarantineHashV2("t", 3, 6, prev, null))
                .isEqualTo(ChainLink.hashV2("t", 3, 6, ChainLink.QUARANTINE, prev, ChainLink.payloadDigest("-")));
    }

    @Test
    void aStoredLinksVersionIsTheOneItsHashMatches() {
        byte[] prev = ChainLink.GENESIS;
        String json = "{\"id\":\"1\"}";
        byte[] v1 = ChainLink.eventHash("t", 0, 5, prev, json);
        byte[] v2 = ChainLink.eventHashV2("t", 0, 5, prev, json);
        assertThat(ChainLink.version("t", 0, 5, ChainLink.EVENT, prev, v2, json, null))
                .isEqualTo(ChainLink.V2);
        assertThat(ChainLink.version("t", 0, 5, ChainLink.EVENT, prev, v1, json, null))
                .isEqualTo(ChainLink.V1);
        assertThat(ChainLink.version("t", 0, 5, ChainLink.EVENT, prev, v2, "{\"id\":\"2\"}", null))
                .isZero();
        assertThat(ChainLink.version("t", 0, 5, ChainLink.EVENT, prev, null, json, null))
                .isZero();
        byte[] raw = {1, 2};
        assertThat(ChainLink.version(
                        "t",
                        0,
                        6,
                        ChainLink.QUARANTINE,
                        prev,
                        ChainLink.quarantineHashV2("t", 0, 6, prev, raw),
                        null,
                        raw))
                .isEqualTo(ChainLink.V2);
        assertThat(ChainLink.version(
                        "t",
                        0,
                        6,
                        ChainLink.QUARANTINE,
                        prev,
                        ChainLink.quarantineHash("t", 0, 6, prev, raw),
                        null,
                        raw))
                .isEqualTo(ChainLink.V1);
        // The same digest under the other kind is another hash.
        assertThat(ChainLink.version("t", 0, 5, ChainLink.QUARANTINE, prev, v2, json, null))
                .isZero();
    }

    @Test
    void theHashDependsOnPositionPredecessorAndContent() {
        byte[] a = ChainLink.eventHash("t", 0, 5, ChainLink.GENESIS, "{\"id\":\"1\"}");
        assertThat(a).hasSize(32);
        assertThat(ChainLink.eventHash("t", 0, 5, ChainLink.GENESIS, "{ \"id\" : \"1\" }"))
                .isEqualTo(a);
        assertThat(ChainLink.eventHash("t", 0, 6, ChainLink.GENESIS, "{\"id\":\"1\"}"))
                .isNotEqualTo(a);
        assertThat(ChainLink.eventHash("t", 1, 5, ChainLink.GENESIS, "{\"id\":\"1\"}"))
                .isNotEqualTo(a);
        assertThat(ChainLink.eventHash("t", 0, 5, a, "{\"id\":\"1\"}")).isNotEqualTo(a);
        assertThat(ChainLink.eventHash("t", 0, 5, ChainLink.GENESIS, "{\"id\":\"2\"}"))
                .isNotEqualTo(a);
        assertThat(ChainLink.quarantineHash("t", 0, 5, ChainLink.GENESIS, null))
                .isNotEqualTo(ChainLink.quarantineHash("t", 0, 5, ChainLink.GENESIS, new byte[0]));
    }

    @Test
    void checkpointSignaturesVerifyOnlyUnchanged() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        var key = Checkpoints.privateKey(pem);
        var pub = Checkpoints.publicKey(
                Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
        byte[] hash = ChainLink.sha256(new byte[] {1});
        Instant at = Instant.parse("2026-11-26T01:02:03.123456789Z");
        byte[] signed = Checkpoints.signedBytes("t", 1, 99, hash, at, Checkpoints.keyId(pub));
        byte[] signature = Checkpoints.sign(key, signed);
        assertThat(Checkpoints.verify(pub, signed, signature)).isTrue();
        assertThat(Checkpoints.verify(
                        pub, Checkpoints.signedBytes("t", 1, 100, hash, at, Checkpoints.keyId(pub)), signature))
                .isFalse();
        assertThat(Checkpoints.keyId(pub)).hasSize(16).matches("[0-9a-f]+");
    }
}
