import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the README's Java examples into classes a consumer project compiles, so an example that uses a non-exported
 * class or a renamed method fails the consumer check. Run with the JDK's source launcher:
 * {@code java ReadmeExamples.java README.md OUT_DIR PACKAGE ANCHOR...}: for each anchor, the ```java block containing
 * it becomes {@code OUT_DIR/ReadmeExampleK.java} in {@code PACKAGE}, with a {@code static void run()} holding the
 * block's statements (its own imports are kept, plus the public packages every example assumes).
 */
public class ReadmeExamples {
    private static final List<String> COMMON_IMPORTS = List.of("dev.sluice.tensor.*", "dev.sluice.nn.*",
            "dev.sluice.optim.*", "dev.sluice.autograd.*", "dev.sluice.data.*", "java.nio.file.Path");

    public static void main(String[] args) throws IOException {
        if (args.length < 4) throw new IllegalArgumentException("usage: ReadmeExamples README OUT_DIR PACKAGE ANCHOR...");
        String readme = Files.readString(Path.of(args[0]));
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        for (int k = 3; k < args.length; k++) {
            int at = readme.indexOf(args[k]);
            if (at < 0) throw new IllegalStateException("README has no example containing '" + args[k] + "'");
            int start = readme.lastIndexOf("```java\n", at);
            if (start < 0) throw new IllegalStateException("'" + args[k] + "' is not inside a ```java block");
            String block = readme.substring(start + 8, readme.indexOf("```", start + 8));
            List<String> imports = new ArrayList<>();
            StringBuilder body = new StringBuilder();
            for (String line : block.lines().toList()) {
                if (line.startsWith("import ")) imports.add(line.substring(0, line.indexOf(';') + 1));
                else body.append("        ").append(line).append('\n');
            }
            String name = "ReadmeExample" + (k - 2);
            StringBuilder src = new StringBuilder("package " + args[2] + ";\n\n");
            for (String i : COMMON_IMPORTS) src.append("import ").append(i).append(";\n");
            for (String i : imports) src.append(i).append('\n');
            src.append("\n/** Generated from README.md's example containing \"").append(args[k].replace("\"", "'"))
                    .append("\". */\npublic final class ").append(name).append(" {\n    private ").append(name)
                    .append("() {}\n\n    /** Runs the example. */\n    public static void run() throws Exception {\n").append(body)
                    .append("    }\n}\n");
            Files.writeString(out.resolve(name + ".java"), src);
        }
    }
}
