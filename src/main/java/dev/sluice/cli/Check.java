package dev.sluice.cli;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Option checks every command runs before it does any work. Each failure is a {@link UserError} whose message names
 * the option and the value, e.g. {@code --epochs must be a positive integer, got 0}.
 */
final class Check {
    private Check() {}

    static int positive(String option, int v) {
        if (v <= 0) throw new UserError(option + " must be a positive integer, got " + v);
        return v;
    }

    static int nonNegative(String option, int v) {
        if (v < 0) throw new UserError(option + " must be 0 or more, got " + v);
        return v;
    }

    static int inRange(String option, int v, int min, int max) {
        if (v < min || v > max) throw new UserError(option + " must be between " + min + " and " + max + ", got " + v);
        return v;
    }

    static double finitePositive(String option, double v) {
        if (!(Double.isFinite(v) && v > 0)) throw new UserError(option + " must be a finite number > 0, got " + show(v));
        return v;
    }

    static double finiteNonNegative(String option, double v) {
        if (!(Double.isFinite(v) && v >= 0)) throw new UserError(option + " must be a finite number >= 0, got " + show(v));
        return v;
    }

    /** A probability: 0 ≤ v ≤ 1, or 0 < v ≤ 1 when {@code zeroAllowed} is false. */
    static double fraction(String option, double v, boolean zeroAllowed) {
        boolean ok = zeroAllowed ? v >= 0 && v <= 1 : v > 0 && v <= 1;
        if (!ok) throw new UserError(option + " must be in " + (zeroAllowed ? "[0, 1]" : "(0, 1]") + ", got " + show(v));
        return v;
    }

    static String oneOf(String option, String v, List<String> allowed) {
        if (!allowed.contains(v.toLowerCase(Locale.ROOT))) {
            throw new UserError(option + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
        }
        return v.toLowerCase(Locale.ROOT);
    }

    /** A number as a person would type it: 1e30 rather than 1.0E30, 0.001, -1. */
    static String show(double v) {
        if (!Double.isFinite(v)) return Double.toString(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = Double.toString(v);
        return s.contains("E") ? s.replace(".0E", "e").replace("E", "e") : s;
    }

    /**
     * A file the command will write (atomically, which creates missing directories): not a directory or other
     * non-regular file, and its nearest existing ancestor is a writable directory. Nothing is created.
     */
    static Path writableOut(String option, Path file) {
        if (file == null) return null;
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) throw new UserError(option + " " + file + " is a directory; give a file name");
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs)) {
            throw new UserError(option + " " + file + " exists and is not a regular file");
        }
        Path dir = abs.getParent();
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null) throw new UserError(option + " " + file + ": no existing directory above it");
        if (!Files.isDirectory(dir)) throw new UserError(option + " " + file + ": " + dir + " is not a directory");
        if (!Files.isWritable(dir)) throw new UserError(option + " " + file + ": directory " + dir + " is not writable");
        return file;
    }

    /**
     * A directory a command will write a model into: absent (created later) or a directory, under a writable
     * directory, and not the {@code --model} directory it reads. Nothing is created.
     *
     * @return the absolute, normalised path
     */
    static Path modelOutDir(String option, Path out, Path model) {
        Path abs = out.toAbsolutePath().normalize();
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(abs)) {
            throw new UserError(option + " " + out + " exists and is not a directory");
        }
        Path dir = abs;
        while (dir != null && !Files.exists(dir)) dir = dir.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new UserError(option + " " + out + ": no existing directory above it");
        if (!Files.isWritable(dir)) throw new UserError(option + " " + out + ": directory " + dir + " is not writable");
        try {
            if (Files.isDirectory(abs) && Files.isSameFile(abs, model)) {
                throw new UserError(option + " " + out + " is the --model directory; give another directory for the new model");
            }
        } catch (java.io.IOException e) {
            throw new UserError(option + " " + out + ": " + Main.describe(e));
        }
        return abs;
    }

    /** An existing, readable directory. */
    static Path readableDir(String option, Path dir, String hint) {
        String more = hint == null ? "" : "; " + hint;
        if (!Files.exists(dir)) throw new UserError(option + " " + dir + ": no such directory" + more);
        if (!Files.isDirectory(dir)) throw new UserError(option + " " + dir + " is not a directory" + more);
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) throw new UserError(option + " " + dir + ": directory is not readable");
        return dir;
    }

    /** An existing, readable regular file. */
    static Path readableFile(String option, Path file, String hint) {
        String more = hint == null ? "" : "; " + hint;
        if (!Files.exists(file)) throw new UserError(option + " " + file + ": no such file" + more);
        if (!Files.isRegularFile(file)) throw new UserError(option + " " + file + " is not a regular file" + more);
        if (!Files.isReadable(file)) throw new UserError(option + " " + file + ": file is not readable");
        return file;
    }

    /** The Debian package's hint, for a missing Fashion-MNIST directory or file. */
    static final String FASHION_MNIST_HINT = "install it with: sudo apt-get install dataset-fashion-mnist (or pass --data DIR)";

    /** A directory holding the four Fashion-MNIST IDX files. */
    static Path fashionMnist(String option, Path dir) {
        readableDir(option, dir, FASHION_MNIST_HINT);
        for (String f : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz")) {
            Path p = dir.resolve(f);
            if (!Files.exists(p)) throw new UserError(option + " " + dir + ": Fashion-MNIST file " + f + " is missing; " + FASHION_MNIST_HINT);
            readableFile(option, p, null);
        }
        return dir;
    }
}
