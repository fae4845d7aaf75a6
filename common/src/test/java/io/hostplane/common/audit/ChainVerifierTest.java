package io.hostplane.common.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Walking a chain from a signed checkpoint after an expired range ({@link ChainVerifier#anchorAt}). */
@Tag("fast")
class ChainVerifierTest {

    private final KeyPair signer = ed25519();
    private final Map<String, PublicKey> keys = Map.of(Checkpoints.keyId(signer.getPublic()), signer.getPublic());

    @Test
    void fromASignedCheckpointTheWalkHoldsAndStillFindsAnAlteredLink() {
        List<ChainVerifier.Link> chain = chain(10);
        ChainVerifier.Checkpoint at6 = checkpoint(chain.get(6));

        ChainVerifier verifier = new ChainVerifier(null, keys);
        assertThat(verifier.anchorAt(at6)).isNull();
        for (ChainVerifier.Link link : chain.subList(6, 10)) {
            assertThat(verifier.link(link)).isNull();
        }
        assertThat(verifier.finish()).isNull();

        List<ChainVerifier.Link> altered = new ArrayList<>(chain);
        ChainVerifier.Link eight = chain.get(8);
        altered.set(8, withJson(eight, "{\"id\":\"x\"}"));
        ChainVerifier walk = new ChainVerifier(null, keys);
        walk.anchorAt(at6);
        assertThat(walk.link(altered.get(6))).isNull();
        assertThat(walk.link(altered.get(7))).isNull();
        ChainVerifier.Broken broken = walk.link(altered.get(8));
        assertThat(broken).isNotNull();
        assertThat(broken.offset()).isEqualTo(8);
        assertThat(broken.reason()).contains("hash does not match");
    }

    @Test
    void theAnchorMustBeSignedAndItsLinkMustBeThereWithTheSignedHash() {
        List<ChainVerifier.Link> chain = chain(10);
        ChainVerifier.Checkpoint at6 = checkpoint(chain.get(6));

        // A forged signature.
        ChainVerifier.Checkpoint forged = new ChainVerifier.Checkpoint(
                at6.topic(), at6.partition(), at6.offset(), at6.hash(), at6.signedAt(), at6.keyId(), new byte[64]);
        ChainVerifier.Broken b = new ChainVerifier(null, keys).anchorAt(forged);
        assertThat(b).isNotNull();
        assertThat(b.reason()).contains("signature");

        // The anchor's link deleted: the walk does not start at the next link instead.
        ChainVerifier missing = new ChainVerifier(null, keys);
        missing.anchorAt(at6);
        b = missing.link(chain.get(7));
        assertThat(b).isNotNull();
        assertThat(b.offset()).isEqualTo(6);
        assertThat(b.reason()).contains("link is missing");
        ChainVerifier nothing = new ChainVerifier(null, keys);
        nothing.anchorAt(at6);
        assertThat(nothing.finish()).isNotNull();

        // The anchor's link re-hashed consistently (content and hash changed together): not the signed hash.
        ChainVerifier.Link six = chain.get(6);
        byte[] rehashed =
                ChainLink.eventHash(six.topic(), six.partition(), six.offset(), six.prevHash(), "{\"id\":\"y\"}");
        ChainVerifier.Link forgedSix = new ChainVerifier.Link(
                six.topic(),
                six.partition(),
                six.offset(),
                ChainLink.EVENT,
                six.eventId(),
                "{\"id\":\"y\"}",
                null,
                rehashed,
                six.prevHash());
        ChainVerifier rewritten = new ChainVerifier(null, keys);
        rewritten.anchorAt(at6);
        b = rewritten.link(forgedSix);
        assertThat(b).isNotNull();
        assertThat(b.reason()).contains("signed checkpoint");
    }

    @Test
    void aChainOfV1LinksThenV2LinksVerifiesAndAnAlteredLinkOfEitherIsFound() {
        List<ChainVerifier.Link> mixed = new ArrayList<>();
        byte[] prev = ChainLink.GENESIS;
        for (long o = 0; o < 8; o++) {
            boolean v2 = o >= 4;
            if (o == 5) {
                byte[] raw = {9};
                byte[] hash = ChainLink.quarantineHashV2("t", 0, o, prev, raw);
                mixed.add(new ChainVerifier.Link("t", 0, o, ChainLink.QUARANTINE, null, null, raw, hash, prev));
                prev = hash;
                continue;
            }
            String json = "{\"id\":\"" + o + "\"}";
            byte[] hash =
                    v2 ? ChainLink.eventHashV2("t", 0, o, prev, json) : ChainLink.eventHash("t", 0, o, prev, json);
            mixed.add(new ChainVerifier.Link("t", 0, o, ChainLink.EVENT, "e" + o, json, null, hash, prev));
            prev = hash;
        }
        ChainVerifier walk = new ChainVerifier(ChainLink.GENESIS, keys);
        for (ChainVerifier.Link link : mixed) {
            assertThat(walk.link(link)).as("offset " + link.offset()).isNull();
        }
        assertThat(walk.checkpoint(checkpoint(mixed.get(7)), mixed.get(7).hash()))
                .isNull();

        for (int at : new int[] {2, 6}) {
            List<ChainVerifier.Link> altered = new ArrayList<>(mixed);
            altered.set(at, withJson(mixed.get(at), "{\"id\":\"x\"}"));
            ChainVerifier.Broken broken = null;
            ChainVerifier again = new ChainVerifier(ChainLink.GENESIS, keys);
            for (ChainVerifier.Link link : altered) {
                broken = again.link(link);
                if (broken != null) {
                    break;
                }
            }
            assertThat(broken).isNotNull();
            assertThat(broken.offset()).isEqualTo(at);
            assertThat(broken.reason()).contains("hash does not match");
        }
    }

    private List<ChainVerifier.Link> chain(int n) {
        List<ChainVerifier.Link> links = new ArrayList<>();
        byte[] prev = ChainLink.GENESIS;
        for (long o = 0; o < n; o++) {
            String json = "{\"id\":\"" + o + "\"}";
            byte[] hash = ChainLink.eventHash("t", 0, o, prev, json);
            links.add(new ChainVerifier.Link("t", 0, o, ChainLink.EVENT, "e" + o, json, null, hash, prev));
            prev = hash;
        }
        return links;
    }

    private static ChainVerifier.Link withJson(ChainVerifier.Link link, String json) {
        return new ChainVerifier.Link(
                link.topic(),
                link.partition(),
                link.offset(),
                link.kind(),
                link.eventId(),
                json,
                null,
                link.hash(),
                link.prevHash());
    }

    private ChainVerifier.Checkpoint checkpoint(ChainVerifier.Link link) {
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String keyId = Checkpoints.keyId(signer.getPublic());
        byte[] signature = Checkpoints.sign(
                signer.getPrivate(),
                Checkpoints.signedBytes(link.topic(), link.partition(), link.offset(), link.hash(), at, keyId));
        return new ChainVerifier.Checkpoint(
                link.topic(), link.partition(), link.offset(), link.hash(), at, keyId, signature);
    }

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
