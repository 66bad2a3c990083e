package dev.sluice.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The cuBLAS and CUDA enum values Sluice passes through FFM (no header is compiled against, so a wrong value would
 * only show on a GPU). Pinned here with their source: CUDA 13.0's cublas_api.h (cuBLAS 13.0.0.19; published in
 * github.com/leomaxwell972/CU13ToolKit_Includes, include/cublas_api.h) and library_types.h; and, where a CUDA toolkit
 * is installed (this machine has /usr/local/cuda-13.0 with library_types.h and cuda.h, no cuBLAS headers), re-read
 * from the installed headers.
 */
class CublasConstantsTest {
    @Test
    void pinnedValuesFromCuda13Headers() {
        assertEquals(0, Cublas.OP_N);                       // CUBLAS_OP_N = 0
        assertEquals(1, Cublas.OP_T);                       // CUBLAS_OP_T = 1
        assertEquals(0, Cublas.CUBLAS_DEFAULT_MATH);        // CUBLAS_DEFAULT_MATH = 0
        assertEquals(3, Cublas.CUBLAS_TF32_TENSOR_OP_MATH); // CUBLAS_TF32_TENSOR_OP_MATH = 3
        assertEquals(68, Cublas.CUBLAS_COMPUTE_32F);
        assertEquals(75, Cublas.CUBLAS_COMPUTE_32F_FAST_16BF);
        assertEquals(77, Cublas.CUBLAS_COMPUTE_32F_FAST_TF32);
        assertEquals(-1, Cublas.CUBLAS_GEMM_DEFAULT);       // CUBLAS_GEMM_DEFAULT = -1
        assertEquals(0, Cublas.CUDA_R_32F);                 // library_types.h: CUDA_R_32F = 0
        assertEquals(GemmMapping.OP_N, Cublas.OP_N);
        assertEquals(GemmMapping.OP_T, Cublas.OP_T);
    }

    private static List<Path> includeDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String d : new String[] {"/usr/local/cuda/include", "/usr/local/cuda-13.0/include", "/usr/local/cuda-12.9/include",
                "/usr/include"}) {
            if (Files.isDirectory(Path.of(d))) dirs.add(Path.of(d));
        }
        return dirs;
    }

    private static Integer enumValue(String header, String name) throws IOException {
        for (Path dir : includeDirs()) {
            Path h = dir.resolve(header);
            if (!Files.isRegularFile(h)) continue;
            Matcher m = Pattern.compile("\\b" + name + "\\s*=\\s*(-?(?:0x)?[0-9a-fA-F]+)").matcher(Files.readString(h));
            if (m.find()) return Integer.decode(m.group(1));
        }
        return null;
    }

    @Test
    void installedHeadersAgree() throws IOException {
        int found = 0;
        Object[][] checks = {
                {"library_types.h", "CUDA_R_32F", Cublas.CUDA_R_32F},
                {"cublas_api.h", "CUBLAS_OP_T", Cublas.OP_T},
                {"cublas_api.h", "CUBLAS_TF32_TENSOR_OP_MATH", Cublas.CUBLAS_TF32_TENSOR_OP_MATH},
                {"cublas_api.h", "CUBLAS_COMPUTE_32F", Cublas.CUBLAS_COMPUTE_32F},
                {"cublas_api.h", "CUBLAS_COMPUTE_32F_FAST_16BF", Cublas.CUBLAS_COMPUTE_32F_FAST_16BF},
                {"cublas_api.h", "CUBLAS_COMPUTE_32F_FAST_TF32", Cublas.CUBLAS_COMPUTE_32F_FAST_TF32},
                {"cublas_api.h", "CUBLAS_GEMM_DEFAULT", Cublas.CUBLAS_GEMM_DEFAULT},
                {"cuda.h", "CU_STREAM_DEFAULT", 0},
                {"cuda.h", "CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR",
                        jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR},
                {"cuda.h", "CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT",
                        jcuda.driver.CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT},
        };
        for (Object[] c : checks) {
            Integer v = enumValue((String) c[0], (String) c[1]);
            if (v == null) continue;
            assertEquals(((Number) c[2]).intValue(), v, c[1] + " in the installed " + c[0]);
            found++;
        }
        Assumptions.assumeTrue(found > 0, "no CUDA headers installed here");
    }
}
