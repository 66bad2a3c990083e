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
 * Runs {@code bench/torch_steps.py} with a Python that has PyTorch: {@code SLUICE_TORCH_PYTHON} if set, else
 * {@code .venv-torch/bin/python} in the project, else {@code python3}. The peer's step times come back as JSON.
 */
public final class TorchPeer {
    /** PyTorch's version and median milliseconds per model, or the reason it could not run. */
    public record Result(String version, Map<String, Double> millis, String whyNot) {
        public boolean ok() { return whyNot == null; }
    }

    private TorchPeer() {}

    public static Result run(List<String> models, int threads, int warmup, int steps) {
        Path script = Path.of("bench", "torch_steps.py");
        if (!Files.exists(script)) return new Result(null, Map.of(), script + " not found (run from the repository root)");
        List<String> tried = new ArrayList<>();
        for (String python : candidates()) {
            tried.add(python);
            try {
                Process p = new ProcessBuilder(python, script.toString(), "--threads", String.valueOf(threads),
                        "--warmup", String.valueOf(warmup), "--steps", String.valueOf(steps), "--only", String.join(",", models))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> json = (Map<String, Object>) Json.parse(out.lines().reduce((a, b) -> b).orElseThrow());
                Map<String, Double> ms = new LinkedHashMap<>();
                @SuppressWarnings("unchecked")
                Map<String, Object> stepsJson = (Map<String, Object>) json.get("steps");
                stepsJson.forEach((k, v) -> ms.put(k, ((Number) v).doubleValue()));
                return new Result("PyTorch " + json.get("torch"), ms, null);
            } catch (IOException | RuntimeException e) {
                // try the next interpreter
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Result(null, Map.of(), "no Python with PyTorch found (tried " + tried + "); install the CPU wheel: "
                + "python3 -m venv .venv-torch && .venv-torch/bin/pip install torch-2.x-cpu wheel (e.g. /opt/wheels/torch-*.whl), "
                + "or apt-get install python3-torch");
    }

    private static List<String> candidates() {
        List<String> c = new ArrayList<>();
        String env = System.getenv("SLUICE_TORCH_PYTHON");
        if (env != null && !env.isBlank()) c.add(env);
        if (Files.isExecutable(Path.of(".venv-torch/bin/python"))) c.add(".venv-torch/bin/python");
        c.add("python3");
        return c;
    }
}
