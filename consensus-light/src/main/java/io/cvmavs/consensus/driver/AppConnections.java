package io.cvmavs.consensus.driver;

import io.cvmavs.consensus.abci.AbciClient;
import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.Response;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * One validator's application as CometBFT reaches it: four ABCI socket connections opened in
 * CometBFT's order (query, snapshot, mempool, consensus), each used by one caller at a time. The
 * driver never calls the snapshot connection (no state sync); it is opened so the app sees what
 * CometBFT opens.
 */
final class AppConnections implements AutoCloseable {
  enum Conn {
    QUERY,
    SNAPSHOT,
    MEMPOOL,
    CONSENSUS
  }

  private final AbciClient[] clients = new AbciClient[Conn.values().length];

  private AppConnections() {}

  static AppConnections open(InetSocketAddress address) throws IOException {
    AppConnections c = new AppConnections();
    try {
      for (Conn conn : Conn.values()) {
        c.clients[conn.ordinal()] = AbciClient.connect(address);
      }
      return c;
    } catch (IOException e) {
      c.close();
      throw e;
    }
  }

  /**
   * Sends {@code request} on {@code conn} and returns the answer.
   *
   * @throws IOException the connection failed, or the app answered with {@code ResponseException}
   */
  Response call(Conn conn, Request request) throws IOException {
    AbciClient client = clients[conn.ordinal()];
    Response r;
    synchronized (client) {
      r = client.call(request);
    }
    if (r.hasException()) {
      throw new AppException(request.getValueCase() + ": " + r.getException().getError());
    }
    return r;
  }

  /** The application answered a request with {@code ResponseException} (CometBFT halts on it). */
  static final class AppException extends IOException {
    private static final long serialVersionUID = 1L;

    AppException(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    for (AbciClient c : clients) {
      if (c != null) {
        try {
          c.close();
        } catch (IOException e) {
          // closing a dead socket: nothing to do
        }
      }
    }
  }
}
