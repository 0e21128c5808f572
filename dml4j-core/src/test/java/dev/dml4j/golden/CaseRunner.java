package dev.dml4j.golden;

import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;

/** Runs one kind of golden case in one precision; throws AssertionError on a mismatch. */
public interface CaseRunner {

    /** Runs the case in float64 or float32 against the tolerance of that precision. */
    void run(JsonNode c, DataType type) throws Exception;
}
