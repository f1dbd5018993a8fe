package org.secateur.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.secateur.tensor.DType;
import org.secateur.tensor.Tensor;

/** Conversions between entries and float tensors, and the checks on entries and checkpoints. */
class TensorEntryTest {

    @Test
    void masksConvertBothWays() {
        Tensor mask = Tensor.of(new float[] {1, 0, 1, 1, 0, 0}, 2, 3);
        TensorEntry.Bools b = TensorEntry.Bools.fromMask(mask);
        assertThat(b.values()).containsExactly(true, false, true, true, false, false);
        assertThat(b.shape()).containsExactly(2, 3);
        Tensor back = b.toTensor(DType.F64);
        assertThat(back.dtype()).isEqualTo(DType.F64);
        assertThat(back.doubles()).containsExactly(1, 0, 1, 1, 0, 0);
        assertThatThrownBy(() -> TensorEntry.Bools.fromMask(Tensor.vector(1f, 0.5f)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mask element at flat index 1 is 0.5, expected 0 or 1 (mask shape [2])");
    }

    @Test
    void integersConvertOnlyWhenExact() {
        TensorEntry.Longs l = new TensorEntry.Longs(new int[] {3}, new long[] {-5, 1L << 53, 16_777_216});
        assertThat(l.toTensor(DType.F64).doubles()).containsExactly(-5, 0x1p53, 16_777_216);
        assertThat(l.toTensor(DType.F32).floats()).containsExactly(-5, 0x1p53f, 16_777_216);
        assertThatThrownBy(() -> TensorEntry.Longs.scalar((1L << 53) + 1).toTensor(DType.F64))
                .isInstanceOf(ArithmeticException.class)
                .hasMessage("I64 element 0 = 9007199254740993 is not exactly representable in F64");
        assertThatThrownBy(() -> TensorEntry.Longs.scalar(Long.MAX_VALUE).toTensor(DType.F64))
                .hasMessageContaining("9223372036854775807 is not exactly representable");
        assertThat(new TensorEntry.Bytes(new int[] {2}, new byte[] {(byte) 200, 3}).toTensor(DType.F32).floats())
                .containsExactly(200, 3);
    }

    @Test
    void floatEntriesConvertAndKeepTheirOwnTensor() {
        Tensor t = Tensor.vector(1.5f, 2f);
        TensorEntry e = TensorEntry.of(t);
        assertThat(e.dtype()).isEqualTo(SafetensorsDType.F32);
        assertThat(e.toTensor(DType.F32)).isSameAs(t);
        assertThat(e.toTensor(DType.F64).doubles()).containsExactly(1.5, 2);
        assertThat(e.contentEquals(TensorEntry.of(Tensor.vector(1.5f, 2f)))).isTrue();
        assertThat(e.contentEquals(TensorEntry.of(Tensor.vector(1.5, 2.0)))).as("dtype differs").isFalse();
        assertThat(e.contentEquals(TensorEntry.of(Tensor.of(new float[] {1.5f, 2f}, 2, 1)))).isFalse();
    }

    @Test
    void shapesMustMatchTheValues() {
        assertThatThrownBy(() -> new TensorEntry.Longs(new int[] {2, 2}, new long[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("values have 3 elements but shape [2, 2] needs 4");
        int[] shape = {3};
        TensorEntry.Bytes b = new TensorEntry.Bytes(shape, new byte[3]);
        shape[0] = 7;
        b.shape()[0] = 9;
        assertThat(b.shape()).as("the shape is a private copy").containsExactly(3);
    }

    @Test
    void checkpointsRejectTheReservedNameAndReportMissingEntries() {
        Map<String, TensorEntry> reserved = new LinkedHashMap<>();
        reserved.put("__metadata__", TensorEntry.Longs.scalar(1));
        assertThatThrownBy(() -> new Checkpoint(new LinkedHashMap<>(reserved), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry name __metadata__ is reserved for the metadata");
        Checkpoint c = Checkpoint.of(Map.of("w", Tensor.vector(1f)), Map.of());
        assertThatThrownBy(() -> c.entry("v")).hasMessage("no entry \"v\" among 1 entries [w]");
        Checkpoint withInts = new Checkpoint(new LinkedHashMap<>(Map.of("n", TensorEntry.Longs.scalar(1))), Map.of());
        assertThatThrownBy(() -> withInts.tensor("n"))
                .hasMessage("entry \"n\" is I64, not a float tensor; use entry(name).toTensor(dtype) to convert it");
    }
}
