package io.hostplane.common.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ApiTokenFormatTest {

    @Test
    void generatedTokensHaveTheDocumentedShapeAndAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = ApiTokenFormat.generate();
            assertThat(token).hasSize(52).startsWith("hp_").matches("hp_[0-9A-Za-z]{49}");
            assertThat(ApiTokenFormat.isWellFormed(token)).isTrue();
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void aSingleChangedCharacterFailsTheChecksum() {
        String token = ApiTokenFormat.generate();
        char[] chars = token.toCharArray();
        chars[10] = chars[10] == 'a' ? 'b' : 'a';
        assertThat(ApiTokenFormat.isWellFormed(new String(chars))).isFalse();
    }

    @Test
    void wrongPrefixLengthOrAlphabetIsRejected() {
        String token = ApiTokenFormat.generate();
        assertThat(ApiTokenFormat.isWellFormed("xx" + token.substring(2))).isFalse();
        assertThat(ApiTokenFormat.isWellFormed(token + "0")).isFalse();
        assertThat(ApiTokenFormat.isWellFormed(token.substring(0, 20) + "-" + token.substring(21)))
                .isFalse();
        assertThat(ApiTokenFormat.isWellFormed(null)).isFalse();
    }

    @Test
    void theHintRevealsOnlyTheFirstCharacters() {
        String token = ApiTokenFormat.generate();
        assertThat(ApiTokenFormat.hint(token)).isEqualTo(token.substring(0, 7) + "…");
    }
}
