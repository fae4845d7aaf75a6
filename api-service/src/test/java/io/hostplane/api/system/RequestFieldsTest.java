package io.hostplane.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hostplane.common.envelope.ErrorCodes;
import io.hostplane.common.envelope.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Tag("fast")
class RequestFieldsTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<FieldError> errors = new ArrayList<>();

    private RequestFields fields(String body) {
        return RequestFields.of(json.readTree(body), null, errors);
    }

    private List<String> paths() {
        return errors.stream().map(e -> e.field() + " " + e.code()).toList();
    }

    @Test
    void aMissingOrNullMemberIsNoValueAndNoProblem() {
        RequestFields f = fields("{\"a\":null}");
        assertThat(f.text("a", ErrorCodes.INVALID, "x")).isNull();
        assertThat(f.text("b", ErrorCodes.INVALID, "x")).isNull();
        assertThat(f.int32("a", ErrorCodes.INVALID, "x")).isNull();
        assertThat(f.integer("b", 0, 10)).isNull();
        assertThat(f.requiredInteger("a", 0, 10)).isNull();
        errors.clear();
        assertThat(f.<String>list("b", 0, 10, ErrorCodes.INVALID, "x", i -> "read"))
                .isNull();
        assertThat(errors).isEmpty();
        assertThat(f.has("a")).isTrue();
        assertThat(f.given("a")).isFalse();
        assertThat(f.has("b")).isFalse();
    }

    @Test
    void aMemberOfTheWrongTypeIsReportedWithTheGivenCodeAndMessage() {
        RequestFields f = fields("{\"s\":1,\"n\":\"1\",\"l\":{},\"t\":\"x\"}");
        assertThat(f.text("s", ErrorCodes.INVALID, "s must be a string.")).isNull();
        assertThat(f.int32("n", ErrorCodes.INVALID, "n must be a number.")).isNull();
        assertThat(f.<String>list("l", 0, 10, ErrorCodes.INVALID, "l must be a list.", i -> "read"))
                .isNull();
        assertThat(f.texts("t", ErrorCodes.INVALID, "t must be a list.", "A string."))
                .isNull();
        assertThat(f.textOrNull("s")).isNull();
        assertThat(f.textOrNull("n")).isEqualTo("1");
        assertThat(paths()).containsExactly("s INVALID", "n INVALID", "l INVALID", "t INVALID");
        assertThat(errors.get(0).message()).isEqualTo("s must be a string.");
    }

    @Test
    void aRequiredTextIsOneProblemWhetherMissingNullOrNotAString() {
        RequestFields f = fields("{\"a\":null,\"b\":2,\"c\":\"ok\"}");
        assertThat(f.requiredText("a", ErrorCodes.REQUIRED, "a is required.")).isNull();
        assertThat(f.requiredText("b", ErrorCodes.REQUIRED, "b is required.")).isNull();
        assertThat(f.requiredText("z", ErrorCodes.REQUIRED, "z is required.")).isNull();
        assertThat(f.requiredText("c", ErrorCodes.REQUIRED, "c is required.")).isEqualTo("ok");
        assertThat(paths()).containsExactly("a REQUIRED", "b REQUIRED", "z REQUIRED");
    }

    @Test
    void wholeNumbersAreHeldToTheirRange() {
        RequestFields f = fields("{\"low\":0,\"high\":11,\"half\":1.5,\"ok\":5,\"big\":4294967296}");
        assertThat(f.integer("low", 1, 10)).isNull();
        assertThat(f.integer("high", 1, 10)).isNull();
        assertThat(f.integer("half", 1, 10)).isNull();
        assertThat(f.integer("ok", 1, 10)).isEqualTo(5L);
        assertThat(f.int32("big", ErrorCodes.INVALID, "32 bits")).isNull();
        assertThat(f.requiredInteger("absent", 1, 10)).isNull();
        assertThat(fields("\"not an object\"").requiredInteger("limit", 1, 10)).isNull();
        assertThat(paths())
                .containsExactly(
                        "low TOO_SMALL",
                        "high TOO_LARGE",
                        "half INVALID",
                        "big INVALID",
                        "absent INVALID",
                        "limit INVALID");
    }

    @Test
    void nestedObjectsAndArrayItemsAreNamedByTheirPath() {
        RequestFields f = fields("{\"changes\":[{\"record\":{\"ttl\":\"x\"}},{\"record\":{\"ttl\":60}},7]}");
        List<Integer> ttls = f.list("changes", 1, 10, ErrorCodes.INVALID, "a list", item -> {
            if (!item.isObject()) {
                item.requiredText("op", ErrorCodes.INVALID, "op");
                return null;
            }
            return item.at("record").int32("ttl", "BAD", "ttl");
        });
        assertThat(ttls).containsExactly(null, 60, null);
        assertThat(paths()).containsExactly("changes[0].record.ttl BAD", "changes[2].op INVALID");
        assertThat(f.at("changes").path("x")).isEqualTo("changes.x");
        assertThat(f.at("missing").isObject()).isFalse();
    }

    @Test
    void aListOutsideItsSizeIsReportedAndNoItemRead() {
        RequestFields f = fields("{\"l\":[1,2,3]}");
        assertThat(f.<String>list("l", 1, 2, ErrorCodes.INVALID, "1 to 2", i -> {
                    throw new AssertionError("read");
                }))
                .isNull();
        assertThat(paths()).containsExactly("l INVALID");
    }

    @Test
    void textsNameEachItemThatIsNotAString() {
        RequestFields f = fields("{\"scopes\":[\"a\",1,\"b\",null]}");
        assertThat(f.texts("scopes", ErrorCodes.INVALID, "A list.", "A string."))
                .containsExactly("a", "b");
        assertThat(paths()).containsExactly("scopes[1] INVALID", "scopes[3] INVALID");
        assertThat(errors.get(0).message()).isEqualTo("A string.");
        assertThat(f.texts("absent", ErrorCodes.INVALID, "A list.", "A string."))
                .isNull();
    }

    @Test
    void anItemIsReadAsItselfAndReportedAtItsIndex() {
        RequestFields f = fields("{\"offsets\":[{\"topic\":\"x\"},\"y\",{\"from\":-1}]}");
        List<String> read = f.list("offsets", 0, 10, ErrorCodes.INVALID, "a list", item -> {
            if (!item.isObject()) {
                item.rejectThis(ErrorCodes.INVALID, "Not an object: " + item.json() + ".");
                return item.stringValue();
            }
            item.requiredInteger("from", 0, 10);
            return String.join(",", item.names());
        });
        assertThat(read).containsExactly("topic", "y", "from");
        assertThat(paths())
                .containsExactly("offsets[0].from INVALID", "offsets[1] INVALID", "offsets[2].from TOO_SMALL");
        assertThat(errors.get(1).message()).isEqualTo("Not an object: \"y\".");
    }

    @Test
    void bindRefusesWithEveryProblemAndTheRoutesMessage() {
        JsonNode body = json.readTree("{\"a\":1,\"b\":2}");
        assertThatThrownBy(() -> RequestFields.bind(body, "The thing is invalid.", f -> {
                    f.text("a", ErrorCodes.INVALID, "Not text.");
                    return f.text("b", ErrorCodes.INVALID, "Not text either.");
                }))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("The thing is invalid.");
                    assertThat(e.status().value()).isEqualTo(400);
                    assertThat(e.errors()).extracting(FieldError::field).containsExactly("a", "b");
                });
        assertThat(RequestFields.<String>bind(json.readTree("{\"a\":\"ok\"}"), "x", f -> f.text("a", "X", "y")))
                .isEqualTo("ok");
    }

    @Test
    void problemsCanBeKeptApartForOnePartOfABody() {
        List<FieldError> own = new ArrayList<>();
        RequestFields f = fields("{\"a\":1}");
        f.reportingTo(own).text("a", ErrorCodes.INVALID, "x");
        assertThat(own).extracting(FieldError::field).containsExactly("a");
        assertThat(errors).isEmpty();
    }
}
