package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.util.Checks;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import dev.dml4j.util.Params;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.dml4j.util.Ops;

/**
 * A weighted sum of losses on the same batch: Σ w<sub>i</sub>·L<sub>i</sub>. Each loss may have its own miner (mining
 * the batch before that loss); losses without one get the tuple passed to {@link #forward} (or all tuples). Losses
 * may be named (the reference's dict form), in which case weights and miners are given by name.
 */
public class MultipleLosses extends MetricLoss {
    private final List<String> names;
    private final List<MetricLoss> losses;
    private final List<Miner> miners;
    private final double[] weights;

    /**
     * @param losses the losses, in order (at least one)
     * @param miners one miner per loss (null entries: none), or null for no miners
     * @param weights one weight per loss, or null for all 1
     */
    public MultipleLosses(List<MetricLoss> losses, List<Miner> miners, double[] weights) {
        this(null, losses, miners, weights);
    }

    private MultipleLosses(List<String> names, List<MetricLoss> losses, List<Miner> miners, double[] weights) {
        super(null, null);
        Checks.require(losses != null && !losses.isEmpty(), "MultipleLosses needs at least one loss");
        Checks.require(miners == null || miners.size() == losses.size(), "MultipleLosses: " + losses.size()
                + " losses but " + (miners == null ? 0 : miners.size()) + " miners; give one (or null) per loss");
        Checks.require(weights == null || weights.length == losses.size(), "MultipleLosses: " + losses.size()
                + " losses but " + (weights == null ? 0 : weights.length) + " weights; give one weight per loss");
        this.names = names;
        this.losses = List.copyOf(losses);
        this.miners = miners == null ? null : Collections.unmodifiableList(new ArrayList<>(miners));
        if (weights == null) {
            weights = new double[losses.size()];
            java.util.Arrays.fill(weights, 1);
        }
        for (double w : weights) {
            Checks.require(Double.isFinite(w), "MultipleLosses weights must be finite, got " + w);
        }
        this.weights = weights.clone();
    }

    /**
     * Builds from reference parameters {@code losses} (a list of components, or a map name → component),
     * {@code weights} (list, or map by name) and {@code miners} (list with nulls, or map by name).
     */
    @SuppressWarnings("unchecked")
    public static MultipleLosses fromParams(Params params) {
        Object ls = params.raw("losses");
        Object ws = params.raw("weights");
        Object ms = params.raw("miners");
        Checks.require(ls != null, "MultipleLosses needs 'losses': a list of {class, params}");
        List<String> names = new ArrayList<>();
        List<Object> specs = new ArrayList<>();
        if (ls instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                names.add(String.valueOf(e.getKey()));
                specs.add(e.getValue());
            }
        } else if (ls instanceof List<?> list) {
            specs.addAll(list);
        } else {
            throw new IllegalArgumentException("MultipleLosses 'losses' must be a list or a map, got " + ls);
        }
        List<MetricLoss> losses = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            losses.add(Components.create(MetricLoss.class, ComponentSpec.of(specs.get(i), "losses[" + i + "]")));
        }
        boolean named = ls instanceof Map<?, ?>;
        double[] weights = null;
        if (ws != null) {
            weights = new double[losses.size()];
            for (int i = 0; i < weights.length; i++) {
                Object w = named && ws instanceof Map<?, ?> wm ? wm.get(names.get(i))
                        : ws instanceof List<?> wl && i < wl.size() ? wl.get(i) : null;
                Checks.require(w instanceof Number, "MultipleLosses: no numeric weight for loss "
                        + (named ? "'" + names.get(i) + "'" : "#" + i) + " in " + ws);
                weights[i] = ((Number) w).doubleValue();
            }
            if (ws instanceof List<?> wl) {
                Checks.require(wl.size() == losses.size(), "MultipleLosses: " + losses.size() + " losses but "
                        + wl.size() + " weights");
            }
        }
        List<Miner> miners = null;
        if (ms != null) {
            miners = new ArrayList<>();
            for (int i = 0; i < losses.size(); i++) {
                Object m = named && ms instanceof Map<?, ?> mm ? mm.get(names.get(i))
                        : ms instanceof List<?> ml && i < ml.size() ? ml.get(i) : null;
                miners.add(m == null ? null : Components.create(Miner.class, ComponentSpec.of(m, "miners[" + i + "]")));
            }
        }
        return new MultipleLosses(named ? names : null, losses, miners, weights);
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    /** The losses, in order. */
    public List<MetricLoss> losses() {
        return losses;
    }

    @Override
    public boolean requiresLabels() {
        for (MetricLoss l : losses) {
            if (l.requiresLabels()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<LossParameter> parameters() {
        List<LossParameter> out = new ArrayList<>();
        for (MetricLoss l : losses) {
            out.addAll(l.parameters());
        }
        return out;
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        validate(embeddings, labels, refEmbeddings, refLabels);
        boolean anyMiner = miners != null && miners.stream().anyMatch(m -> m != null);
        Checks.require(!anyMiner || tuple == null,
                "MultipleLosses has its own miners: do not pass a tuple as well");
        try (NDScope scope = new NDScope()) {
            NDArray total = null;
            for (int i = 0; i < losses.size(); i++) {
                Miner miner = miners == null ? null : miners.get(i);
                IndicesTuple t = tuple;
                if (miner != null) {
                    t = miner.mine(embeddings, labels, refEmbeddings, refLabels);
                }
                NDArray v = losses.get(i).forward(embeddings, labels, t, refEmbeddings, refLabels);
                NDScope.register(v);
                if (miner != null) {
                    t.close();
                }
                NDArray part = Ops.mul(v, weights[i]);
                total = total == null ? part : total.add(part);
            }
            NDScope.unregister(total);
            return total;
        }
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        throw new UnsupportedOperationException("MultipleLosses computes its loss in forward");
    }

    @Override
    public void close() {
        for (MetricLoss l : losses) {
            l.close();
        }
    }

    @Override
    public String toString() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < losses.size(); i++) {
            m.put(names == null ? String.valueOf(i) : names.get(i), weights[i] + "×" + losses.get(i));
        }
        return "MultipleLosses" + m;
    }
}
