package io.hostplane.api.domains;

import static org.assertj.core.api.Assertions.assertThat;

import io.hostplane.common.envelope.FieldError;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DomainNamesTest {

    @Test
    void namesAreNormalisedToLowerCasePunycodeWithoutTheTrailingDot() {
        assertThat(DomainNames.normalise("Example.COM.")).contains("example.com");
        assertThat(DomainNames.normalise("bücher.de")).contains("xn--bcher-kva.de");
        assertThat(DomainNames.normalise("localhost")).isEmpty();
        assertThat(DomainNames.normalise("bad_label.com")).isEmpty();
        assertThat(DomainNames.normalise("-dash.com")).isEmpty();
    }

    @Test
    void registrableNamesUnderAPublicSuffixMayBeAdded() {
        assertThat(DomainNames.refusal("example.com", false)).isEmpty();
        assertThat(DomainNames.refusal("example.co.uk", false)).isEmpty();
        assertThat(DomainNames.refusal("shop.example.co.uk", false)).isEmpty();
        assertThat(DomainNames.refusal("xn--bcher-kva.de", false)).isEmpty();
    }

    @Test
    void publicSuffixesAndUnknownTopLevelDomainsAreNotRegistrable() {
        assertThat(code(DomainNames.refusal("co.uk", false))).isEqualTo("NOT_REGISTRABLE");
        assertThat(code(DomainNames.refusal("github.io", false))).isEqualTo("NOT_REGISTRABLE");
        assertThat(code(DomainNames.refusal("example.notarealtld", false))).isEqualTo("NOT_REGISTRABLE");
    }

    @Test
    void reservedTopLevelDomainsOnlyWhenConfigured() {
        assertThat(code(DomainNames.refusal("example.test", false))).isEqualTo("INVALID");
        assertThat(DomainNames.refusal("example.test", true)).isEmpty();
        assertThat(DomainNames.refusal("bench1.example", true)).isEmpty();
        assertThat(code(DomainNames.refusal("x.localhost", false))).isEqualTo("INVALID");
    }

    private static String code(Optional<FieldError> error) {
        return error.map(FieldError::code).orElse(null);
    }
}
