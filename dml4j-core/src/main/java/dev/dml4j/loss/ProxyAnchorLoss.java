package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.CosineSimilarity;
import dev.dml4j.distance.Distance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.reduce.DivisorReducer;
import dev.dml4j.reduce.LossTerm;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.reduce.Reducer;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;

/**
 * Proxy-Anchor (Kim et al. 2020): each proxy is an anchor. For proxy p,
 * pos = log(1 + Σ<sub>x of class p</sub> e<sup>−α(s(x,p) − δ)</sup>) and neg = log(1 + Σ<sub>x not of class p</sub>
 * e<sup>α(s(x,p) + δ)</sup>); sub-losses {@code pos_loss} (divided by the number of proxies with a positive in the
 * batch) and {@code neg_loss} (divided by C), each by {@link DivisorReducer} by default. Proxies are rows [C, D],
 * Kaiming-normal (fan-out) initialisation.
 */
public class ProxyAnchorLoss extends WeightedMetricLoss {
    private final double margin;
    private final double alpha;

    /**
     * @param numClasses C (&gt; 0)
     * @param embeddingSize D (&gt; 0)
     * @param margin δ (default 0.1)
     * @param alpha α, the scale (default 32, &gt; 0)
     * @param distance the similarity (null: cosine)
     * @param reducer the reducer of each sub-loss (null: divisor)
     */
    public ProxyAnchorLoss(int numClasses, int embeddingSize, double margin, double alpha, Distance distance,
            Reducer reducer) {
        super(distance, reducer, numClasses, newWeights(numClasses, embeddingSize));
        this.margin = margin;
        this.alpha = Checks.positive(alpha, "ProxyAnchorLoss alpha");
        Checks.require(Double.isFinite(margin), "ProxyAnchorLoss margin must be finite, got " + margin);
    }

    private static LossWeights newWeights(int numClasses, int embeddingSize) {
        checkSizes("ProxyAnchorLoss", numClasses, embeddingSize);
        return new LossWeights("proxies", numClasses, embeddingSize, LossWeights.Init.KAIMING_NORMAL_FAN_OUT, 0,
                LossParameter.PROXY_LR_MULTIPLIER);
    }

    /** Builds from reference parameters {@code num_classes, embedding_size, margin=0.1, alpha=32, distance, reducer}. */
    public static ProxyAnchorLoss fromParams(Params params) {
        Common c = common(params);
        return apply(new ProxyAnchorLoss(params.getInt("num_classes", 0), params.getInt("embedding_size", 0),
                params.getDouble("margin", 0.1), params.getDouble("alpha", 32), c.distance(), c.reducer()), c);
    }

    @Override
    protected Distance defaultDistance() {
        return new CosineSimilarity();
    }

    @Override
    protected Reducer defaultReducer() {
        return new DivisorReducer();
    }

    /** The similarities (or distances) [N, C] to every proxy. */
    @Override
    protected NDArray computeLogits(NDArray embeddings, NDArray w) {
        return distance.pairwise(embeddings, w);
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        NDArray w = weights.forUse(embeddings);
        long n = embeddings.getShape().get(0);
        NDArray sim = distance.pairwise(embeddings, w);
        // with σ = +1 for a similarity and −1 for a distance, the exponents are α(δ − s) → σα(δ − s) for the
        // positive term and σα(s + δ) for the negative one: both are σαδ ∓ v with v = σα·s
        double sigma = distance.isInverted() ? 1 : -1;
        NDArray v = Ops.mul(sim, sigma * alpha);
        NDArray classes = Ops.arange(embeddings, numClasses);
        NDArray member = Ops.sameLabel(labels, classes); // [N, C]: row i belongs to proxy c's class
        // per-row factor e^{w − 1} of the reference's miner weights w (added to every exponent); 1 without a miner
        NDArray mw = minerWeights(tuple, n, embeddings);
        NDArray rowFactor = mw == null ? null : mw.sub(1).exp().reshape(-1, 1);
        NDArray pos;
        NDArray neg;
        if (alpha * (distance.bound() + Math.abs(margin)) <= maxSafeExponent(v.getDataType())) {
            // |exponent| is small enough that e^{exponent} can neither overflow nor underflow: no max to take out,
            // and one exponential serves both terms (e^{σαδ − v} = c / e^v, e^{σαδ + v} = c · e^v)
            double c = Math.exp(sigma * alpha * margin);
            NDArray pull = Ops.asFloat(member, v);
            NDArray push = Ops.mul(pull, -c).add(c);
            pull = Ops.mul(pull, c);
            if (rowFactor != null) {
                pull = pull.mul(rowFactor);
                push = push.mul(rowFactor);
            }
            NDArray e = v.exp();
            pos = pull.div(e).sum(new int[] {0}).add(1).log();
            neg = push.mul(e).sum(new int[] {0}).add(1).log();
        } else {
            double shift = sigma * alpha * margin;
            pos = logOnePlusSumExp(v.neg().add(shift), member, rowFactor);
            neg = logOnePlusSumExp(v.add(shift), member.logicalNot(), rowFactor);
        }
        return new LossTerms()
                .put("pos_loss", LossTerm.element(pos, classes).withDivisor(distinct(batchLabels)))
                .put("neg_loss", LossTerm.element(neg, classes).withDivisor(numClasses));
    }

    /**
     * The largest |x| for which e<sup>x</sup> stays a normal number in this type with room for summing over a batch
     * (e<sup>60</sup>·10<sup>12</sup> &lt; float32's maximum, e<sup>−60</sup> &gt; its smallest normal).
     */
    private static double maxSafeExponent(DataType type) {
        return type == DataType.FLOAT64 ? 600 : 60;
    }

    /**
     * log(1 + Σ<sub>i kept</sub> f<sub>i</sub> e<sup>z<sub>ic</sub></sup>) for every column c, stably: the largest
     * kept exponent (at least 0) is taken out first, as the reference's {@code logsumexp(add_one=True)} does.
     *
     * @param z exponents [N, C]
     * @param keep boolean [N, C]: the entries that count
     * @param rowFactor per-row factors f [N, 1], or null for all 1
     * @return [C]
     */
    private static NDArray logOnePlusSumExp(NDArray z, NDArray keep, NDArray rowFactor) {
        NDArray shift;
        try (NDArray detached = z.stopGradient(); NDArray kept = Ops.where(keep, detached, Ops.negInf(z.getDataType()))) {
            shift = Ops.maximum(kept.max(new int[] {0}, true), 0);
        }
        // kept entries are ≤ 0 after the shift; the others are clipped to ≤ 0 too (so e^x cannot overflow) and then
        // dropped by the zero weight; the lower bound keeps exp off its slow underflow path (Ops.minExpArg). clip
        // passes the gradient at the bound, unlike maximum/minimum, which halve it.
        NDArray weight = Ops.asFloat(keep, z);
        if (rowFactor != null) {
            weight = weight.mul(rowFactor);
        }
        NDArray terms = z.sub(shift).clip(Ops.minExpArg(z.getDataType()), 0).exp().mul(weight);
        return terms.sum(new int[] {0}).add(shift.neg().exp().reshape(-1)).log().add(shift.reshape(-1));
    }

    private static int distinct(long[] labels) {
        return (int) java.util.Arrays.stream(labels).distinct().count();
    }

    @Override
    public String toString() {
        return "ProxyAnchorLoss(numClasses=" + numClasses + ", margin=" + margin + ", alpha=" + alpha + ")";
    }
}
