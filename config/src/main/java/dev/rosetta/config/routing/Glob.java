package dev.rosetta.config.routing;

import org.jspecify.annotations.Nullable;

/**
 * A client-id or principal glob: {@code *} matches any run of characters, {@code ?} one
 * character, everything else itself. Compiled once per route table; matching allocates nothing.
 */
final class Glob {

    private enum Kind {
        ANY,
        EXACT,
        PREFIX,
        SUFFIX,
        GENERAL
    }

    private final String pattern;
    private final Kind kind;
    private final String literal;

    Glob(String pattern) {
        this.pattern = pattern;
        int stars = count(pattern, '*');
        boolean question = pattern.indexOf('?') >= 0;
        if (pattern.equals("*")) {
            kind = Kind.ANY;
            literal = "";
        } else if (stars == 0 && !question) {
            kind = Kind.EXACT;
            literal = pattern;
        } else if (stars == 1 && !question && pattern.endsWith("*")) {
            kind = Kind.PREFIX;
            literal = pattern.substring(0, pattern.length() - 1);
        } else if (stars == 1 && !question && pattern.startsWith("*")) {
            kind = Kind.SUFFIX;
            literal = pattern.substring(1);
        } else {
            kind = Kind.GENERAL;
            literal = pattern;
        }
    }

    /** Whether {@code value} matches; a null value matches only {@code *}. */
    boolean matches(@Nullable String value) {
        if (kind == Kind.ANY) {
            return true;
        }
        if (value == null) {
            return false;
        }
        return switch (kind) {
            case EXACT -> value.equals(literal);
            case PREFIX -> value.startsWith(literal);
            case SUFFIX -> value.endsWith(literal);
            default -> general(value);
        };
    }

    // Iterative wildcard matching with single-star backtracking: linear in practice, no allocation.
    private boolean general(String s) {
        String p = pattern;
        int si = 0;
        int pi = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi++;
                starS = si;
            } else if (starP >= 0) {
                pi = starP + 1;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    private static int count(String s, char c) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
