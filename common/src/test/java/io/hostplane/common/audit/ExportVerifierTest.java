package io.hostplane.common.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The offline verifier on exports written here with {@link ProofExport.Writer} over a chain built with {@link
 * ChainLink} and signed with {@link Checkpoints}: a valid export verifies, each kind of tampering is reported at the
 * line where it shows, and input that is no export at all is told apart from a broken export.
 */
@Tag("fast")
class ExportVerifierTest {

    static final KeyPair KEY = ed25519();

    @Test
    void aValidExportOfV1LinksVerifiesWithItsCounts() throws IOException {
        List<String> lines = export(KEY, "ABAB" + "QBAB" + "BBAA" + "BB", 4);
        ExportVerifier.Outcome outcome = verify(lines, KEY.getPublic());
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.VALID);
        // Offsets 0-12 (12 is the first checkpoint after the last "a" at 11): 5 events of a, 8 stubs (b and q),
        // checkpoints at 0, 4, 8, 12.
        assertThat(outcome.counts().events()).isEqualTo(5);
        assertThat(outcome.counts().stubs()).isEqualTo(8);
        assertThat(outcome.counts().checkpoints()).isEqualTo(4);
        assertThat(outcome.counts().chains()).isEqualTo(1);
        assertThat(outcome.counts().lines()).isEqualTo(lines.size());
        // Bound: only the event at 0, itself a checkpoint's link; every other "a" is followed by a v1 stub before
        // the next checkpoint.
        assertThat(outcome.counts().eventsSealed()).isEqualTo(1);
        assertThat(outcome.describe()).startsWith("valid: 5 events (1 bound to a signature)");
    }

    @Test
    void withV2LinksEveryEventBeforeACheckpointIsBoundThroughTheStubs() throws IOException {
        List<String> lines = export(KEY, "abab" + "qbab" + "bbaa" + "bb", 4);
        ExportVerifier.Outcome outcome = verify(lines, KEY.getPublic());
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.VALID);
        assertThat(lines.get(indexOf(lines, "\"kind\":\"stub\"", 0))).contains("\"payload_sha256\":\"");
        assertThat(outcome.counts().events()).isEqualTo(5);
        assertThat(outcome.counts().stubs()).isEqualTo(8);
        assertThat(outcome.counts().eventsSealed()).isEqualTo(5);
        assertThat(outcome.describe()).startsWith("valid: 5 events (5 bound to a signature)");
    }

    @Test
    void aMixedChainOfV1LinksThenV2LinksVerifies() throws IOException {
        // v1 up to offset 7, v2 from 8; checkpoints at 0, 4, 8, 12.
        ExportVerifier.Outcome outcome = verify(export(KEY, "ABAB" + "ABAB" + "abab" + "a", 4), KEY.getPublic());
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.VALID);
        assertThat(outcome.counts().events()).isEqualTo(7);
        // Bound: 0, 4 and 8 (checkpoints' links), 10 and 12 (through a v2 stub); not 2 and 6 (a v1 stub follows).
        assertThat(outcome.counts().eventsSealed()).isEqualTo(5);
    }

    @Test
    void anEditedEventWithTheNextV2StubsPrevHashRewrittenIsBroken() throws IOException {
        List<String> lines = export(KEY, "abab" + "abab", 4);
        int at = indexOf(lines, "\"offset\":2,", 0);
        forgeEventAndNextPrevHash(lines, at, ChainLink.V2);
        assertBroken(verify(lines, KEY.getPublic()), at + 2, "hash does not match the stub's payload_sha256");
    }

    @Test
    void theSameForgeryThroughAV1StubIsValidButLeavesTheEventUnbound() throws IOException {
        // What v2 closes: before a v1 stub, the edit goes unnoticed, and only the count shows it is not bound.
        List<String> v1 = export(KEY, "ABAB" + "ABAB", 4);
        forgeEventAndNextPrevHash(v1, indexOf(v1, "\"offset\":2,", 0), ChainLink.V1);
        ExportVerifier.Outcome outcome = verify(v1, KEY.getPublic());
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.VALID);
        assertThat(outcome.counts().eventsSealed()).isLessThan(outcome.counts().events());

        // A v2 stub stripped of its payload_sha256 reads as a v1 stub: the export is valid, but the edited event
        // (and every event before that stub) is no longer counted as bound.
        List<String> v2 = export(KEY, "abab" + "abab" + "a", 4);
        assertThat(verify(v2, KEY.getPublic()).counts().eventsSealed()).isEqualTo(5);
        int at = indexOf(v2, "\"offset\":2,", 0);
        forgeEventAndNextPrevHash(v2, at, ChainLink.V2);
        v2.set(at + 1, v2.get(at + 1).replaceAll(",\"payload_sha256\":\"[0-9a-f]{64}\"", ""));
        outcome = verify(v2, KEY.getPublic());
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.VALID);
        assertThat(outcome.counts().eventsSealed()).isEqualTo(outcome.counts().events() - 1);
    }

    @Test
    void anAlteredPayloadDigestIsBroken() throws IOException {
        List<String> lines = export(KEY, "abab", 4);
        int at = indexOf(lines, "\"kind\":\"stub\"", 0);
        String line = lines.get(at);
        int d = line.indexOf("\"payload_sha256\":\"") + 18;
        lines.set(at, line.substring(0, d) + (line.charAt(d) == '0' ? '1' : '0') + line.substring(d + 1));
        assertBroken(verify(lines, KEY.getPublic()), at + 1, "payload_sha256");
    }

    @Test
    void anAuditV1ExportIsStillRead() throws IOException {
        List<String> lines = export(KEY, "ABAB", 4);
        lines.replaceAll(l -> l.replace("\"audit.v2\"", "\"audit.v1\""));
        assertThat(lines.get(0)).contains("\"audit.v1\"");
        assertThat(verify(lines, KEY.getPublic()).valid()).isTrue();
        // The trailer must close the header's format.
        lines.set(lines.size() - 1, lines.get(lines.size() - 1).replace("\"audit.v1\"", "\"audit.v2\""));
        assertBroken(verify(lines, KEY.getPublic()), lines.size(), "does not close format audit.v1");
    }

    @Test
    void eventsFollowedOnlyByEventsUpToACheckpointAreSealed() throws IOException {
        ExportVerifier.Outcome outcome = verify(export(KEY, "aaaaaaaaa", 4), KEY.getPublic());
        assertThat(outcome.valid()).isTrue();
        // Checkpoints at 0, 4, 8: events 0-8 are all sealed.
        assertThat(outcome.counts().eventsSealed()).isEqualTo(9);
    }

    @Test
    void anEditedByteInAnEventIsBrokenAtItsLine() throws IOException {
        List<String> lines = export(KEY, "abab" + "abab", 4);
        int at = indexOf(lines, "\"kind\":\"event\"", 2);
        lines.set(at, lines.get(at).replace("/r", "/R"));
        assertBroken(verify(lines, KEY.getPublic()), at + 1, "hash does not match the event");
    }

    @Test
    void aRemovedLineIsBrokenWhereTheNextLineNowStands() throws IOException {
        List<String> lines = export(KEY, "abab" + "abab", 4);
        int at = indexOf(lines, "\"kind\":\"stub\"", 1);
        lines.remove(at);
        assertBroken(verify(lines, KEY.getPublic()), at + 1, "prev_hash is not the hash of the previous link");
    }

    @Test
    void aReorderedPairIsBrokenAtTheFirstOfThePair() throws IOException {
        List<String> lines = export(KEY, "abab" + "abab", 4);
        int at = indexOf(lines, "\"offset\":2,", 0);
        String moved = lines.get(at);
        lines.set(at, lines.get(at + 1));
        lines.set(at + 1, moved);
        assertBroken(verify(lines, KEY.getPublic()), at + 1, "prev_hash is not the hash of the previous link");
    }

    @Test
    void aStubSwappedForAnotherStubIsBroken() throws IOException {
        List<String> lines = export(KEY, "abab" + "abab", 4);
        int first = indexOf(lines, "\"kind\":\"stub\"", 0);
        int later = indexOf(lines, "\"kind\":\"stub\"", 2);
        String stub = lines.get(first);
        lines.set(first, lines.get(later));
        lines.set(later, stub);
        assertBroken(verify(lines, KEY.getPublic()), first + 1, "prev_hash is not the hash of the previous link");
    }

    @Test
    void aCheckpointUnderAnotherKeyIsBroken() throws IOException {
        List<String> lines = export(KEY, "abab", 4);
        ExportVerifier.Outcome outcome = verify(lines, ed25519().getPublic());
        assertBroken(outcome, indexOf(lines, "\"kind\":\"checkpoint\"", 0) + 1, "unknown key id");
        // A forged signature under the right key id.
        int cp = indexOf(lines, "\"kind\":\"checkpoint\"", 0);
        String line = lines.get(cp);
        int sig = line.indexOf("\"signature\":\"") + 13;
        lines.set(cp, line.substring(0, sig) + (line.charAt(sig) == 'A' ? 'B' : 'A') + line.substring(sig + 1));
        assertBroken(verify(lines, KEY.getPublic()), cp + 1, "signature does not verify");
    }

    @Test
    void aTruncatedExportIsBrokenAfterItsLastLine() throws IOException {
        List<String> lines = export(KEY, "abab", 4);
        lines.remove(lines.size() - 1);
        assertBroken(verify(lines, KEY.getPublic()), lines.size() + 1, "without its trailer");
        List<String> extra = export(KEY, "abab", 4);
        extra.add(extra.get(2));
        assertBroken(verify(extra, KEY.getPublic()), extra.size(), "after the trailer");
    }

    @Test
    void aChainCutShortOfItsAnnouncedEndIsBroken() throws IOException {
        List<String> lines = export(KEY, "abab" + "ab", 4);
        // The segment ends with the link at 4 (the last "a") and its checkpoint: both dropped, counts left alone.
        int trailer = lines.size() - 1;
        lines.remove(trailer - 1);
        lines.remove(trailer - 2);
        assertBroken(verify(lines, KEY.getPublic()), lines.size(), "the segment ends at offset");
    }

    @Test
    void inputThatIsNoExportIsToldApart() throws IOException {
        for (String input : List.of(
                "",
                "not json at all\n",
                "{\"specversion\":\"1.0\",\"id\":\"x\"}\n",
                "{\"hostplane_export\":\"audit.v9\",\"kind\":\"header\"}\n",
                "[1,2]\n")) {
            ExportVerifier.Outcome outcome =
                    new ExportVerifier(List.of(KEY.getPublic())).verify(new StringReader(input));
            assertThat(outcome.status()).as(input).isEqualTo(ExportVerifier.Status.NOT_AN_EXPORT);
            assertThat(outcome.describe()).startsWith("not a Hostplane audit export");
        }
        // After a valid header, a line that is not JSON is a broken export, not "no export".
        List<String> lines = export(KEY, "ab", 4);
        lines.set(1, "garbage");
        assertBroken(verify(lines, KEY.getPublic()), 2, "not JSON");
    }

    /**
     * What whoever edits an event (on the store before exporting, or in the file) can do without the signing key:
     * change the event at line {@code at}, give it the hash of its new content (in {@code version}), and restate
     * the next line's {@code prev_hash} to match.
     */
    private static void forgeEventAndNextPrevHash(List<String> lines, int at, int version) {
        String line = lines.get(at);
        JsonNode node = ChainLink.readTree(line);
        String edited = line.substring(line.indexOf(",\"event\":") + 9, line.length() - 1)
                .replace("/r", "/R");
        byte[] prev = HexFormat.of().parseHex(node.path("prev_hash").asString());
        int offset = node.path("offset").asInt();
        byte[] hash = version == ChainLink.V2
                ? ChainLink.eventHashV2("hostplane.audit", 3, offset, prev, edited)
                : ChainLink.eventHash("hostplane.audit", 3, offset, prev, edited);
        String old = node.path("hash").asString();
        String now = HexFormat.of().formatHex(hash);
        lines.set(at, line.replace("/r", "/R").replace(old, now));
        lines.set(at + 1, lines.get(at + 1).replace(old, now));
    }

    private static void assertBroken(ExportVerifier.Outcome outcome, int line, String reason) {
        assertThat(outcome.status()).as(outcome.describe()).isEqualTo(ExportVerifier.Status.BROKEN);
        assertThat(outcome.line()).as(outcome.describe()).isEqualTo(line);
        assertThat(outcome.reason()).contains(reason);
    }

    private static ExportVerifier.Outcome verify(List<String> lines, PublicKey key) throws IOException {
        return new ExportVerifier(List.of(key)).verify(new StringReader(String.join("\n", lines) + "\n"));
    }

    /** The index of the {@code nth} (0-based) line containing {@code text}. */
    private static int indexOf(List<String> lines, String text, int nth) {
        int seen = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && seen++ == nth) {
                return i;
            }
        }
        throw new AssertionError("no line " + nth + " with " + text);
    }

    /**
     * An export for tenant {@code a} of one chain whose links are given by {@code links}: {@code a} and {@code b}
     * are the two tenants' events, {@code q} a quarantined record, each a link in format v2 (in upper case: the same
     * in format v1, stored before v2); a checkpoint every {@code every} offsets. The segment runs from the chain's
     * start to the first checkpoint at or after tenant a's last event.
     */
    static List<String> export(KeyPair key, String links, int every) {
        String topic = "hostplane.audit";
        String keyId = Checkpoints.keyId(key.getPublic());
        int lastA = links.toLowerCase(java.util.Locale.ROOT).lastIndexOf('a');
        int end = lastA;
        while (end < links.length() && end % every != 0) {
            end++;
        }
        boolean endsAtCheckpoint = end < links.length();
        int to = endsAtCheckpoint ? end : lastA;
        ProofExport.Writer writer = new ProofExport.Writer();
        List<String> lines = new ArrayList<>();
        lines.add(writer.header("a", null, null, Map.of(), List.of(keyId), Instant.parse("2026-12-08T00:00:00Z")));
        lines.add(writer.chain(
                topic,
                3,
                0,
                to,
                ProofExport.START_GENESIS,
                endsAtCheckpoint ? ProofExport.END_CHECKPOINT : ProofExport.END_LAST_EVENT));
        byte[] prev = ChainLink.GENESIS;
        for (int offset = 0; offset <= to; offset++) {
            boolean v1 = Character.isUpperCase(links.charAt(offset));
            char c = Character.toLowerCase(links.charAt(offset));
            String json = "{\"specversion\":\"1.0\",\"id\":\"e" + offset + "\",\"tenant\":\"" + c
                    + "\",\"subject\":\"/r" + offset + "\",\"data\":{\"n\":1.50}}";
            byte[] raw = {1, 2};
            byte[] hash;
            if (v1) {
                hash = c == 'q'
                        ? ChainLink.quarantineHash(topic, 3, offset, prev, raw)
                        : ChainLink.eventHash(topic, 3, offset, prev, json);
            } else {
                hash = c == 'q'
                        ? ChainLink.quarantineHashV2(topic, 3, offset, prev, raw)
                        : ChainLink.eventHashV2(topic, 3, offset, prev, json);
            }
            byte[] digest = v1
                    ? null
                    : ChainLink.payloadDigest(
                            c == 'q' ? ChainLink.quarantinePayload(raw) : ChainLink.canonicalJson(json));
            lines.add(
                    c == 'a'
                            ? writer.event(topic, 3, offset, prev, hash, json)
                            : writer.stub(topic, 3, offset, prev, hash, digest));
            if (offset % every == 0) {
                Instant signedAt = Instant.parse("2026-12-08T00:00:00.123456Z");
                byte[] signature = Checkpoints.sign(
                        key.getPrivate(), Checkpoints.signedBytes(topic, 3, offset, hash, signedAt, keyId));
                lines.add(writer.checkpoint(topic, 3, offset, hash, signedAt, keyId, signature));
            }
            prev = hash;
        }
        lines.add(writer.trailer());
        return lines;
    }

    static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
