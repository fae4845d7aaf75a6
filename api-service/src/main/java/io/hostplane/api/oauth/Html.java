package io.hostplane.api.oauth;

/** The approval page's HTML frame and escaping; every value from a request or the database goes through {@link #escape}. */
final class Html {

    private Html() {}

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String page(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + " · Hostplane</title><style>"
                + "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}"
                + "label{display:block;margin:.5rem 0}input{display:block;width:100%;padding:.4rem}"
                + "button{margin-top:1rem;padding:.5rem 1.2rem}.error{color:#b00020}.small{color:#666;font-size:.85rem}"
                + "</style></head><body><h1>" + escape(title) + "</h1>" + body + "</body></html>";
    }
}
