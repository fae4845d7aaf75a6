package io.hostplane.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What a command prints: with {@code --json} the envelope's {@code data} as JSON (for scripts), otherwise a
 * table of chosen fields (for people). Column values are the JSON fields, lists joined by commas.
 */
final class Output {

    /** A column: its heading and the JSON field it shows. */
    record Column(String heading, String field) {}

    static Column col(String heading, String field) {
        return new Column(heading, field);
    }

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    /** One object as {@code field: value} lines, or JSON. */
    void object(JsonNode data, Column... columns) {
        if (json) {
            out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(data));
            return;
        }
        int width = 0;
        for (Column c : columns) {
            width = Math.max(width, c.heading().length());
        }
        for (Column c : columns) {
            out.printf("%-" + (width + 2) + "s%s%n", c.heading() + ":", text(data.path(c.field())));
        }
    }

    /** {@code data.items} as a table, or {@code data} as JSON. */
    void table(JsonNode data, Column... columns) {
        if (json) {
            out.println(Api.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(data));
            return;
        }
        List<String[]> rows = new ArrayList<>();
        String[] head = new String[columns.length];
        int[] widths = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            head[i] = columns[i].heading();
            widths[i] = head[i].length();
        }
        for (JsonNode item : data.path("items")) {
            String[] row = new String[columns.length];
            for (int i = 0; i < columns.length; i++) {
                row[i] = text(item.path(columns[i].field()));
                widths[i] = Math.max(widths[i], row[i].length());
            }
            rows.add(row);
        }
        print(head, widths);
        rows.forEach(row -> print(row, widths));
        if (!data.path("next_cursor").isNull() && !data.path("next_cursor").isMissingNode()) {
            out.println("(more: --cursor " + data.path("next_cursor").asString() + ")");
        }
    }

    void line(String text) {
        if (!json) {
            out.println(text);
        }
    }

    private void print(String[] cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            line.append(i == cells.length - 1 ? cells[i] : String.format("%-" + (widths[i] + 2) + "s", cells[i]));
        }
        out.println(line.toString().stripTrailing());
    }

    private static String text(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(v.isValueNode() ? v.asString() : v.toString()));
            return String.join(",", parts);
        }
        String s = value.isValueNode() ? value.asString() : value.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
