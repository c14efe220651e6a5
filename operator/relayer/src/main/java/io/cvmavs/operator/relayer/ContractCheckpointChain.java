package io.cvmavs.operator.relayer;

import io.cvmavs.chain.bridge.CheckpointsReader;
import io.cvmavs.chain.bridge.CheckpointsWriter;
import io.cvmavs.chain.bridge.ValidatorEntry;
import io.cvmavs.chain.bridge.ValidatorSetInfo;
import io.cvmavs.chain.rpc.Transactor;
import java.util.List;

/**
 * {@link CheckpointChain} over chain-io: {@link CheckpointsReader} for views, {@link
 * CheckpointsWriter} through the one {@link Transactor} (estimate first, fee bumps, pending
 * detection). The committed set's entries are read once per set id.
 */
public final class ContractCheckpointChain implements CheckpointChain {
  private final Transactor tx;
  private final CheckpointsReader reader;
  private final CheckpointsWriter writer;
  private CommittedSet cached;

  public ContractCheckpointChain(Transactor tx, String checkpoints) {
    this.tx = tx;
    this.reader = new CheckpointsReader(tx, checkpoints);
    this.writer = new CheckpointsWriter(tx, checkpoints);
  }

  public CheckpointsReader reader() {
    return reader;
  }

  public String account() {
    return tx.address();
  }

  @Override
  public long latestHeight() {
    return reader.latestHeight();
  }

  @Override
  public synchronized CommittedSet committedSet() {
    long id = reader.currentSetId();
    if (cached == null || cached.setId() != id) {
      ValidatorSetInfo info = reader.validatorSet(id);
      if (info.size() == 0) {
        throw new RelayerException(
            "CvmCheckpoints "
                + reader.address()
                + " has no validator set yet: its owner must call setGenesisValidatorSet with the"
                + " CVM chain's genesis BLS set");
      }
      cached = new CommittedSet(id, info.hash(), reader.validatorEntries(id));
    }
    return cached;
  }

  @Override
  public byte[] pendingSetHash() {
    return reader.pendingSetHash();
  }

  @Override
  public byte[] cvmChainId() {
    return reader.cvmChainId();
  }

  @Override
  public boolean hasPending() {
    return tx.hasPending();
  }

  @Override
  public long submit(CertificateCheck.Verified v) {
    RelayCertificate c = v.certificate();
    return writer
        .submitCheckpoint(c.data(), c.sigma(), c.apkG2(), v.nonSignerIndices())
        .getGasUsed()
        .longValueExact();
  }

  @Override
  public long rotate(List<ValidatorEntry> entries) {
    return writer.rotateValidatorSet(entries).getGasUsed().longValueExact();
  }
}
