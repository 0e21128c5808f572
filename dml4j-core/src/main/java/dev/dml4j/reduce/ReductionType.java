package dev.dml4j.reduce;

/** What each entry of a loss vector belongs to, which decides how a reducer reads its indices. */
public enum ReductionType {
    /** One loss per embedding (indices: [K] row numbers). */
    ELEMENT,
    /** One loss per positive pair (indices: anchors, positives). */
    POS_PAIR,
    /** One loss per negative pair (indices: anchors, negatives). */
    NEG_PAIR,
    /** One loss per triplet (indices: anchors, positives, negatives). */
    TRIPLET,
    /** Already a scalar: reducers pass it through. */
    ALREADY_REDUCED
}
