package dev.dml4j.reduce;

import dev.dml4j.util.Params;

/** The mean of the positive loss values (those &gt; 0); 0 with graph when all are 0. */
public class AvgNonZeroReducer extends ThresholdReducer {

    /** The reducer (low = 0, no upper bound). */
    public AvgNonZeroReducer() {
        super(0.0, null);
    }

    /** Builds from reference parameters (none). */
    public static AvgNonZeroReducer fromParams(Params params) {
        return new AvgNonZeroReducer();
    }
}
