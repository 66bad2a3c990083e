// The one translation unit native/build compiles into sluice.fatbin: each kernel family lives in its own file.
#include "elementwise.cu"
#include "reduce.cu"
#include "softmax.cu"
#include "layernorm.cu"
#include "indexing.cu"
#include "random.cu"
#include "optim.cu"
#include "gemm.cu"
