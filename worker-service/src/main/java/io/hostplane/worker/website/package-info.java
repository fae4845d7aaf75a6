/**
 * The {@code website.apply} and {@code website.delete} jobs: one nginx server block per website, rendered from
 * checked names only ({@link io.hostplane.worker.website.ServerBlocks}), written through a
 * {@link io.hostplane.worker.website.WebsiteBackend} ({@code local} or {@code nginx}). See {@code docs/websites.md}.
 */
package io.hostplane.worker.website;
