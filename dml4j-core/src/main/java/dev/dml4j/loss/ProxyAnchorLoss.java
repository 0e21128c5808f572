package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
        DataType type = embeddings.getDataType();
        NDArray sim = Ops.mul(distance.pairwise(embeddings, w), alpha);
        // pos exponent: α(δ − s) for a similarity, α(d − δ) for a distance; neg exponent: α(s + δ), α(−δ − d)
        NDArray sign = distance.isInverted() ? sim.neg() : sim;
        NDArray exps = NDArrays2.concat(sign, sign.neg());
        // additive mask: the kept entries (class members for pos, the others for neg) get α·δ-shifts, the rest
        // a huge negative number whose exponential is 0; miner weights w enter as w − 1 as in the reference
        double neg = Ops.negInf(type) / 4;
        NDArray oneHot = Ops.oneHot(labels, numClasses, type);
        NDArray dropNeg = Ops.mul(oneHot, neg);
        NDArray bias = NDArrays2.concat(dropNeg.neg().add(neg), dropNeg)
                .add(distance.isInverted() ? alpha * margin : -alpha * margin);
        NDArray mw = minerWeights(tuple, n, embeddings);
        if (mw != null) {
            bias = bias.add(mw.sub(1).reshape(-1, 1));
        }
        NDArray z = exps.add(bias);
        // log(1 + Σ_i e^{z_i}) per column, stable: max with 0 taken out (rows without kept entries give 0)
        NDArray mx = Ops.maximum(z.max(new int[] {0}, true), 0).stopGradient();
        NDArray lse = z.sub(mx).exp().sum(new int[] {0}, true).add(mx.neg().exp()).log().add(mx).reshape(-1);
        NDArray pos = lse.get("0:" + numClasses);
        NDArray negTerm = lse.get(numClasses + ":");
        NDArray idx = embeddings.getManager().arange(0, numClasses, 1, DataType.INT64, embeddings.getDevice());
        return new LossTerms()
                .put("pos_loss", LossTerm.element(pos, idx).withDivisor(distinct(batchLabels)))
                .put("neg_loss", LossTerm.element(negTerm, idx).withDivisor(numClasses));
    }

    private static int distinct(long[] labels) {
        return (int) java.util.Arrays.stream(labels).distinct().count();
    }

    /** Concatenation along columns. */
    private static final class NDArrays2 {
        static NDArray concat(NDArray a, NDArray b) {
            return ai.djl.ndarray.NDArrays.concat(new NDList(a, b), 1);
        }
    }

    @Override
    public String toString() {
        return "ProxyAnchorLoss(numClasses=" + numClasses + ", margin=" + margin + ", alpha=" + alpha + ")";
    }
}
