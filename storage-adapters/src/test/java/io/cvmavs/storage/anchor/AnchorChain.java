package io.cvmavs.storage.anchor;

import io.cvmavs.chain.rpc.ChainAccess;
import io.cvmavs.chain.rpc.Transactor;
import io.cvmavs.contracts.Deployments;
import io.cvmavs.cvm.block.CvmBlock;
import io.cvmavs.cvm.block.CvmBlockStore;
import io.cvmavs.localnet.anvil.AnvilNode;
import io.cvmavs.localnet.forge.ForgeDeploy;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The contracts deployed on a real anvil by the project's forge deploy script, and the account the
 * script made the anchor submitter (account 0, the deployer).
 */
record AnchorChain(AnvilNode anvil, Deployments deployments, Transactor tx) {
  static AnchorChain deploy(AnvilNode anvil) {
    Deployments d = Deployments.read(ForgeDeploy.deploy(anvil));
    Transactor tx =
        ChainAccess.open(
            URI.create(anvil.rpcUrl()),
            anvil.account(0).credentials().getEcKeyPair(),
            Optional.of(anvil.chainId()));
    return new AnchorChain(anvil, d, tx);
  }

  AnchorRegistryClient registry() {
    return new AnchorRegistryClient(tx.reader(), deployments.address("AnchorRegistry"));
  }

  long nonce() throws Exception {
    BigInteger n =
        anvil
            .web3j()
            .ethGetTransactionCount(tx.address(), DefaultBlockParameterName.LATEST)
            .send()
            .getTransactionCount();
    return n.longValueExact();
  }

  static CvmBlockStore storeWith(Path dir, byte[] manuscript, List<CvmBlock> blocks) {
    CvmBlockStore store = CvmBlockStore.open(dir);
    store.putManuscript(manuscript);
    blocks.forEach(store::append);
    return store;
  }
}
