package io.hostplane.common.audit;

import java.security.PublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * Walks one chain in offset order and finds its first broken link: a link whose stored hash is not the hash of
 * its content in either link format ({@link ChainLink#version}; the row was altered), or whose stored previous hash is not the hash of the link before it (a row
 * was removed, inserted or re-hashed), or a checkpoint whose signature does not verify or whose hash is not the
 * chain's hash at that offset. Feed it links with {@link #link} and checkpoints with {@link #checkpoint}.
 *
 * <p>Where the chain's older links have expired (their partition was dropped, docs/audit.md, Retention), the walk
 * starts at the first signed checkpoint after the expired range instead: {@link #anchorAt} verifies its signature
 * and trusts its (offset, hash); the first link fed must be that checkpoint's link and hash to the signed hash,
 * and the walk goes on from there. Links between the expired range and that checkpoint are not verifiable
 * ({@link Unverifiable}), which is not the same as broken.
 */
public final class ChainVerifier {

    /** A stored link; {@code eventJson} for events, {@code raw} for quarantined records. */
    public record Link(
            String topic,
            int partition,
            long offset,
            String kind,
            String eventId,
            String eventJson,
            byte[] raw,
            byte[] hash,
            byte[] prevHash) {}

    /** A stored checkpoint. */
    public record Checkpoint(
            String topic, int partition, long offset, byte[] hash, Instant signedAt, String keyId, byte[] signature) {}

    /** The first broken link: where, why, and the expected against the stored value (hex). */
    public record Broken(
            String topic, int partition, long offset, String eventId, String reason, String expected, String stored) {}

    /**
     * Links that could not be verified: kept links of a chain after its expired range ({@code expiredThrough},
     * the last expired offset) and before the first signed checkpoint after it ({@code anchor}, -1 if there is
     * none yet), offsets {@code from} to {@code to}.
     */
    public record Unverifiable(
            String topic, int partition, long expiredThrough, long from, long to, long links, long anchor) {}

    private final Map<String, PublicKey> keys;
    private byte[] last;
    private Checkpoint anchor;

    /**
     * @param anchor the hash the first fed link must name as its predecessor ({@link ChainLink#GENESIS} from the
     *     chain's start, a checkpoint's hash from there); null: take the first link's own stored predecessor
     * @param keys public keys of checkpoint signers by key id
     */
    public ChainVerifier(byte[] anchor, Map<String, PublicKey> keys) {
        this.last = anchor;
        this.keys = keys;
    }

    /**
     * Starts (or restarts) the walk at a signed checkpoint rather than at a link: its signature is verified now
     * (when keys are given; without keys it is taken as stored, as every checkpoint is then), and the next link
     * fed must be the checkpoint's link, whose content must hash to the signed hash. Null when the signature holds.
     */
    public Broken anchorAt(Checkpoint cp) {
        if (!keys.isEmpty()) {
            Broken b = signature(cp);
            if (b != null) {
                return b;
            }
        }
        anchor = cp;
        last = null;
        return null;
    }

    /** At the end of a walk: a checkpoint anchored with {@link #anchorAt} whose link never came is broken. */
    public Broken finish() {
        if (anchor == null) {
            return null;
        }
        Broken b = broken(anchor, "the signed checkpoint's link is missing", anchor.hash(), null);
        anchor = null;
        return b;
    }

    /** Checks the next link of the chain; null when it holds. */
    public Broken link(Link link) {
        if (anchor != null && link.offset() != anchor.offset()) {
            Broken b = broken(anchor, "the signed checkpoint's link is missing", anchor.hash(), null);
            anchor = null;
            return b;
        }
        if (link.hash() == null || link.prevHash() == null) {
            return broken(link, "row has no hash (stored before chains existed)", null, null);
        }
        if (last != null && !Arrays.equals(last, link.prevHash())) {
            return broken(link, "prev_hash is not the hash of the previous link", last, link.prevHash());
        }
        int version;
        try {
            version = ChainLink.version(
                    link.topic(),
                    link.partition(),
                    link.offset(),
                    link.kind(),
                    link.prevHash(),
                    link.hash(),
                    link.eventJson(),
                    link.raw());
        } catch (IllegalArgumentException e) {
            return broken(link, "stored event is not JSON", null, link.hash());
        }
        if (version == 0) {
            // Reported against the hash the link would have if written now.
            byte[] expected = ChainLink.EVENT.equals(link.kind())
                    ? ChainLink.eventHashV2(
                            link.topic(), link.partition(), link.offset(), link.prevHash(), link.eventJson())
                    : ChainLink.quarantineHashV2(
                            link.topic(), link.partition(), link.offset(), link.prevHash(), link.raw());
            return broken(link, "hash does not match the link's content", expected, link.hash());
        }
        if (anchor != null) {
            byte[] signed = anchor.hash();
            anchor = null;
            if (!Arrays.equals(signed, link.hash())) {
                return broken(link, "link's hash is not the signed checkpoint's", signed, link.hash());
            }
        }
        last = link.hash();
        return null;
    }

    /**
     * Checks a checkpoint against its signature and against the hash of the link at its offset, which the caller
     * has already fed ({@code linkHash}, null if the chain holds no link at that offset).
     */
    public Broken checkpoint(Checkpoint cp, byte[] linkHash) {
        Broken b = signature(cp);
        if (b != null) {
            return b;
        }
        if (linkHash == null || !Arrays.equals(linkHash, cp.hash())) {
            return broken(cp, "checkpoint hash is not the link's hash", cp.hash(), linkHash);
        }
        return null;
    }

    /** Whether the checkpoint is signed by a listed key over what it states; null when it is. */
    private Broken signature(Checkpoint cp) {
        PublicKey key = keys.get(cp.keyId());
        if (key == null) {
            return broken(cp, "checkpoint signed with unknown key id " + cp.keyId(), null, null);
        }
        byte[] signed =
                Checkpoints.signedBytes(cp.topic(), cp.partition(), cp.offset(), cp.hash(), cp.signedAt(), cp.keyId());
        if (!Checkpoints.verify(key, signed, cp.signature())) {
            return broken(cp, "checkpoint signature does not verify", null, cp.signature());
        }
        return null;
    }

    private static Broken broken(Link link, String reason, byte[] expected, byte[] stored) {
        return new Broken(
                link.topic(), link.partition(), link.offset(), link.eventId(), reason, hex(expected), hex(stored));
    }

    private static Broken broken(Checkpoint cp, String reason, byte[] expected, byte[] stored) {
        return new Broken(cp.topic(), cp.partition(), cp.offset(), null, reason, hex(expected), hex(stored));
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? null : HexFormat.of().formatHex(bytes);
    }
}
