package intranet.esdev.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseMinimalStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;

import java.util.Locale;
import java.util.function.Function;

/** The {@code language} values of the {@code stemmer} and {@code snowball} token filters. */
final class Stemmers {

    private Stemmers() {}

    static Function<TokenStream, TokenStream> forLanguage(String language) {
        return switch (language.toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "light_french" -> FrenchLightStemFilter::new;
            case "minimal_french" -> FrenchMinimalStemFilter::new;
            case "french" -> snowball("French");
            case "english", "porter" -> PorterStemFilter::new;
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            case "porter2" -> snowball("English");
            case "light_german" -> GermanLightStemFilter::new;
            case "minimal_german" -> GermanMinimalStemFilter::new;
            case "light_spanish" -> SpanishLightStemFilter::new;
            case "light_italian" -> ItalianLightStemFilter::new;
            case "light_portuguese" -> PortugueseLightStemFilter::new;
            case "minimal_portuguese" -> PortugueseMinimalStemFilter::new;
            // german, spanish, italian, portuguese, dutch, russian... : Lucene's Snowball stemmers
            default -> snowball(language);
        };
    }

    /** A Snowball stemmer by its Lucene name ("French", "English", "Dutch"...), checked now rather than at first use. */
    static Function<TokenStream, TokenStream> snowball(String language) {
        String name = language.isEmpty() ? language : Character.toUpperCase(language.charAt(0)) + language.substring(1).toLowerCase(Locale.ROOT);
        try {
            Class.forName("org.tartarus.snowball.ext." + name + "Stemmer", false, Stemmers.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unknown stemmer language [" + language + "]");
        }
        return ts -> new SnowballFilter(ts, name);
    }
}
