package dev.sluice.bench;

import dev.sluice.io.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the PyTorch peer scripts ({@code bench/torch_steps.py}, {@code bench/torch_memory.py}) with a Python that has
 * PyTorch: {@code SLUICE_TORCH_PYTHON} if set, else {@code .venv-torch/bin/python} in the project, else
 * {@code python3}. The peer's measurements come back as JSON, with the CPU capability PyTorch dispatched to.
 */
public final class TorchPeer {
    /** PyTorch's version and median milliseconds per model, or the reason it could not run. */
    public record Result(String version, Map<String, Double> millis, String whyNot) {
        public boolean ok() { return whyNot == null; }
    }

    private TorchPeer() {}

    public static Result run(List<String> models, int threads, int warmup, int steps) {
        Script run = script("torch_steps.py", List.of("--threads", String.valueOf(threads), "--warmup", String.valueOf(warmup),
                "--steps", String.valueOf(steps), "--only", String.join(",", models)));
        if (run.json() == null) return new Result(null, Map.of(), run.whyNot());
        Map<String, Double> ms = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> stepsJson = (Map<String, Object>) run.json().get("steps");
        stepsJson.forEach((k, v) -> ms.put(k, ((Number) v).doubleValue()));
        return new Result(describe(run.json()), ms, null);
    }

    /**
     * PyTorch's GB/s for the memory-bound kernels of {@link MemoryBench} ({@code bench/torch_memory.py}: the same
     * sizes, outputs preallocated, bytes counted the same way); a kernel PyTorch could not run maps to null.
     */
    public static MemoryResult memory(int n, int cols, int threads, double minSeconds) {
        Script run = script("torch_memory.py", List.of("--n", String.valueOf(n), "--cols", String.valueOf(cols),
                "--threads", String.valueOf(threads), "--min-seconds", String.valueOf(minSeconds)));
        if (run.json() == null) return new MemoryResult(null, Map.of(), run.whyNot());
        Map<String, Double> gbps = new LinkedHashMap<>();
        @SuppressWarnings("unchecked")
        Map<String, Object> g = (Map<String, Object>) run.json().get("gbps");
        g.forEach((k, v) -> { if (v instanceof Number num) gbps.put(k, num.doubleValue()); });
        return new MemoryResult(describe(run.json()), gbps, null);
    }

    /**
     * PyTorch's numbers for {@link LmBench}'s model ({@code bench/torch_lm.py}: the same SmolLM-135M shape, float32,
     * random weights): decode tokens/s with a KV cache, prefill ms, AdamW step ms and peak RSS; or why it could not run.
     */
    public static LmResult lm(int threads, int promptTokens, int newTokens, int batch, int seq, int steps) {
        Script run = script("torch_lm.py", List.of("--threads", String.valueOf(threads), "--prompt-tokens",
                String.valueOf(promptTokens), "--new", String.valueOf(newTokens), "--batch", String.valueOf(batch),
                "--seq", String.valueOf(seq), "--steps", String.valueOf(steps)));
        if (run.json() == null) return new LmResult(null, Map.of(), run.whyNot());
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (String section : List.of("generate", "step")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) run.json().get(section);
            if (m != null) m.forEach((k, v) -> { if (v instanceof Number num) numbers.put(k, num.doubleValue()); });
        }
        return new LmResult(describe(run.json()), numbers, null);
    }

    /** PyTorch's language-model numbers by name (prefill_ms, decode_tokens_per_second, step_ms, peak_rss_mib). */
    public record LmResult(String version, Map<String, Double> numbers, String whyNot) {
        public boolean ok() { return whyNot == null; }
    }

    /** PyTorch's GB/s per kernel, or the reason it could not run. */
    public record MemoryResult(String version, Map<String, Double> gbps, String whyNot) {
        public boolean ok() { return whyNot == null; }
    }

    /** "PyTorch 2.13.0+cpu (AVX2 kernels)": the version and the CPU capability its kernels were dispatched to. */
    private static String describe(Map<String, Object> json) {
        Object cap = json.get("capability");
        return "PyTorch " + json.get("torch") + (cap == null ? "" : " (" + cap + " kernels)");
    }

    private record Script(Map<String, Object> json, String whyNot) {}

    /** Runs bench/{@code name} with the first Python that has PyTorch; its last output line is the JSON result. */
    private static Script script(String name, List<String> args) {
        Path script = home().resolve("bench").resolve(name);
        if (!Files.exists(script)) return new Script(null, script + " not found (run from the repository root, or through ./sluice)");
        List<String> tried = new ArrayList<>();
        for (String python : candidates()) {
            tried.add(python);
            try {
                List<String> command = new ArrayList<>(List.of(python, script.toString()));
                command.addAll(args);
                Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> json = (Map<String, Object>) Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
                return new Script(json, null);
            } catch (IOException | RuntimeException e) {
                // try the next interpreter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Script(null, "no Python with PyTorch found (tried " + tried + "); install the CPU wheel: "
                + "python3 -m venv .venv-torch && .venv-torch/bin/pip install torch-2.x-cpu wheel (e.g. /opt/wheels/torch-*.whl), "
                + "or apt-get install python3-torch");
    }

    /** The checkout: {@code -Dsluice.home} (the launcher sets it; it runs the JVM in the caller's directory), else ".". */
    private static Path home() {
        return Path.of(System.getProperty("sluice.home", ""));
    }

    private static List<String> candidates() {
        List<String> c = new ArrayList<>();
        String env = System.getenv("SLUICE_TORCH_PYTHON");
        if (env != null && !env.isBlank()) c.add(env);
        Path venv = home().resolve(".venv-torch/bin/python");
        if (Files.isExecutable(venv)) c.add(venv.toString());
        c.add("python3");
        return c;
    }
}
