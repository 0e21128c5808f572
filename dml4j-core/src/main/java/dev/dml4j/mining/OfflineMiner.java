package dev.dml4j.mining;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.util.Checks;
import dev.dml4j.util.Ops;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * Offline triplet mining (Schroff et al. 2015, FaceNet, section 3.2; the "offline" strategy of the triplet-loss
 * literature): once per epoch, embed the whole data set with the current network, then for every anchor-positive
 * pair (a, p) of the data set choose one semi-hard negative n, a negative farther than the positive but within the
 * margin: 0 &lt; d(a,n) − d(a,p) ≤ margin (reversed for similarities). Pairs without a semi-hard negative yield no
 * triplet. The indices are data-set indices; train on them with {@link #tripletBatches} and
 * {@link EmbeddingsAlreadyPackagedAsTriplets}. Compared with in-batch ("online") miners such as
 * {@link TripletMarginMiner}, offline mining sees every negative of the data set, at the cost of an extra pass
 * over the data and of triplets that go stale while the network trains.
 *
 * <p>The N × N distances are never held at once: anchors are processed in blocks of at most
 * {@code blockElements} matrix entries, so memory stays bounded for large data sets. Randomness comes from this
 * miner's own seeded generator.
 */
public final class OfflineMiner {
    /** Which semi-hard negative each anchor-positive pair gets. */
    public enum Selection {
        /** One drawn uniformly among the pair's semi-hard negatives (FaceNet's choice). */
        RANDOM_SEMIHARD,
        /** The closest semi-hard negative (the hardest that is still farther than the positive). */
        HARDEST_SEMIHARD
    }

    private final double margin;
    private final Selection selection;
    private final Distance distance;
    private final Random rng;
    private final long blockElements;

    /** The default: margin 0.2, random semi-hard negatives, normalised Euclidean distance, seed 0. */
    public OfflineMiner() {
        this(0.2, Selection.RANDOM_SEMIHARD, null, 0, 1L << 24);
    }

    /**
     * @param margin the triplet margin that bounds "semi-hard" (default 0.2, in the distance's units; &gt; 0)
     * @param selection which semi-hard negative to take (default RANDOM_SEMIHARD)
     * @param distance the distance (null: normalised Euclidean)
     * @param seed the seed of the random choices (default 0)
     * @param blockElements the largest number of distance-matrix entries held at once (default 2<sup>24</sup>)
     */
    public OfflineMiner(double margin, Selection selection, Distance distance, long seed, long blockElements) {
        this.margin = Checks.positive(margin, "OfflineMiner margin");
        Checks.require(selection != null, "OfflineMiner selection must not be null");
        Checks.require(blockElements >= 1, "OfflineMiner blockElements must be >= 1, got " + blockElements);
        this.selection = selection;
        this.distance = distance == null ? new LpDistance() : distance;
        this.rng = new Random(seed);
        this.blockElements = blockElements;
    }

    /**
     * Embeds a data set batch by batch with {@code embed} (inputs: consecutive sublists of at most {@code batchSize}
     * items; output: their embeddings [b, D]), then mines it. The embedding arrays the function returns are closed
     * here; arrays it creates internally are the function's own to close (run the network in inference mode, e.g.
     * through a Predictor or inside your own NDScope).
     *
     * @param items the data set, in index order
     * @param labels one class id per item
     * @param batchSize items per call of {@code embed} (&gt; 0)
     * @param embed the current network: a batch of items → embeddings [b, D]
     * @param manager where the returned index arrays live
     * @return semi-hard triplets of data-set indices (a, p, n)
     */
    public <T> IndicesTuple.Triplets mine(List<T> items, long[] labels, int batchSize,
            Function<List<T>, NDArray> embed, NDManager manager) {
        Checks.require(items.size() == labels.length, "OfflineMiner: " + items.size() + " items but " + labels.length
                + " labels; give one label per item");
        Checks.require(batchSize > 0, "OfflineMiner batchSize must be > 0, got " + batchSize);
        Checks.require(!items.isEmpty(), "OfflineMiner: the data set is empty");
        NDList parts = new NDList();
        try {
            for (int s = 0; s < items.size(); s += batchSize) {
                List<T> batch = items.subList(s, Math.min(items.size(), s + batchSize));
                NDArray e = embed.apply(batch);
                Checks.require(e != null && e.getShape().dimension() == 2 && e.getShape().get(0) == batch.size(),
                        "OfflineMiner: embed must return [" + batch.size() + ", D] for a batch of " + batch.size()
                                + " items, got " + (e == null ? "null" : e.getShape()));
                try (e; NDArray detached = e.stopGradient()) {
                    NDArray copy = detached.toDevice(detached.getDevice(), true);
                    copy.attach(manager);
                    parts.add(copy);
                }
            }
            try (NDArray all = NDArrays.concat(parts, 0);
                 NDArray lab = Ops.create(manager, labels).toDevice(all.getDevice(), false)) {
                return mine(all, lab);
            }
        } finally {
            parts.close();
        }
    }

    /**
     * Mines semi-hard triplets among precomputed embeddings of a whole data set.
     *
     * @param embeddings [N, D] the data set's embeddings (read without gradient)
     * @param labels [N] integer class ids
     * @return semi-hard triplets of row indices (a, p, n), in the manager of {@code embeddings}
     */
    public IndicesTuple.Triplets mine(NDArray embeddings, NDArray labels) {
        Checks.embeddings(embeddings, "embeddings");
        Checks.labels(labels, embeddings.getShape().get(0), "labels");
        try (NDScope scope = new NDScope()) {
            NDArray emb = distance.maybeNormalize(embeddings.stopGradient());
            Distance plain = distance.normalizesEmbeddings() ? withoutNormalization(distance) : distance;
            NDArray lab = labels.toType(DataType.INT64, false);
            int n = (int) emb.getShape().get(0);
            int block = (int) Math.max(1, Math.min(n, blockElements / n));
            List<NDArray> as = new ArrayList<>();
            List<NDArray> ps = new ArrayList<>();
            List<NDArray> ns = new ArrayList<>();
            for (int s = 0; s < n; s += block) {
                int e = Math.min(n, s + block);
                try (NDScope blockScope = new NDScope()) {
                    NDArray[] t = mineBlock(plain, emb, lab, s, e);
                    NDScope.unregister(t);
                    as.add(t[0]);
                    ps.add(t[1]);
                    ns.add(t[2]);
                }
            }
            IndicesTuple.Triplets out = new IndicesTuple.Triplets(cat(as, emb), cat(ps, emb), cat(ns, emb));
            NDScope.unregister(out.a(), out.p(), out.n());
            return out;
        }
    }

    /** The triplets whose anchors are rows [s, e). */
    private NDArray[] mineBlock(Distance plain, NDArray emb, NDArray lab, int s, int e) {
        int n = (int) emb.getShape().get(0);
        NDArray q = emb.get(s + ":" + e);
        NDArray d = plain.pairwise(q, emb);
        NDArray same = Ops.sameLabel(lab.get(s + ":" + e), lab);
        NDArray cols = emb.getManager().arange(0, n, 1, DataType.INT64, emb.getDevice());
        NDArray rowsGlobal = emb.getManager().arange(s, e, 1, DataType.INT64, emb.getDevice());
        NDArray notSelf = rowsGlobal.expandDims(1).neq(cols.expandDims(0));
        NDArray pos = same.logicalAnd(notSelf);
        NDArray neg = same.logicalNot();
        NDArray[] rc = MinedPairs.rowsCols(pos);
        long k = rc[0].getShape().get(0);
        List<NDArray> as = new ArrayList<>();
        List<NDArray> ps = new ArrayList<>();
        List<NDArray> ns = new ArrayList<>();
        int chunk = (int) Math.max(1, blockElements / n);
        for (long c = 0; c < k; c += chunk) {
            long ce = Math.min(k, c + chunk);
            NDArray r = rc[0].get(c + ":" + ce);
            NDArray p = rc[1].get(c + ":" + ce);
            NDArray rowsD = d.get(r);
            NDArray ap = Ops.pick(d, r, p).expandDims(1);
            NDArray m = plain.margin(rowsD, ap);
            NDArray cand = neg.get(r).logicalAnd(m.gt(0)).logicalAnd(m.lte(margin));
            NDArray chosen;
            NDArray has;
            if (selection == Selection.HARDEST_SEMIHARD) {
                chosen = Ops.maskedFill(m, cand.logicalNot(), Ops.posInf(m.getDataType())).argMin(1);
                has = RowPick.anyPerRow(cand);
            } else {
                NDArray counts = cand.toType(DataType.INT64, false).cumSum(1);
                NDArray total = counts.get(":, -1");
                has = total.gt(0);
                float[] u = new float[(int) (ce - c)];
                for (int i = 0; i < u.length; i++) {
                    u[i] = rng.nextFloat();
                }
                NDArray uu = Ops.create(emb.getManager(), u).toDevice(emb.getDevice(), false);
                // the (⌊u·total⌋+1)-th candidate: the first column whose running count exceeds ⌊u·total⌋
                NDArray target = total.toType(DataType.FLOAT64, false).mul(uu.toType(DataType.FLOAT64, false)).floor()
                        .toType(DataType.INT64, false).expandDims(1);
                chosen = counts.gt(target).toType(DataType.INT32, false).argMax(1);
            }
            as.add(r.get(has).add(s));
            ps.add(p.get(has));
            ns.add(chosen.get(has).toType(DataType.INT64, false));
        }
        return new NDArray[] {cat(as, emb), cat(ps, emb), cat(ns, emb)};
    }

    private static NDArray cat(List<NDArray> parts, NDArray like) {
        if (parts.isEmpty()) {
            return MinedPairs.empty(like);
        }
        return parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 0);
    }

    private static Distance withoutNormalization(Distance d) {
        if (d instanceof LpDistance) {
            return new LpDistance(false, d.p(), d.power());
        }
        if (d instanceof dev.dml4j.distance.DotProductSimilarity) {
            return new dev.dml4j.distance.DotProductSimilarity(false, d.power());
        }
        return d;
    }

    /**
     * Groups triplets into training batches laid out as anchor, positive, negative, anchor, ... (item indices), for
     * {@link EmbeddingsAlreadyPackagedAsTriplets}. Triplets are shuffled with {@code rng}; the last batch may be
     * smaller.
     *
     * @param triplets data-set triplets, e.g. from {@link #mine}
     * @param tripletsPerBatch triplets per batch (&gt; 0; the batch has 3× as many items)
     * @param rng the shuffling generator
     * @return item indices per batch
     */
    public static List<long[]> tripletBatches(IndicesTuple.Triplets triplets, int tripletsPerBatch, Random rng) {
        Checks.require(tripletsPerBatch > 0, "tripletsPerBatch must be > 0, got " + tripletsPerBatch);
        long[] a = triplets.a().toType(DataType.INT64, false).toLongArray();
        long[] p = triplets.p().toType(DataType.INT64, false).toLongArray();
        long[] n = triplets.n().toType(DataType.INT64, false).toLongArray();
        int[] order = new int[a.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<long[]> out = new ArrayList<>();
        for (int s = 0; s < order.length; s += tripletsPerBatch) {
            int e = Math.min(order.length, s + tripletsPerBatch);
            long[] b = new long[3 * (e - s)];
            for (int i = s; i < e; i++) {
                int k = order[i];
                b[3 * (i - s)] = a[k];
                b[3 * (i - s) + 1] = p[k];
                b[3 * (i - s) + 2] = n[k];
            }
            out.add(b);
        }
        return out;
    }

    @Override
    public String toString() {
        return "OfflineMiner(margin=" + margin + ", selection=" + selection + ", distance=" + distance + ")";
    }
}
