package dev.litemem.jmh;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import dev.litemem.index.internal.ScalarVectorMath;
import dev.litemem.index.internal.VectorMath;
import dev.litemem.index.internal.VectorMaths;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One distance between two 384-dimension vectors: our Vector API kernel, our scalar kernel, and hnswlib-core's own
 * DistanceFunctions (1 - dot and Euclidean distance with its square root).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class DistanceBenchmark {

    @Param({"384"})
    int dimension;

    private float[] a;
    private float[] b;
    private VectorMath vectorApi;
    private VectorMath scalar;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        a = new float[dimension];
        b = new float[dimension];
        for (int i = 0; i < dimension; i++) {
            a[i] = (float) random.nextGaussian();
            b[i] = (float) random.nextGaussian();
        }
        vectorApi = VectorMaths.vectorApiOrNull();
        if (vectorApi == null) {
            throw new IllegalStateException("run with --add-modules jdk.incubator.vector");
        }
        scalar = ScalarVectorMath.INSTANCE;
    }

    @Benchmark
    public float dotVectorApi() {
        return vectorApi.dot(a, b);
    }

    @Benchmark
    public float dotScalar() {
        return scalar.dot(a, b);
    }

    @Benchmark
    public Float dotHnswlib() {
        return DistanceFunctions.FLOAT_INNER_PRODUCT.distance(a, b);
    }

    @Benchmark
    public float l2VectorApi() {
        return vectorApi.squaredDistance(a, b);
    }

    @Benchmark
    public float l2Scalar() {
        return scalar.squaredDistance(a, b);
    }

    @Benchmark
    public Float l2Hnswlib() {
        return DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE.distance(a, b);
    }
}
