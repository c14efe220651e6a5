package io.cvmavs.crypto.precompile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.utils.Numeric;

/**
 * Calls the BN254 precompiles of a real EVM (anvil) with {@code eth_call}, many inputs per JSON-RPC
 * batch. A call that the precompile refuses comes back as an empty result (an error answer or
 * "0x"), i.e. {@link Optional#empty()}.
 */
final class EvmPrecompiles {
  static final String ADD = "0x0000000000000000000000000000000000000006";
  static final String MUL = "0x0000000000000000000000000000000000000007";
  static final String PAIRING = "0x0000000000000000000000000000000000000008";
  private static final String FROM = "0x0000000000000000000000000000000000001234";
  private static final int BATCH = 100;

  private final Web3j web3j;

  EvmPrecompiles(Web3j web3j) {
    this.web3j = web3j;
  }

  List<Optional<byte[]>> call(String precompile, List<byte[]> inputs) throws IOException {
    List<Optional<byte[]>> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += BATCH) {
      BatchRequest batch = web3j.newBatch();
      for (byte[] in : inputs.subList(from, Math.min(inputs.size(), from + BATCH))) {
        batch.add(
            web3j.ethCall(
                Transaction.createEthCallTransaction(FROM, precompile, Numeric.toHexString(in)),
                DefaultBlockParameterName.LATEST));
      }
      BatchResponse resp = batch.send();
      for (Response<?> r : resp.getResponses()) {
        EthCall c = (EthCall) r;
        if (c.hasError() || c.getValue() == null || c.getValue().equals("0x") || c.isReverted()) {
          out.add(Optional.empty());
        } else {
          out.add(Optional.of(Numeric.hexStringToByteArray(c.getValue())));
        }
      }
    }
    return out;
  }
}
