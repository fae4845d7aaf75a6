/**
 * The API's OpenAPI 3.1 document, written by hand in {@code resources/openapi/openapi.json} and served as it
 * is at {@code GET /api/v1/openapi.json}, and Swagger UI (the {@code swagger-ui} webjar) at {@code /docs}. Both
 * are public. The tests keep the document honest: every mapped route is in it and nothing else, it validates
 * with swagger-parser and lints clean with Spectral. See {@code docs/api.md}.
 */
package io.hostplane.api.openapi;
