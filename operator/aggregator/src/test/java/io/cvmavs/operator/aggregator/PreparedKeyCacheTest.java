package io.cvmavs.operator.aggregator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cvmavs.crypto.bls.Bls;
import io.cvmavs.crypto.bls.BlsKeyPair;
import io.cvmavs.crypto.bn254.G2Prepared;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreparedKeyCacheTest {
  private static final BlsKeyPair A = BlsKeyPair.fromSecret(BigInteger.valueOf(101));
  private static final BlsKeyPair B = BlsKeyPair.fromSecret(BigInteger.valueOf(202));
  private static final BlsKeyPair A2 = BlsKeyPair.fromSecret(BigInteger.valueOf(303));
  private static final byte[] DIGEST = new byte[32];

  @Test
  void aKeyIsPreparedOncePerOperator() {
    PreparedKeyCache cache = new PreparedKeyCache();
    G2Prepared first = cache.prepared("0xAAAA", A.publicKeyG2());
    assertThat(cache.prepared("0xaaaa", A.publicKeyG2())).isSameAs(first);
    assertThat(cache.prepared("0xbbbb", B.publicKeyG2())).isNotSameAs(first);
    assertThat(cache.preparations()).isEqualTo(2);
    assertThat(cache.size()).isEqualTo(2);
    assertThat(Bls.verify(first, DIGEST, A.sign(DIGEST))).isTrue();
  }

  @Test
  void aChangedKeyIsPreparedAgain() {
    PreparedKeyCache cache = new PreparedKeyCache();
    G2Prepared old = cache.prepared("0xaaaa", A.publicKeyG2());
    G2Prepared changed = cache.prepared("0xaaaa", A2.publicKeyG2());
    assertThat(changed).isNotSameAs(old);
    assertThat(changed.point()).isEqualTo(A2.publicKeyG2());
    assertThat(Bls.verify(changed, DIGEST, A2.sign(DIGEST))).isTrue();
    assertThat(Bls.verify(changed, DIGEST, A.sign(DIGEST))).isFalse();
    assertThat(cache.preparations()).isEqualTo(2);
    assertThat(cache.size()).isEqualTo(1);
  }

  @Test
  void deregisteredOperatorsAreDropped() {
    PreparedKeyCache cache = new PreparedKeyCache();
    G2Prepared a = cache.prepared("0xaaaa", A.publicKeyG2());
    cache.prepared("0xbbbb", B.publicKeyG2());
    cache.retainOnly(List.of("0xAAAA"));
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.prepared("0xaaaa", A.publicKeyG2())).isSameAs(a);
    // b registers again: prepared anew
    cache.prepared("0xbbbb", B.publicKeyG2());
    assertThat(cache.preparations()).isEqualTo(3);
    cache.invalidate("0xaaaa");
    assertThat(cache.prepared("0xaaaa", A.publicKeyG2())).isNotSameAs(a);
    assertThat(cache.preparations()).isEqualTo(4);
  }
}
