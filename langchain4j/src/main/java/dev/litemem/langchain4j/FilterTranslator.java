package dev.litemem.langchain4j;

import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.comparison.ContainsString;
import dev.langchain4j.store.embedding.filter.comparison.IsEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThan;
import dev.langchain4j.store.embedding.filter.comparison.IsGreaterThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsIn;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThan;
import dev.langchain4j.store.embedding.filter.comparison.IsLessThanOrEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotEqualTo;
import dev.langchain4j.store.embedding.filter.comparison.IsNotIn;
import dev.langchain4j.store.embedding.filter.logical.And;
import dev.langchain4j.store.embedding.filter.logical.Not;
import dev.langchain4j.store.embedding.filter.logical.Or;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Translates a LangChain4j metadata {@link Filter} tree into LiteMem's filter, which compiles to SQL: LiteMem decides
 * which records match, nothing is tested row by row in Java. A key that is missing from a record makes a comparison
 * false, and its negations ({@code isNotEqualTo}, {@code isNotIn}, {@code not}) true, as LangChain4j specifies.
 */
final class FilterTranslator {
    private FilterTranslator() {
    }

    static dev.litemem.Filter translate(Filter filter) {
        if (filter instanceof And and) {
            return dev.litemem.Filter.and(translate(and.left()), translate(and.right()));
        }
        if (filter instanceof Or or) {
            return dev.litemem.Filter.or(translate(or.left()), translate(or.right()));
        }
        if (filter instanceof Not not) {
            return dev.litemem.Filter.not(translate(not.expression()));
        }
        if (filter instanceof IsEqualTo f) {
            return dev.litemem.Filter.eq(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsNotEqualTo f) {
            return dev.litemem.Filter.ne(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsGreaterThan f) {
            return dev.litemem.Filter.gt(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsGreaterThanOrEqualTo f) {
            return dev.litemem.Filter.gte(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsLessThan f) {
            return dev.litemem.Filter.lt(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsLessThanOrEqualTo f) {
            return dev.litemem.Filter.lte(key(f.key()), TypedMetadata.filterValue(f.comparisonValue()));
        }
        if (filter instanceof IsIn f) {
            return dev.litemem.Filter.in(key(f.key()), values(f.comparisonValues()));
        }
        if (filter instanceof IsNotIn f) {
            return dev.litemem.Filter.notIn(key(f.key()), values(f.comparisonValues()));
        }
        if (filter instanceof ContainsString) {
            throw new UnsupportedOperationException("LiteMem filters have no substring match (containsString): filter"
                    + " on equality, ranges or isIn, or search with the query text, which LiteMem's hybrid search matches"
                    + " by keywords");
        }
        throw new UnsupportedOperationException("LiteMem cannot translate the filter type "
                + (filter == null ? "null" : filter.getClass().getName()) + ": use LangChain4j's MetadataFilterBuilder"
                + " comparisons, isIn, isNotIn, and, or, not");
    }

    /** LangChain4j keys are flat; in LiteMem a dot would address a nested object, and '@' a record field. */
    private static String key(String key) {
        if (key.contains(".") || key.startsWith("@") || key.startsWith("$")) {
            throw new IllegalArgumentException("LiteMem cannot filter on the metadata key '" + key + "': keys with a"
                    + " '.' or starting with '@' or '$' mean nested objects and record fields in LiteMem's filters;"
                    + " rename the key (for example with '_')");
        }
        return key;
    }

    private static List<Object> values(Collection<?> values) {
        List<Object> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(TypedMetadata.filterValue(v));
        }
        return out;
    }
}
