package dev.dml4j.reduce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import dev.dml4j.util.Components;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every reducer on hand-computed loss terms. Batch of 4 embeddings with labels [0, 1, 0, 2]; element terms index
 * rows, pair terms are (anchor, other).
 */
class ReducersTest {
    static final long[] LABELS = {0, 1, 0, 2};
    static final double TOL = 1e-12;

    private static double reduce(Reducer r, LossTerm term, NDArray emb, NDArray labels) {
        return r.reduce(term, emb, labels).toType(DataType.FLOAT64, false).getDouble();
    }

    private static LossTerm element(NDManager m, double[] losses) {
        return LossTerm.element(m.create(losses), m.arange(0, losses.length, 1, DataType.INT64));
    }

    private static LossTerm pairs(NDManager m, ReductionType type, double[] losses, long[] anchors, long[] others) {
        return new LossTerm(m.create(losses), new NDArray[] {m.create(anchors), m.create(others)}, type);
    }

    @Test
    void meanSumAndDoNothing() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            LossTerm t = element(m, new double[] {1, 2, 3, 6});
            assertEquals(3, reduce(new MeanReducer(), t, emb, lab), TOL);
            assertEquals(12, reduce(new SumReducer(), t, emb, lab), TOL);
            NDArray same = new DoNothingReducer().reduce(t, emb, lab);
            assertArrayEquals(new double[] {1, 2, 3, 6}, same.toDoubleArray(), TOL);
        }
    }

    @Test
    void avgNonZeroAveragesOnlyPositiveLosses() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            assertEquals(3, reduce(new AvgNonZeroReducer(), element(m, new double[] {0, 2, 0, 4}), emb, lab), TOL);
            assertEquals(0, reduce(new AvgNonZeroReducer(), element(m, new double[] {0, 0, 0, 0}), emb, lab), TOL);
        }
    }

    @Test
    void thresholdKeepsValuesStrictlyInsideTheBounds() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            LossTerm t = element(m, new double[] {0.5, 1, 2, 4, 5, 6});
            assertEquals(3, reduce(new ThresholdReducer(1.0, 5.0), t, emb, lab), TOL); // (2 + 4) / 2
            assertEquals(3.5 / 3, reduce(new ThresholdReducer(null, 2.0 + 1e-9), t, emb, lab), TOL); // 0.5, 1, 2
            assertEquals(5, reduce(new ThresholdReducer(2.0, null), t, emb, lab), TOL); // 4, 5, 6
            assertEquals(0, reduce(new ThresholdReducer(6.0, 7.0), t, emb, lab), TOL); // none inside
            ThresholdReducer built = Components.create(ThresholdReducer.class, "ThresholdReducer",
                    Map.of("low", 1.0, "high", 5.0));
            assertEquals(3, reduce(built, t, emb, lab), TOL);
            assertThrows(IllegalArgumentException.class, () -> new ThresholdReducer(null, null));
            assertThrows(IllegalArgumentException.class, () -> new ThresholdReducer(3.0, 2.0));
        }
    }

    @Test
    void classWeightedMultipliesByTheWeightOfTheElementsOrAnchorsClass() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            ClassWeightedReducer r = new ClassWeightedReducer(new double[] {1, 2, 0.5});
            // classes [0, 1, 0, 2] → weights [1, 2, 1, 0.5]: mean of [1, 4, 3, 2]
            assertEquals(2.5, reduce(r, element(m, new double[] {1, 2, 3, 4}), emb, lab), TOL);
            // pairs use the anchor's class: anchors 1 (class 1) and 3 (class 2) → mean of [2·2, 4·0.5]
            assertEquals(3, reduce(r, pairs(m, ReductionType.POS_PAIR, new double[] {2, 4}, new long[] {1, 3},
                    new long[] {0, 0}), emb, lab), TOL);
            // triplets too: anchor 0 (class 0)
            LossTerm trip = new LossTerm(m.create(new double[] {3}), new NDArray[] {m.create(new long[] {0}),
                    m.create(new long[] {2}), m.create(new long[] {1})}, ReductionType.TRIPLET);
            assertEquals(3, reduce(r, trip, emb, lab), TOL);
        }
    }

    @Test
    void divisorDividesTheSumByTheLossesDivisor() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            DivisorReducer r = new DivisorReducer();
            assertEquals(1.5, reduce(r, element(m, new double[] {1, 2, 3}).withDivisor(4), emb, lab), TOL);
            assertEquals(0, reduce(r, element(m, new double[] {1, 2, 3}).withDivisor(0), emb, lab), TOL);
            assertThrows(IllegalStateException.class, () -> r.reduce(element(m, new double[] {1}), emb, lab));
        }
    }

    @Test
    void perAnchorAveragesEachAnchorsPairsThenReducesOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
            NDArray lab = m.create(LABELS);
            // anchor 0: (1 + 3) / 2 = 2; anchor 2: 5; anchors 1 and 3 have no pairs: 0
            LossTerm t = pairs(m, ReductionType.NEG_PAIR, new double[] {1, 3, 5}, new long[] {0, 0, 2},
                    new long[] {1, 3, 1});
            assertEquals(7 / 4.0, reduce(new PerAnchorReducer(), t, emb, lab), TOL);
            assertEquals(7, reduce(new PerAnchorReducer(new SumReducer()), t, emb, lab), TOL);
            assertEquals(3.5, reduce(new PerAnchorReducer(new AvgNonZeroReducer()), t, emb, lab), TOL);
            assertEquals(3, reduce(new PerAnchorReducer(), element(m, new double[] {1, 2, 3, 6}), emb, lab), TOL);
            LossTerm trip = new LossTerm(m.create(new double[] {3}), new NDArray[] {m.create(new long[] {0}),
                    m.create(new long[] {2}), m.create(new long[] {1})}, ReductionType.TRIPLET);
            assertThrows(UnsupportedOperationException.class, () -> new PerAnchorReducer().reduce(trip, emb, lab));
        }
    }

    @Test
    void multipleReducersPicksTheReducerOfEachNamedSubLoss() {
        Reducer sum = new SumReducer();
        Reducer avg = new AvgNonZeroReducer();
        MultipleReducers r = new MultipleReducers(Map.of("pos_loss", sum), avg);
        assertSame(sum, r.reducerFor("pos_loss"));
        assertSame(avg, r.reducerFor("neg_loss"));
        assertTrue(new MultipleReducers(Map.of(), null).reducerFor("x") instanceof MeanReducer,
                "the default default is the mean");
        MultipleReducers built = Components.create(MultipleReducers.class, "MultipleReducers",
                Map.of("reducers", Map.of("pos_loss", Map.of("class", "SumReducer")),
                        "default_reducer", Map.of("class", "DivisorReducer")));
        assertTrue(built.reducerFor("pos_loss") instanceof SumReducer);
        assertTrue(built.reducerFor("neg_loss") instanceof DivisorReducer);
    }

    /** Zero terms, empty terms and already-reduced terms, for every reducer: 0 with a graph, or passed through. */
    @Test
    void zeroEmptyAndAlreadyReducedTerms() {
        List<Reducer> all = List.of(new MeanReducer(), new SumReducer(), new AvgNonZeroReducer(),
                new ThresholdReducer(0.1, 10.0), new ClassWeightedReducer(new double[] {1, 1, 1}), new DivisorReducer(),
                new PerAnchorReducer(), new DoNothingReducer());
        for (Reducer r : all) {
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray emb = m.ones(new ai.djl.ndarray.types.Shape(4, 2), DataType.FLOAT64);
                NDArray lab = m.create(LABELS);
                emb.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray z = r.reduce(LossTerm.zero(), emb, lab);
                    assertEquals(0, z.getDouble(), 0, r + " of the zero term");
                    gc.backward(z); // the zero loss keeps a graph to the embeddings
                }
                try (NDArray g = emb.getGradient()) {
                    assertArrayEquals(new double[8], g.toDoubleArray(), 0, r + ": zero gradient");
                }
                LossTerm empty = LossTerm.element(m.create(new double[0]), m.create(new long[0])).withDivisor(0);
                assertEquals(0, r.reduce(empty, emb, lab).getDouble(), 0, r + " of an empty term");
                NDArray already = r.reduce(LossTerm.alreadyReduced(m.create(2.5)), emb, lab);
                assertEquals(2.5, already.getDouble(), 0, r + " must pass an already-reduced term through");
            }
        }
    }
}
