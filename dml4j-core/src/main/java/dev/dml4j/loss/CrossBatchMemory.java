package dev.dml4j.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.dml4j.distance.Distance;
import dev.dml4j.distance.LpDistance;
import dev.dml4j.mining.IndicesTuple;
import dev.dml4j.mining.Miner;
import dev.dml4j.mining.Tuples;
import dev.dml4j.reduce.LossTerms;
import dev.dml4j.util.ArrayIO;
import dev.dml4j.util.Checks;
import dev.dml4j.util.ComponentSpec;
import dev.dml4j.util.Components;
import dev.dml4j.util.Ops;
import dev.dml4j.util.Params;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * Cross-batch memory (Wang et al. 2020, "Cross-Batch Memory for Embedding Learning"): a queue of the last
 * {@code memorySize} embeddings (detached) and labels is the reference set of a wrapped loss. Each call first
 * enqueues the batch (or the rows an enqueue mask selects), then computes the wrapped loss with the batch as anchors
 * and the memory as positives/negatives; pairs of an embedding with its own memory slot are removed. Pairs come from
 * the optional miner (mining the batch against the memory) or are all pairs. The memory is state that persists
 * across calls on one instance; {@link #close()} frees it and the wrapped loss.
 */
public class CrossBatchMemory extends MetricLoss {
    private final MetricLoss loss;
    private final Miner miner;
    private final int embeddingSize;
    private final int memorySize;
    private NDManager stateManager;
    private NDArray embeddingMemory;
    private NDArray labelMemory;
    private int queueIdx;
    private boolean hasBeenFilled;

    /**
     * @param loss the wrapped loss (it must accept a reference set)
     * @param embeddingSize the embedding dimension D
     * @param memorySize the number of embeddings the queue holds (reference default 1024)
     * @param miner mines tuples of the batch against the memory, or null for all pairs
     */
    public CrossBatchMemory(MetricLoss loss, int embeddingSize, int memorySize, Miner miner) {
        super(null, null);
        Checks.require(loss != null, "CrossBatchMemory needs a loss to wrap");
        Checks.require(embeddingSize > 0, "CrossBatchMemory embedding_size must be > 0, got " + embeddingSize);
        Checks.require(memorySize > 0, "CrossBatchMemory memory_size must be > 0, got " + memorySize);
        this.loss = loss;
        this.miner = miner;
        this.embeddingSize = embeddingSize;
        this.memorySize = memorySize;
    }

    /** Builds from reference parameters {@code loss} (required), {@code embedding_size} (required), {@code memory_size}
     * (default 1024), {@code miner}. */
    public static CrossBatchMemory fromParams(Params params) {
        ComponentSpec ls = params.getComponent("loss");
        Checks.require(ls != null, "CrossBatchMemory needs 'loss': {class: ..., params: {...}}");
        Checks.require(params.has("embedding_size"), "CrossBatchMemory needs 'embedding_size' (the embedding dimension)");
        MetricLoss inner = Components.create(MetricLoss.class, ls);
        return new CrossBatchMemory(inner, params.getInt("embedding_size", 0), params.getInt("memory_size", 1024),
                Components.optional(Miner.class, params, "miner"));
    }

    @Override
    protected Distance defaultDistance() {
        return new LpDistance();
    }

    /** The wrapped loss's distance. */
    @Override
    public Distance distance() {
        return loss.distance();
    }

    /** The wrapped loss. */
    public MetricLoss loss() {
        return loss;
    }

    /** How many memory slots hold embeddings (memorySize once the queue has wrapped). */
    public int filled() {
        return hasBeenFilled ? memorySize : queueIdx;
    }

    @Override
    public List<LossParameter> parameters() {
        return loss.parameters();
    }

    @Override
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        if (refEmbeddings != null || refLabels != null) {
            throw new IllegalArgumentException("CrossBatchMemory takes no refEmbeddings/refLabels: its memory is the "
                    + "reference set");
        }
        return forward(embeddings, labels, tuple, (NDArray) null);
    }

    /**
     * The wrapped loss of a batch against the memory, after enqueueing it.
     *
     * @param embeddings [N, D] with D = embeddingSize
     * @param labels [N]
     * @param tuple extra tuples to add to the mined (or all) ones, indices into the batch (anchors) and the memory
     *     (positives/negatives); null for none; not allowed together with an enqueue mask
     * @param enqueueMask boolean [N]: rows to enqueue (they are then not used as anchors, and self-pairs are not
     *     removed), or null to enqueue the whole batch
     * @return the loss, a scalar with gradient to the anchors
     */
    public NDArray forward(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray enqueueMask) {
        validate(embeddings, labels, null, null);
        Checks.require(embeddings.getShape().get(1) == embeddingSize, "CrossBatchMemory: embeddings have "
                + embeddings.getShape().get(1) + " dimensions but embedding_size is " + embeddingSize);
        Checks.require(tuple == null || enqueueMask == null,
                "CrossBatchMemory: a tuple and an enqueue mask cannot be given together");
        long n = embeddings.getShape().get(0);
        if (enqueueMask != null) {
            Checks.require(enqueueMask.getShape().equals(new Shape(n)) && enqueueMask.getDataType() == DataType.BOOLEAN,
                    "CrossBatchMemory: enqueueMask must be boolean [" + n + "], got " + enqueueMask.getDataType() + " "
                            + enqueueMask.getShape());
        } else {
            Checks.require(n <= memorySize, "CrossBatchMemory: a batch of " + n + " does not fit a memory of "
                    + memorySize + "; raise memory_size");
        }
        try (NDScope scope = new NDScope()) {
            NDArray embForQueue = embeddings;
            NDArray labForQueue = labels;
            NDArray emb = embeddings;
            NDArray lab = labels;
            boolean removeSelf = true;
            if (enqueueMask != null) {
                NDArray keep = enqueueMask.logicalNot();
                embForQueue = embeddings.get(enqueueMask);
                labForQueue = labels.get(enqueueMask);
                emb = embeddings.get(keep);
                lab = labels.get(keep);
                removeSelf = false;
                Checks.require(embForQueue.getShape().get(0) <= memorySize, "CrossBatchMemory: enqueueing "
                        + embForQueue.getShape().get(0) + " rows does not fit a memory of " + memorySize);
            }
            int q = (int) embForQueue.getShape().get(0);
            int start = queueIdx;
            enqueue(embForQueue, labForQueue, q);
            int size = filled();
            NDArray result;
            if (size == 0 || emb.getShape().get(0) == 0) {
                result = Ops.zeroLoss(embeddings);
            } else {
                NDArray eMem = size == memorySize ? embeddingMemory : embeddingMemory.get("0:" + size);
                NDArray lMem = size == memorySize ? labelMemory : labelMemory.get("0:" + size);
                IndicesTuple t = miner != null ? miner.mine(emb, lab, eMem, lMem) : Tuples.allPairs(lab, lMem);
                register(t);
                if (removeSelf && q > 0) {
                    t = withoutSelfPairs(t, start);
                }
                if (tuple != null) {
                    t = concat(t, tuple);
                }
                result = loss.forward(emb, lab, t, eMem, lMem);
            }
            NDScope.unregister(result);
            return result;
        }
    }

    /** Writes q rows into the ring buffer at the queue position (the arrays are replaced, never changed in place). */
    private void enqueue(NDArray emb, NDArray lab, int q) {
        NDArray e = emb.stopGradient();
        if (embeddingMemory == null || embeddingMemory.getDataType() != e.getDataType()
                || !embeddingMemory.getDevice().equals(e.getDevice())) {
            if (stateManager == null) {
                stateManager = NDManager.newBaseManager(e.getDevice());
            }
            NDArray em = e.getManager().zeros(new Shape(memorySize, embeddingSize), e.getDataType(), e.getDevice());
            NDArray old = embeddingMemory;
            if (old != null) {
                em = old.toType(e.getDataType(), false).toDevice(e.getDevice(), false);
            }
            NDArray lm = labelMemory != null ? labelMemory.toDevice(e.getDevice(), false)
                    : lab.getManager().zeros(new Shape(memorySize), lab.getDataType(), e.getDevice());
            replace(em, lm);
        }
        if (q == 0) {
            return;
        }
        NDArray l = lab.toType(labelMemory.getDataType(), false);
        int start = queueIdx;
        NDArray newEmb;
        NDArray newLab;
        if (start + q <= memorySize) {
            newEmb = join(slice(embeddingMemory, 0, start), e, slice(embeddingMemory, start + q, memorySize));
            newLab = join(slice(labelMemory, 0, start), l, slice(labelMemory, start + q, memorySize));
        } else {
            int w = start + q - memorySize;
            newEmb = join(slice(e, q - w, q), slice(embeddingMemory, w, start), slice(e, 0, q - w));
            newLab = join(slice(l, q - w, q), slice(labelMemory, w, start), slice(l, 0, q - w));
        }
        replace(newEmb, newLab);
        int prev = queueIdx;
        queueIdx = (queueIdx + q) % memorySize;
        if (!hasBeenFilled && queueIdx <= prev) {
            hasBeenFilled = true;
        }
    }

    private void replace(NDArray emb, NDArray lab) {
        NDArray e = emb.duplicate();
        NDArray l = lab.duplicate();
        e.attach(stateManager);
        l.attach(stateManager);
        NDScope.unregister(e, l);
        if (embeddingMemory != null) {
            embeddingMemory.close();
            labelMemory.close();
        }
        embeddingMemory = e;
        labelMemory = l;
    }

    private static NDArray slice(NDArray x, int from, int to) {
        return from >= to ? null : x.get(from + ":" + to);
    }

    private static NDArray join(NDArray... parts) {
        NDList list = new NDList();
        for (NDArray p : parts) {
            if (p != null) {
                list.add(p);
            }
        }
        return list.size() == 1 ? list.get(0) : NDArrays.concat(list);
    }

    /** Drops positive pairs (a, p) whose memory slot p holds anchor a itself (slot = start + a, modulo the size). */
    private IndicesTuple withoutSelfPairs(IndicesTuple t, int start) {
        return switch (t) {
            case IndicesTuple.Pairs p -> {
                NDArray keep = notSelf(p.a1(), p.p(), start);
                yield new IndicesTuple.Pairs(p.a1().get(keep), p.p().get(keep), p.a2(), p.n());
            }
            case IndicesTuple.Triplets tr -> {
                NDArray keep = notSelf(tr.a(), tr.p(), start);
                yield new IndicesTuple.Triplets(tr.a().get(keep), tr.p().get(keep), tr.n().get(keep));
            }
        };
    }

    private NDArray notSelf(NDArray a, NDArray p, int start) {
        NDArray offset = Ops.mod(p.sub(start).add(memorySize), memorySize);
        return offset.neq(a);
    }

    /** Concatenates two tuples, converting the second to the arity of the first. */
    private static IndicesTuple concat(IndicesTuple t, IndicesTuple extra) {
        return switch (t) {
            case IndicesTuple.Pairs p -> {
                IndicesTuple.Pairs e = extra.toPairs();
                yield new IndicesTuple.Pairs(p.a1().concat(e.a1()), p.p().concat(e.p()), p.a2().concat(e.a2()),
                        p.n().concat(e.n()));
            }
            case IndicesTuple.Triplets tr -> {
                IndicesTuple.Triplets e = extra.toTriplets();
                yield new IndicesTuple.Triplets(tr.a().concat(e.a()), tr.p().concat(e.p()), tr.n().concat(e.n()));
            }
        };
    }

    private static void register(IndicesTuple t) {
        switch (t) {
            case IndicesTuple.Pairs p -> {
                NDScope.register(p.a1());
                NDScope.register(p.p());
                NDScope.register(p.a2());
                NDScope.register(p.n());
            }
            case IndicesTuple.Triplets tr -> {
                NDScope.register(tr.a());
                NDScope.register(tr.p());
                NDScope.register(tr.n());
            }
        }
    }

    @Override
    protected LossTerms computeLoss(NDArray embeddings, NDArray labels, IndicesTuple tuple, NDArray refEmbeddings,
            NDArray refLabels) {
        throw new UnsupportedOperationException("CrossBatchMemory computes its loss in forward");
    }

    /**
     * Writes the queue — the memory rows, their labels, the queue position and whether it has wrapped — so that a
     * resumed training run continues with the same memory ({@link #readState}); an empty queue is one {@code false}.
     */
    public void writeState(DataOutputStream out) throws IOException {
        out.writeBoolean(embeddingMemory != null);
        if (embeddingMemory == null) {
            return;
        }
        out.writeInt(memorySize);
        out.writeInt(embeddingSize);
        out.writeInt(queueIdx);
        out.writeBoolean(hasBeenFilled);
        ArrayIO.write(out, embeddingMemory);
        ArrayIO.write(out, labelMemory);
    }

    /** Restores the queue written by {@link #writeState} (same memory and embedding size), replacing the current one. */
    public void readState(DataInputStream in) throws IOException {
        resetQueue();
        if (!in.readBoolean()) {
            return;
        }
        int size = in.readInt();
        int dim = in.readInt();
        if (size != memorySize || dim != embeddingSize) {
            throw new IOException("the saved CrossBatchMemory queue holds " + size + " x " + dim + " but this one is "
                    + memorySize + " x " + embeddingSize + ": resume with the same memory_size and embedding_size");
        }
        int position = in.readInt();
        boolean wrapped = in.readBoolean();
        if (position < 0 || position >= memorySize) {
            throw new IOException("corrupt CrossBatchMemory state: queue position " + position + " outside [0, "
                    + memorySize + ")");
        }
        NDManager m = NDManager.newBaseManager();
        NDArray[] arrays = new NDArray[2];
        try {
            for (int i = 0; i < 2; i++) {
                arrays[i] = Ops.owned(ArrayIO.read(in, m));
                NDScope.unregister(arrays[i]);
            }
        } catch (RuntimeException e) {
            m.close();
            throw new IOException("corrupt CrossBatchMemory state: " + e.getMessage(), e);
        }
        if (!arrays[0].getShape().equals(new Shape(memorySize, embeddingSize))
                || !arrays[1].getShape().equals(new Shape(memorySize))) {
            m.close();
            throw new IOException("corrupt CrossBatchMemory state: arrays of shape " + arrays[0].getShape() + " and "
                    + arrays[1].getShape());
        }
        stateManager = m;
        embeddingMemory = arrays[0];
        labelMemory = arrays[1];
        queueIdx = position;
        hasBeenFilled = wrapped;
    }

    /** Empties the memory (the next batch starts a new queue). */
    public void resetQueue() {
        if (stateManager != null) {
            stateManager.close();
        }
        stateManager = null;
        embeddingMemory = null;
        labelMemory = null;
        queueIdx = 0;
        hasBeenFilled = false;
    }

    @Override
    public void close() {
        resetQueue();
        loss.close();
    }

    @Override
    public String toString() {
        return "CrossBatchMemory(loss=" + loss + ", memorySize=" + memorySize + ", miner=" + miner + ")";
    }
}
