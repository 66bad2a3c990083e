package dev.sluice.readme;

import dev.sluice.autograd.GradMode;
import dev.sluice.methods.undo.ShrinkPerturb;
import dev.sluice.nn.Activation;
import dev.sluice.nn.Losses;
import dev.sluice.nn.MLP;
import dev.sluice.optim.Adam;
import dev.sluice.tensor.DType;
import dev.sluice.tensor.Generator;
import dev.sluice.tensor.Tensor;

/** README.md's UNDO example, verbatim between the markers (checked by {@link ReadmeExampleTest}). */
final class ReadmeUndoExample {
    record Outcome(MLP teacher, MLP student, float[] noisedWeight) {}

    static Outcome run() {
        // UNDO-BEGIN
        Generator gen = new Generator(3);
        MLP teacher = new MLP(new int[] {8, 32, 4}, Activation.RELU, gen); // stands for an unlearned model
        MLP student = teacher.deepCopy();
        ShrinkPerturb.builder(0.8, 0.1, 42).build().apply(student);         // θ ← 0.2·θ + 0.08·N (Xavier)
        // UNDO-PAUSE
        float[] noised = student.layer(0).weight().toFloatArray();
        // UNDO-RESUME
        Adam opt = new Adam(student.parameters(), 1e-2);
        for (int step = 0; step < 300; step++) {
            Tensor x = Tensor.randn(gen, DType.FLOAT32, 64, 8);
            Tensor teacherLogits;
            try (var noGrad = GradMode.noGrad()) {                            // the teacher only answers
                teacherLogits = teacher.forward(x);
            }
            opt.zeroGrad();
            Losses.forwardKl(student.forward(x), teacherLogits, 1.0, null).backward(); // distil the outputs
            opt.step();
        }
        // UNDO-END
        return new Outcome(teacher, student, noised);
    }
}
