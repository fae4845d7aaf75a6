package io.hostplane.common.event;

/**
 * Command {@code website.delete}: the web servers stop serving website {@code websiteId} of {@code domain}: its
 * server block is removed (other sites keep answering); its files stay until the domain is deleted, so a backup
 * can still be taken.
 */
public record DeleteWebsite(String websiteId, String domain) {}
