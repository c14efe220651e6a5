package io.cvmavs.chain.avs;

import io.cvmavs.chain.abi.Numbers;
import io.cvmavs.crypto.bn254.G1Point;
import io.cvmavs.crypto.bn254.G2Point;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.StaticStruct;
import org.web3j.abi.datatypes.Utf8String;

/**
 * {@code abi.encode(RegistrationParams{socket, PubkeyRegistrationParams{signature, pkG1, pkG2}})}:
 * the {@code data} of {@code registerForOperatorSets} that {@code CvmRegistry} decodes.
 */
public final class RegistrationData {
  private RegistrationData() {}

  public static byte[] encode(String socket, G1Point pop, G1Point pubkeyG1, G2Point pubkeyG2) {
    StaticStruct pubkey =
        new StaticStruct(
            TaskManagerAbi.G1.of(pop),
            TaskManagerAbi.G1.of(pubkeyG1),
            TaskManagerAbi.G2.of(pubkeyG2));
    DynamicStruct params = new DynamicStruct(new Utf8String(socket), pubkey);
    return Numbers.bytes(FunctionEncoder.encodeConstructor(List.of(params)));
  }
}
