package intranet.esdev.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.StopAnalyzer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.pattern.PatternReplaceFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static org.elasticsearch.plugins.AnalysisPlugin.requiresAnalysisSettings;

/**
 * The analysis components of Elasticsearch's {@code analysis-common} module that a French-language site needs.
 *
 * <p>Elastic publishes the server jar and the {@code transport-netty4} module on Maven Central, but not
 * {@code analysis-common}: in the official distribution it is a module inside the archive. This plugin re-creates,
 * with the same names and the same parameters, the components used by the project (and a few common neighbours),
 * on top of the Lucene classes that the official module also wraps. The server itself already provides the
 * {@code standard} tokenizer and analyzer, the {@code stop} and {@code shingle} filters and the pre-configured
 * {@code lowercase} filter.
 *
 * <p>Provided here:
 * <ul>
 *   <li>char filters: {@code html_strip} (escaped_tags), {@code mapping} (mappings, mappings_path),
 *       {@code pattern_replace} (pattern, replacement, flags)</li>
 *   <li>token filters: {@code lowercase} (language), {@code uppercase}, {@code asciifolding} (preserve_original),
 *       {@code elision} (articles, articles_path, articles_case), {@code stemmer} (language / name),
 *       {@code snowball} (language), {@code trim}, {@code unique} (only_on_same_position), {@code length} (min, max),
 *       {@code truncate} (length), {@code edge_ngram} and {@code ngram} (min_gram, max_gram, preserve_original),
 *       {@code pattern_replace} (pattern, replacement, all)</li>
 *   <li>tokenizers: {@code whitespace}, {@code keyword}, {@code letter}, {@code edge_ngram} and {@code ngram}
 *       (min_gram, max_gram, token_chars)</li>
 *   <li>analyzers: {@code french}, {@code english} (stopwords, stopwords_path, stem_exclusion), {@code simple},
 *       {@code whitespace}, {@code keyword}, {@code stop} (stopwords)</li>
 * </ul>
 * Anything else from {@code analysis-common} (synonyms, word_delimiter_graph, other languages' analyzers...) is
 * absent: index creation rejects it, as a node without the module would.
 */
public final class FrenchAnalysisPlugin extends Plugin implements AnalysisPlugin {

    public static final String NAME = "analysis-common-fr";

    /** Elision articles used by Lucene's French analyzer and by the pre-configured {@code elision} filter. */
    static final CharArraySet FRENCH_ARTICLES = FrenchAnalyzer.DEFAULT_ARTICLES;

    // ---------------------------------------------------------------- char filters

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> filters = new TreeMap<>();
        filters.put("html_strip", (indexSettings, env, name, settings) -> {
            List<String> tags = settings.getAsList("escaped_tags");
            Set<String> escaped = tags.isEmpty() ? null : Set.copyOf(tags);
            return Components.charFilter(name, false, reader -> new HTMLStripCharFilter(reader, escaped));
        });
        filters.put("mapping", requiresAnalysisSettings((indexSettings, env, name, settings) -> {
            List<String> rules = Analysis.getWordList(env, settings, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            var map = Components.parseMappingRules(rules);
            return Components.charFilter(name, true, reader -> new org.apache.lucene.analysis.charfilter.MappingCharFilter(map, reader));
        }));
        filters.put("pattern_replace", requiresAnalysisSettings((indexSettings, env, name, settings) -> {
            Pattern pattern = Components.pattern(settings);
            String replacement = settings.get("replacement", "");
            return Components.charFilter(name, true, reader -> new PatternReplaceCharFilter(pattern, replacement, reader));
        }));
        return filters;
    }

