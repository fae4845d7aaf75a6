package io.hostplane.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class SealedBoxTest {

    private final SealedBox box = new SealedBox(key((byte) 1));

    @Test
    void opensWhatItSealedUnderTheSameContextOnly() throws GeneralSecurityException {
        byte[] sealed = box.seal("hec-token-value", "audit-stream:1:token");

        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain("hec-token");
        assertThat(box.openText(sealed, "audit-stream:1:token")).isEqualTo("hec-token-value");
        assertThatThrownBy(() -> box.open(sealed, "audit-stream:2:token")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void refusesAnotherKeyAndAlteredBytes() {
        byte[] sealed = box.seal("secret", "c");
        byte[] altered = Arrays.copyOf(sealed, sealed.length);
        altered[altered.length - 1] ^= 1;

        assertThatThrownBy(() -> new SealedBox(key((byte) 2)).open(sealed, "c"))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> box.open(altered, "c")).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> box.open(new byte[5], "c")).isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aFreshNonceEveryTimeAndAKeyIdThatIsNotTheKey() {
        assertThat(box.seal("same", "c")).isNotEqualTo(box.seal("same", "c"));
        assertThat(box.keyId()).hasSize(16).isNotEqualTo(new SealedBox(key((byte) 2)).keyId());
        assertThatThrownBy(() -> new SealedBox(new byte[16])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SealedBox.fromBase64("not base64!")).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] key(byte fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, fill);
        return key;
    }
}
