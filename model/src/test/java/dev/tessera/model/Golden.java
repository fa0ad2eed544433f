package dev.tessera.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tessera.engine.Tensor;
import dev.tessera.engine.io.Safetensors;
import dev.tessera.engine.nn.Module;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Loads the PyTorch golden files (model/src/test/python/golden.py) and compares within a tolerance. */
final class Golden {
    final Map<String, Tensor> tensors;
    final Map<String, String> meta;

    private Golden(Safetensors.Contents c) {
        tensors = c.tensors();
        meta = c.metadata();
    }

    static Golden load(String name) {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name + ".safetensors")) {
            if (in == null) throw new IllegalStateException("missing golden file " + name);
            return new Golden(Safetensors.parse(in.readAllBytes()));
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalStateException("golden has no tensor " + name);
        return t;
    }

    /** Fills every parameter with the formula weights of its (prefixed) dotted name. */
    static <M extends Module> M formula(M module, String prefix) {
        for (var e : module.namedParameters().entrySet()) {
            float[] v = FormulaWeights.values(prefix + e.getKey(), e.getValue().shape());
            System.arraycopy(v, 0, e.getValue().buffer(), 0, v.length);
        }
        return module;
    }

    /** |a − e| ≤ atol + rtol·|e| elementwise, with the worst element named on failure. */
    static void close(Tensor expected, Tensor actual, double atol, double rtol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.data(), a = actual.data();
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double err = Math.abs(e[i] - a[i]) - (atol + rtol * Math.abs(e[i]));
            if (err > worst) {
                worst = err;
                at = i;
            }
        }
        if (at >= 0) fail(what + ": element " + at + " expected " + e[at] + " got " + a[at]);
    }
}