    @Override
    public List<PreConfiguredCharFilter> getPreConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    // ---------------------------------------------------------------- token filters

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        filters.put("lowercase", (indexSettings, env, name, settings) -> {
            String language = settings.get("language");
            Function<TokenStream, TokenStream> lowercase;
            if (language == null) {
                lowercase = LowerCaseFilter::new;
            } else {
                lowercase = switch (language.toLowerCase(Locale.ROOT)) {
                    case "greek" -> GreekLowerCaseFilter::new;
                    case "irish" -> IrishLowerCaseFilter::new;
                    case "turkish" -> TurkishLowerCaseFilter::new;
                    default -> throw new IllegalArgumentException("language [" + language + "] not support for lower case");
                };
            }
            return Components.normalizingFilter(name, lowercase);
        });
        filters.put("uppercase", (indexSettings, env, name, settings) -> Components.normalizingFilter(name, UpperCaseFilter::new));
        filters.put("asciifolding", (indexSettings, env, name, settings) -> {
            boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
            return Components.filter(
                name,
                ts -> new ASCIIFoldingFilter(ts, preserveOriginal),
                // as in Elasticsearch: a normalizer (keyword, query terms) only keeps the folded form
                ts -> new ASCIIFoldingFilter(ts, false)
            );
        });
        filters.put("elision", (indexSettings, env, name, settings) -> {
            CharArraySet articles = Analysis.parseArticles(env, settings);
            if (articles == null) {
                throw new IllegalArgumentException("elision filter requires [articles] or [articles_path] setting");
            }
            return Components.normalizingFilter(name, ts -> new ElisionFilter(ts, articles));
        });
        filters.put("stemmer", (indexSettings, env, name, settings) -> {
            String language = settings.get("language", settings.get("name", "porter"));
            return Components.filter(name, Stemmers.forLanguage(language));
        });
        filters.put("snowball", (indexSettings, env, name, settings) -> {
            String language = settings.get("language", "English");
            return Components.filter(name, Stemmers.snowball(language));
        });
        filters.put("trim", (indexSettings, env, name, settings) -> Components.normalizingFilter(name, TrimFilter::new));
        filters.put("unique", (indexSettings, env, name, settings) -> {
            boolean samePosition = settings.getAsBoolean("only_on_same_position", false);
            return Components.filter(name, samePosition ? RemoveDuplicatesTokenFilter::new : UniqueTokenFilter::new);
        });
        filters.put("length", (indexSettings, env, name, settings) -> {
            int min = settings.getAsInt("min", 0);
            int max = settings.getAsInt("max", Integer.MAX_VALUE);
            return Components.filter(name, ts -> new LengthFilter(ts, min, max));
        });
        filters.put("truncate", (indexSettings, env, name, settings) -> {
            int length = settings.getAsInt("length", -1);
            if (length <= 0) {
                throw new IllegalArgumentException("length parameter must be provided");
            }
            return Components.filter(name, ts -> new TruncateTokenFilter(ts, length));
        });
        filters.put("edge_ngram", (indexSettings, env, name, settings) -> {
            int min = settings.getAsInt("min_gram", 1);
            int max = settings.getAsInt("max_gram", 2);
            boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
            return Components.filter(name, ts -> new EdgeNGramTokenFilter(ts, min, max, preserveOriginal));
        });
        filters.put("ngram", (indexSettings, env, name, settings) -> {
            int min = settings.getAsInt("min_gram", 1);
            int max = settings.getAsInt("max_gram", 2);
            Components.checkNgramDiff(indexSettings, min, max, "NGramTokenFilter");
            boolean preserveOriginal = settings.getAsBoolean("preserve_original", false);
            return Components.filter(name, ts -> new NGramTokenFilter(ts, min, max, preserveOriginal));
        });
        filters.put("pattern_replace", requiresAnalysisSettings((indexSettings, env, name, settings) -> {
            Pattern pattern = Components.pattern(settings);
            String replacement = settings.get("replacement", "");
            boolean all = settings.getAsBoolean("all", true);
            return Components.filter(name, ts -> new PatternReplaceFilter(ts, pattern, replacement, all));
        }));
        return filters;
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        return List.of(
            PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new),
            PreConfiguredTokenFilter.singleton("elision", true, ts -> new ElisionFilter(ts, FRENCH_ARTICLES)),
            PreConfiguredTokenFilter.singleton("french_stem", false, Stemmers.forLanguage("french")),
            PreConfiguredTokenFilter.singleton("kstem", false, KStemFilter::new),
            PreConfiguredTokenFilter.singleton("porter_stem", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("snowball", false, Stemmers.snowball("English")),
            PreConfiguredTokenFilter.singleton("stemmer", false, PorterStemFilter::new),
            PreConfiguredTokenFilter.singleton("trim", true, TrimFilter::new),
            PreConfiguredTokenFilter.singleton("truncate", false, ts -> new TruncateTokenFilter(ts, 10)),
            PreConfiguredTokenFilter.singleton("unique", false, UniqueTokenFilter::new),
            PreConfiguredTokenFilter.singleton("uppercase", true, UpperCaseFilter::new)
        );
    }

    // ---------------------------------------------------------------- tokenizers

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("whitespace", (indexSettings, env, name, settings) -> {
            int maxTokenLength = settings.getAsInt("max_token_length", 255);
            return TokenizerFactory.newFactory(name, () -> new WhitespaceTokenizer(WhitespaceTokenizer.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, maxTokenLength));
        });
        tokenizers.put("keyword", (indexSettings, env, name, settings) -> {
            int bufferSize = settings.getAsInt("buffer_size", 256);
            return TokenizerFactory.newFactory(name, () -> new KeywordTokenizer(bufferSize));
        });
        tokenizers.put("letter", (indexSettings, env, name, settings) -> TokenizerFactory.newFactory(name, LetterTokenizer::new));
        tokenizers.put("edge_ngram", (indexSettings, env, name, settings) -> {
            int min = settings.getAsInt("min_gram", 1);
            int max = settings.getAsInt("max_gram", 2);
            var tokenChars = Components.tokenChars(settings.getAsList("token_chars"));
            return TokenizerFactory.newFactory(name, () -> Components.edgeNGramTokenizer(min, max, tokenChars));
        });
        tokenizers.put("ngram", (indexSettings, env, name, settings) -> {
            int min = settings.getAsInt("min_gram", 1);
            int max = settings.getAsInt("max_gram", 2);
            Components.checkNgramDiff(indexSettings, min, max, "NGramTokenizer");
            var tokenChars = Components.tokenChars(settings.getAsList("token_chars"));
            return TokenizerFactory.newFactory(name, () -> Components.nGramTokenizer(min, max, tokenChars));
        });
        return tokenizers;
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        return List.of(
            PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new),
            PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new),
            PreConfiguredTokenizer.singleton("letter", LetterTokenizer::new)
        );
    }

    // ---------------------------------------------------------------- analyzers

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
        analyzers.put("french", (indexSettings, env, name, settings) -> analyzer(name, settings, () -> new FrenchAnalyzer(
            Analysis.parseStopWords(env, settings, FrenchAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
        )));
        analyzers.put("english", (indexSettings, env, name, settings) -> analyzer(name, settings, () -> new EnglishAnalyzer(
            Analysis.parseStopWords(env, settings, EnglishAnalyzer.getDefaultStopSet()),
            Analysis.parseStemExclusion(settings, CharArraySet.EMPTY_SET)
        )));
        analyzers.put("simple", (indexSettings, env, name, settings) -> analyzer(name, settings, SimpleAnalyzer::new));
        analyzers.put("whitespace", (indexSettings, env, name, settings) -> analyzer(name, settings, WhitespaceAnalyzer::new));
        analyzers.put("keyword", (indexSettings, env, name, settings) -> analyzer(name, settings, KeywordAnalyzer::new));
        analyzers.put("stop", (indexSettings, env, name, settings) -> analyzer(name, settings, () -> new StopAnalyzer(
            Analysis.parseStopWords(env, settings, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)
        )));
        return analyzers;
    }

    private static <A extends Analyzer> AnalyzerProvider<A> analyzer(String name, Settings settings, Supplier<A> factory) {
        A analyzer = factory.get();
        return new AbstractIndexAnalyzerProvider<>(name, settings) {
            @Override
            public A get() {
                return analyzer;
            }
        };
    }
}
