package intranet.esdev.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.TokenFilterFactory;

import java.io.Reader;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.regex.Pattern;

/** Small building blocks shared by the components of {@link FrenchAnalysisPlugin}. */
final class Components {

    private Components() {}

    /** A token filter that is not applied to normalizers (keyword fields, query terms of wildcard/prefix queries). */
    static TokenFilterFactory filter(String name, Function<TokenStream, TokenStream> create) {
        return new Filter(name, create);
    }

    /** A token filter with a distinct behaviour when used by a normalizer. */
    static TokenFilterFactory filter(String name, Function<TokenStream, TokenStream> create, Function<TokenStream, TokenStream> normalize) {
        return new NormalizingFilter(name, create, normalize);
    }

    /** A token filter that normalizers may use too (lowercase, asciifolding, elision...). */
    static TokenFilterFactory normalizingFilter(String name, Function<TokenStream, TokenStream> create) {
        return filter(name, create, create);
    }

    /** A char filter; a normalizing one is applied by normalizers too. */
    static CharFilterFactory charFilter(String name, boolean normalizing, Function<Reader, Reader> create) {
        return normalizing ? new NormalizingCharFilter(name, create) : new CharFilter(name, create);
    }

    /** A named analysis component made by a function: the token and char filter factories share
     * {@code name()} and {@code create(T)}, each interface for its own {@code T}. */
    private abstract static class Named<T> {
        private final String name;
        private final Function<T, T> create;

        Named(String name, Function<T, T> create) {
            this.name = name;
            this.create = create;
        }

        public String name() {
            return name;
        }

        public T create(T input) {
            return create.apply(input);
        }
    }

    private static class Filter extends Named<TokenStream> implements TokenFilterFactory {
        Filter(String name, Function<TokenStream, TokenStream> create) {
            super(name, create);
        }
    }

    private static final class NormalizingFilter extends Filter implements NormalizingTokenFilterFactory {
        private final Function<TokenStream, TokenStream> normalize;

        NormalizingFilter(String name, Function<TokenStream, TokenStream> create, Function<TokenStream, TokenStream> normalize) {
            super(name, create);
            this.normalize = normalize;
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            return normalize.apply(tokenStream);
        }
    }

    private static class CharFilter extends Named<Reader> implements CharFilterFactory {
        CharFilter(String name, Function<Reader, Reader> create) {
            super(name, create);
        }
    }

    /** Normalizers apply it as it is ({@link NormalizingCharFilterFactory#normalize} calls {@code create}). */
    private static final class NormalizingCharFilter extends CharFilter implements NormalizingCharFilterFactory {
        NormalizingCharFilter(String name, Function<Reader, Reader> create) {
            super(name, create);
        }
    }

    static Pattern pattern(Settings settings) {
        String pattern = settings.get("pattern");
        if (pattern == null) {
            throw new IllegalArgumentException("pattern is missing for [pattern_replace] filter");
        }
        int flags = 0;
        String names = settings.get("flags");
        if (names != null && names.isBlank() == false) {
            for (String flag : names.split("\\|")) {
                flags |= switch (flag.trim().toUpperCase(Locale.ROOT)) {
                    case "CASE_INSENSITIVE" -> Pattern.CASE_INSENSITIVE;
                    case "MULTILINE" -> Pattern.MULTILINE;
                    case "DOTALL" -> Pattern.DOTALL;
                    case "UNICODE_CASE" -> Pattern.UNICODE_CASE;
                    case "CANON_EQ" -> Pattern.CANON_EQ;
                    case "UNIX_LINES" -> Pattern.UNIX_LINES;
                    case "LITERAL" -> Pattern.LITERAL;
                    case "COMMENTS" -> Pattern.COMMENTS;
                    case "UNICODE_CHARACTER_CLASS" -> Pattern.UNICODE_CHARACTER_CLASS;
                    default -> throw new IllegalArgumentException("Unknown regex flag [" + flag + "]");
                };
            }
        }
        return Pattern.compile(pattern, flags);
    }

    static void checkNgramDiff(IndexSettings indexSettings, int min, int max, String what) {
        int allowed = indexSettings.getMaxNgramDiff();
        if (max - min > allowed) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in "
                    + what
                    + " must be less than or equal to: ["
                    + allowed
                    + "] but was ["
                    + (max - min)
                    + "]. This limit can be set by changing the [index.max_ngram_diff] index level setting."
            );
        }
    }

    /** The {@code token_chars} classes of the n-gram tokenizers; an empty list keeps every character. */
    static IntPredicate tokenChars(List<String> classes) {
        IntPredicate keep = null;
        for (String name : classes) {
            IntPredicate matcher = switch (name.toLowerCase(Locale.ROOT)) {
                case "letter" -> Character::isLetter;
                case "digit" -> Character::isDigit;
                case "whitespace" -> Character::isWhitespace;
                case "punctuation" -> c -> switch (Character.getType(c)) {
                    case Character.START_PUNCTUATION, Character.END_PUNCTUATION, Character.OTHER_PUNCTUATION,
                        Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                        Character.FINAL_QUOTE_PUNCTUATION -> true;
                    default -> false;
                };
                case "symbol" -> c -> switch (Character.getType(c)) {
                    case Character.CURRENCY_SYMBOL, Character.MATH_SYMBOL, Character.OTHER_SYMBOL, Character.MODIFIER_SYMBOL -> true;
                    default -> false;
                };
                default -> throw new IllegalArgumentException("Unknown token type: '" + name + "', must be one of [letter, digit, whitespace, punctuation, symbol]");
            };
            keep = keep == null ? matcher : keep.or(matcher);
        }
        return keep;
    }

    static Tokenizer nGramTokenizer(int min, int max, IntPredicate tokenChars) {
        if (tokenChars == null) {
            return new NGramTokenizer(min, max);
        }
        return new NGramTokenizer(min, max) {
            @Override
            protected boolean isTokenChar(int chr) {
                return tokenChars.test(chr);
            }
        };
    }

    static Tokenizer edgeNGramTokenizer(int min, int max, IntPredicate tokenChars) {
        if (tokenChars == null) {
            return new EdgeNGramTokenizer(min, max);
        }
        return new EdgeNGramTokenizer(min, max) {
            @Override
            protected boolean isTokenChar(int chr) {
                return tokenChars.test(chr);
            }
        };
    }

    /** Rules of the {@code mapping} char filter: {@code "source => target"}, with \\ escapes (\n, \t, \\uXXXX...). */
    static NormalizeCharMap parseMappingRules(List<String> rules) {
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : rules) {
            int arrow = rule.indexOf("=>");
            if (arrow < 0) {
                throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
            }
            String source = unescape(rule.substring(0, arrow).trim());
            String target = unescape(rule.substring(arrow + 2).trim());
            if (source.isEmpty()) {
                throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]. Replaced string cannot be empty");
            }
            builder.add(source, target);
        }
        return builder.build();
    }

    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= text.length()) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + text + "]");
                    }
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
