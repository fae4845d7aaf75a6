package io.hostplane.common.envelope;

import java.util.List;

/** A page of a list: {@code data} is {@code {"items": [...], "next_cursor": "..." | null}}. */
public record Page<T>(List<T> items, String nextCursor) {}
