package dev.dml4j.reduce;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/** A loss's named sub-losses in order (e.g. {@code pos_loss}, {@code neg_loss}, {@code embedding_reg_loss}). */
public final class LossTerms implements Iterable<Map.Entry<String, LossTerm>> {
    private final Map<String, LossTerm> terms = new LinkedHashMap<>();

    /** An empty set of terms. */
    public LossTerms() {
    }

    /** A single term named {@code loss}, the usual case. */
    public static LossTerms of(LossTerm loss) {
        return new LossTerms().put("loss", loss);
    }

    /** Adds or replaces a named term; returns this. */
    public LossTerms put(String name, LossTerm term) {
        terms.put(name, term);
        return this;
    }

    /** The term with that name, or null. */
    public LossTerm get(String name) {
        return terms.get(name);
    }

    /** The number of terms. */
    public int size() {
        return terms.size();
    }

    /** The names and terms, in insertion order. */
    public Map<String, LossTerm> asMap() {
        return java.util.Collections.unmodifiableMap(terms);
    }

    @Override
    public Iterator<Map.Entry<String, LossTerm>> iterator() {
        return asMap().entrySet().iterator();
    }
}
