package dev.sluice.backend.cuda;

import java.util.List;

/** Names of the kernels in sluice.fatbin that the backend launches (native/*.cu; shapes in their comments). */
final class Kernels {
    private Kernels() {}

    static final String UNARY_F32 = "sl_unary_f32", UNARY_F64 = "sl_unary_f64";
    static final String UNARY_BACKWARD_F32 = "sl_unary_backward_f32", UNARY_BACKWARD_F64 = "sl_unary_backward_f64";
    static final String BINARY_F32 = "sl_binary_f32", BINARY_ANY = "sl_binary_any";
    static final String WHERE = "sl_where", COPY = "sl_copy", FILL = "sl_fill";
    static final String REDUCE_F32 = "sl_reduce_f32", REDUCE_ANY = "sl_reduce_any", ARGREDUCE = "sl_argreduce";
    static final String SOFTMAX_F32 = "sl_softmax_f32", SOFTMAX_F64 = "sl_softmax_f64";
    static final String SOFTMAX_BACKWARD_F32 = "sl_softmax_backward_f32", SOFTMAX_BACKWARD_F64 = "sl_softmax_backward_f64";
    static final String LAYERNORM_F32 = "sl_layernorm_f32", LAYERNORM_F64 = "sl_layernorm_f64";
    static final String LAYERNORM_BACKWARD_F32 = "sl_layernorm_backward_f32", LAYERNORM_BACKWARD_F64 = "sl_layernorm_backward_f64";
    static final String LAYERNORM_BACKWARD_PARAMS_F32 = "sl_layernorm_backward_params_f32";
    static final String LAYERNORM_BACKWARD_PARAMS_F64 = "sl_layernorm_backward_params_f64";
    static final String GATHER_F32 = "sl_gather_f32", GATHER_F64 = "sl_gather_f64";
    static final String SCATTER_ADD_F32 = "sl_scatter_add_f32", SCATTER_ADD_F64 = "sl_scatter_add_f64";
    static final String INDEX_SELECT = "sl_index_select", INDEX_ADD_F32 = "sl_index_add_f32", INDEX_ADD_F64 = "sl_index_add_f64";
    static final String RANDOM_F32 = "sl_random_f32", RANDOM_F64 = "sl_random_f64";
    static final String ADAMW_F32 = "sl_adamw_f32", ADAMW_F64 = "sl_adamw_f64";
    static final String GEMM_F32 = "sl_gemm_f32", GEMM_F64 = "sl_gemm_f64";
    static final String SOFTMAX_XENT_F32 = "sl_softmax_xent_f32", SOFTMAX_XENT_F64 = "sl_softmax_xent_f64";
    static final String DISTILL_F32 = "sl_distill_f32", DISTILL_F64 = "sl_distill_f64";
    static final String SHRINK_PERTURB_F32 = "sl_shrink_perturb_f32", SHRINK_PERTURB_F64 = "sl_shrink_perturb_f64";

    static final List<String> ALL = List.of(UNARY_F32, UNARY_F64, UNARY_BACKWARD_F32, UNARY_BACKWARD_F64, BINARY_F32,
            BINARY_ANY, WHERE, COPY, FILL, REDUCE_F32, REDUCE_ANY, ARGREDUCE, SOFTMAX_F32, SOFTMAX_F64, SOFTMAX_BACKWARD_F32,
            SOFTMAX_BACKWARD_F64, LAYERNORM_F32, LAYERNORM_F64, LAYERNORM_BACKWARD_F32, LAYERNORM_BACKWARD_F64,
            LAYERNORM_BACKWARD_PARAMS_F32, LAYERNORM_BACKWARD_PARAMS_F64, GATHER_F32, GATHER_F64, SCATTER_ADD_F32,
            SCATTER_ADD_F64, INDEX_SELECT, INDEX_ADD_F32, INDEX_ADD_F64, RANDOM_F32, RANDOM_F64, ADAMW_F32, ADAMW_F64,
            GEMM_F32, GEMM_F64, SOFTMAX_XENT_F32, SOFTMAX_XENT_F64, DISTILL_F32, DISTILL_F64, SHRINK_PERTURB_F32,
            SHRINK_PERTURB_F64);

    /** The float32 or float64 variant of a kernel family, by the operands' dtype; others are unsupported. */
    static String forDtype(String f32, String f64, dev.sluice.tensor.DType dtype, String op) {
        return switch (dtype) {
            case FLOAT32 -> f32;
            case FLOAT64 -> f64;
            default -> throw new IllegalArgumentException(op + ": " + dtype + " is not supported on cuda (float32 and float64 are)");
        };
    }
}
