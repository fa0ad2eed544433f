package dev.tessera.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `bench engine --json`: the contract fields on the last line (a smoke run with --quick; no speed asserted). */
class BenchEngineCommandTest {

    @Test void quickJsonCarriesTheContractFieldsAndThePairedRatio() throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            code = TesseraCliTest.run("bench", "engine", "--quick", "--json", "--threads", "2").code();
        } finally {
            System.setOut(old);
        }
        assertEquals(0, code);
        String[] lines = buf.toString(StandardCharsets.UTF_8).strip().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String k : new String[] {"peak_gflops_1t", "sgemm_gflops_1t_2048", "sgemm_efficiency_1t", "attention_gflops_1t",
                "dit_block_ms_1t", "sgemm_efficiency_1t_paired", "conv3d_gflops_1t_vae_full", "conv3d_direct_speedup_1t_vae_full", "frame_group_norm_speedup_1t", "upsample_nearest_vs_copy_1t"})
            assertTrue(j.has(k) && j.get(k).isNumber() && j.get(k).asDouble() > 0, k + " in " + j);
        assertEquals(j.get("sgemm_gflops_1t_2048").asDouble() / j.get("peak_gflops_1t").asDouble(),
                j.get("sgemm_efficiency_1t").asDouble(), 0.0015);
        // a product cannot beat the FMA peak by much; a ratio far above 1 means the pairing measured the wrong thing
        assertTrue(j.get("sgemm_efficiency_1t_paired").asDouble() < 1.5, j.toString());
        assertTrue(String.join("\n", lines).contains("back-to-back pairs"), "the text report names the paired ratio");
    }

    @Test void zeroThreadsIsOneLineError() {
        TesseraCliTest.Result r = TesseraCliTest.run("bench", "engine", "--threads", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--threads"), r.err());
    }
}
