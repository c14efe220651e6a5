package io.cvmavs.operator.relayer;

/**
 * Why the relayer stopped or refused something; the message names the height, the field or the
 * endpoint.
 */
public class RelayerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RelayerException(String message) {
    super(message);
  }

  public RelayerException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * A certificate that failed local verification (bad signature, quorum not reached, malformed
   * bitmap or point, another chain or height): nothing was sent for it.
   */
  public static final class Refused extends RelayerException {
    private static final long serialVersionUID = 1L;
    private final long height;

    public Refused(long height, String reason) {
      super("certificate of CVM height " + height + " refused locally: " + reason);
      this.height = height;
    }

    public long height() {
      return height;
    }
  }

  /** The CVM chain's RPC failed or answered something unusable (retried with backoff). */
  public static final class CvmRpc extends RelayerException {
    private static final long serialVersionUID = 1L;

    public CvmRpc(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
