package io.hostplane.api.audit;

import java.beans.PropertyEditorSupport;
import java.util.List;
import org.springframework.beans.propertyeditors.CustomCollectionEditor;
import org.springframework.web.bind.WebDataBinder;

/**
 * Binds the audit controllers' {@code @RequestParam}s to the query's values exactly as sent, as {@link AuditQuery}
 * has always read them from the query map: a single value is never split at commas ({@code type=a,b} is one
 * (unknown) type, {@code type=} the empty one), and of a repeated single-valued parameter the first counts (Spring's
 * default conversion would split the one and join the other with commas).
 */
final class AuditQueryValues {

    private AuditQueryValues() {}

    static void register(WebDataBinder binder) {
        binder.registerCustomEditor(List.class, new CustomCollectionEditor(List.class));
        binder.registerCustomEditor(String.class, new FirstValue());
    }

    /** A {@code String} parameter: the value, or the first of several. */
    private static final class FirstValue extends PropertyEditorSupport {
        @Override
        public void setValue(Object value) {
            super.setValue(value instanceof List<?> values && !values.isEmpty() ? values.get(0) : value);
        }

        @Override
        public void setAsText(String text) {
            setValue(text);
        }
    }
}
