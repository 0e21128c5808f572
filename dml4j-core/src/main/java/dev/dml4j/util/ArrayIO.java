package dev.dml4j.util;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** One array in a binary state file: its DJL encoding, preceded by the encoding's length in bytes. */
public final class ArrayIO {
    private ArrayIO() {
    }

    /** Writes {@code a} as its byte length (int) followed by {@link NDArray#encode()}. */
    public static void write(DataOutputStream out, NDArray a) throws IOException {
        byte[] b = a.encode();
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * Reads an array written by {@link #write} into {@code manager}. The result may wrap Java memory (DJL decodes
     * without copying): pass it through {@link Ops#owned} before it enters an autograd graph.
     */
    public static NDArray read(DataInputStream in, NDManager manager) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("corrupt array record: length " + n);
        }
        return NDArray.decode(manager, in.readNBytes(n));
    }
}
