package io.hostplane.api.openapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/openapi.json} (public): the checked-in document, byte for byte, not enveloped. */
@RestController
class OpenApiController {

    /** Where the document lives on the class path; the tests read the same file. */
    static final String DOCUMENT = "openapi/openapi.json";

    private final byte[] document;

    OpenApiController() {
        try (InputStream in = new ClassPathResource(DOCUMENT).getInputStream()) {
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("The OpenAPI document " + DOCUMENT + " is missing from the class path.", e);
        }
    }

    @GetMapping("/api/v1/openapi.json")
    ResponseEntity<byte[]> document() {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(document);
    }
}
