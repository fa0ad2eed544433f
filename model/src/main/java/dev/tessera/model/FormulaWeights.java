package dev.tessera.model;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Deterministic parameter values defined by a formula of the parameter's name, mirrored exactly by the PyTorch
 * reference (model/src/test/python/golden.py, {@code formula_param}). Parity tests fill a model with these so Java
 * and PyTorch share weights without a weights file. Not an initialisation for training.
 */
public final class FormulaWeights {
    private FormulaWeights() {}

    public static float[] values(String name, int... shape) {
        int n = 1;
        for (int s : shape) n *= s;
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        double phase = (crc.getValue() % 10007) / 10007.0 * 2.0 * Math.PI;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double wave = Math.sin(phase + 1.618 * i + 0.0013 * (double) i * i);
            double x;
            if (shape.length >= 2) x = wave / Math.sqrt(n / shape[0]);
            else if (name.endsWith("weight")) x = 1.0 + 0.1 * wave;
            else x = 0.1 * wave;
            v[i] = (float) x;
        }
        return v;
    }
}
