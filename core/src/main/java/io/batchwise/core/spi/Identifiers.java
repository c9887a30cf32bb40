package io.batchwise.core.spi;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The only caller-supplied strings Batchwise puts into SQL text: identifiers of a strict shape,
 * always quoted with backticks.
 */
public final class Identifiers {
    /** Letters, digits and {@code _}, not starting with a digit, at most 64 characters (MySQL's limit). */
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,63}";
    private static final Pattern QUALIFIED = Pattern.compile(NAME + "(\\." + NAME + ")?");

    private Identifiers() {
    }

    /** Whether {@code text} is a name or {@code qualifier.name} of the accepted shape. */
    public static boolean isQualifiedName(String text) {
        return text != null && QUALIFIED.matcher(text).matches();
    }

    /**
     * {@code text} when it is a name or {@code qualifier.name}.
     *
     * @throws IllegalArgumentException naming {@code parameter}, the bad value and the shape required
     */
    public static String requireQualifiedName(String parameter, String text, String what, String qualifier,
            String example) {
        Arguments.notNull(parameter, text, "pass a " + what + " such as " + example);
        if (!isQualifiedName(text)) {
            throw new IllegalArgumentException(parameter + " must be a " + what + " of letters, digits and _ (not"
                    + " starting with a digit, at most 64 characters), optionally qualified by one " + qualifier
                    + " as in " + example + ", was \"" + text + "\"; Batchwise puts only such names into SQL."
                    + " Name the " + what + " itself, without quotes, functions or expressions");
        }
        return text;
    }

    /** {@code a.b} as {@code `a`.`b`}, {@code a} as {@code `a`}; the name must have been validated. */
    public static String quote(String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        return dot < 0 ? "`" + qualifiedName + "`"
                : "`" + qualifiedName.substring(0, dot) + "`.`" + qualifiedName.substring(dot + 1) + "`";
    }

    /** Any name (e.g. one read from the server) quoted for display, backticks doubled. */
    public static String quoteAny(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    /** The part after the qualifier. */
    public static String unqualified(String qualifiedName) {
        return qualifiedName.substring(qualifiedName.indexOf('.') + 1);
    }

    /** The qualifier, or null. */
    public static String qualifier(String qualifiedName) {
        int dot = qualifiedName.indexOf('.');
        return dot < 0 ? null : qualifiedName.substring(0, dot);
    }

    /** Lower case for comparing names the way MySQL compares column names (case-insensitively). */
    public static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
