package dev.sluice.methods.recontext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Running reward commands. */
final class RewardCommands {
    private RewardCommands() {}

    static double run(List<String> cmd, String problem, String response, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("SLUICE_PROBLEM", problem);
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            throw new IllegalStateException("reward command " + cmd + " could not start: " + e.getMessage(), e);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        Thread outReader = Thread.ofVirtual().start(() -> drain(proc.getInputStream(), out));
        Thread errReader = Thread.ofVirtual().start(() -> drain(proc.getErrorStream(), err));
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream in = proc.getOutputStream()) {
                in.write(response.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the command need not read its input
            }
        });
        try {
            if (!proc.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                proc.descendants().forEach(ProcessHandle::destroyForcibly);
                proc.destroyForcibly();
                proc.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("reward command " + cmd + " timed out after " + timeout.toMillis() + " ms (killed)");
            }
            writer.join();
            outReader.join();
            errReader.join();
        } catch (InterruptedException e) {
            proc.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reward command " + cmd + " interrupted", e);
        }
        String stdout = out.toString(StandardCharsets.UTF_8).strip();
        if (proc.exitValue() != 0) {
            throw new IllegalStateException("reward command " + cmd + " exited with status " + proc.exitValue()
                    + "; stderr: " + tail(err.toString(StandardCharsets.UTF_8)));
        }
        try {
            return Double.parseDouble(stdout);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("reward command " + cmd + " printed \"" + tail(stdout)
                    + "\" on stdout; expected one number", e);
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream sink) {
        try (in) {
            in.transferTo(sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(String s) {
        s = s.strip();
        return s.length() <= 500 ? s : "…" + s.substring(s.length() - 500);
    }
}
