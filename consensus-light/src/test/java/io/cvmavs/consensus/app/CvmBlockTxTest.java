package io.cvmavs.consensus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cvmavs.consensus.app.tx.TxCodec;
import io.cvmavs.consensus.app.tx.TxRefusedException;
import io.cvmavs.consensus.proto.app.CvmBlockTx;
import io.cvmavs.consensus.proto.app.TxEnvelope;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.proof.Keccak;
import org.junit.jupiter.api.Test;

/**
 * A CVM block transaction carries each dataset's columns and key, so a reader of the chain rebuilds
 * the block from it alone ({@link TxCodec#block}); columns that do not hash to the schema hash are
 * malformed.
 */
class CvmBlockTxTest {
  final CvmBlock block = new SyntheticEngine(7, 0).block(Keccak.hash("m".getBytes()), 2, 11, 15);

  @Test
  void aBlockRebuiltFromItsTransactionIsTheSameBlock() {
    CvmBlockTx tx = TxCodec.cvmBlock(block);
    assertThat(tx.getDatasets(0).getColumnsList())
        .containsExactly("block_number", "log_index", "value");
    assertThat(tx.getDatasets(0).getPrimaryKeyList()).containsExactly("block_number", "log_index");
    CvmBlock back =
        TxCodec.block(
            TxCodec.decode(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(tx)))
                .getCvmBlock());
    assertThat(back.hash()).isEqualTo(block.hash());
    assertThat(back.datasets().get("transfers").root())
        .isEqualTo(block.datasets().get("transfers").root());
    assertThat(back.datasets().get("transfers").record(3))
        .isEqualTo(block.datasets().get("transfers").record(3));
  }

  @Test
  void columnsThatDoNotHashToTheSchemaHashOrAnUnknownKeyAreMalformed() {
    CvmBlockTx tx = TxCodec.cvmBlock(block);
    CvmBlockTx.Builder renamed = tx.toBuilder();
    renamed.setDatasets(0, renamed.getDatasets(0).toBuilder().setColumns(2, "amount"));
    assertThatThrownBy(
            () -> TxCodec.decode(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(renamed))))
        .isInstanceOf(TxRefusedException.class)
        .hasMessageContaining("cvm_block.datasets[0].columns: do not hash to schema_hash");
    CvmBlockTx.Builder badKey = tx.toBuilder();
    badKey.setDatasets(0, badKey.getDatasets(0).toBuilder().addPrimaryKey("nope"));
    assertThatThrownBy(
            () -> TxCodec.decode(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(badKey))))
        .hasMessageContaining(
            "cvm_block.datasets[0].primary_key: 'nope' is not one of the columns");
    CvmBlockTx.Builder none = tx.toBuilder();
    none.setDatasets(0, none.getDatasets(0).toBuilder().clearColumns());
    assertThatThrownBy(
            () -> TxCodec.decode(TxCodec.envelope(TxEnvelope.newBuilder().setCvmBlock(none))))
        .hasMessageContaining("cvm_block.datasets[0].columns: empty");
  }
}
