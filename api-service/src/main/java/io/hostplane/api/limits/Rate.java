package io.hostplane.api.limits;

import java.util.LinkedHashMap;
import java.util.Map;

/** A fixed-window rate: at most {@code limit} requests per {@code periodSeconds}. */
public record Rate(int limit, int periodSeconds) {

    /**
     * Whether this rate never lets more requests through than {@code ceiling}, in any window: no more per
     * window ({@code limit ≤ ceiling.limit}, so a longer period cannot be spent in one burst) and no more per
     * second on average ({@code limit / period ≤ ceiling.limit / ceiling.period}).
     */
    public boolean within(Rate ceiling) {
        return limit <= ceiling.limit && (long) limit * ceiling.periodSeconds <= (long) ceiling.limit * periodSeconds;
    }

    /** The largest simple rate within both: the smaller limit over the longer period. */
    public Rate meet(Rate other) {
        return new Rate(Math.min(limit, other.limit), Math.max(periodSeconds, other.periodSeconds));
    }

    /** As the API writes it: {@code {"limit", "period_seconds"}}. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("limit", limit);
        view.put("period_seconds", periodSeconds);
        return view;
    }

    @Override
    public String toString() {
        return limit + " per " + periodSeconds + " s";
    }
}
