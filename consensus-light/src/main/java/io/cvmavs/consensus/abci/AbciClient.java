package io.cvmavs.consensus.abci;

import io.cvmavs.consensus.proto.abci.Request;
import io.cvmavs.consensus.proto.abci.RequestFlush;
import io.cvmavs.consensus.proto.abci.Response;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * One ABCI socket connection as CometBFT's client uses it: requests are written, a {@code Flush}
 * request makes the server write its buffered responses, and responses come back in request order.
 * Not thread-safe (one connection, one caller — CometBFT likewise serialises each of its four
 * connections).
 */
public final class AbciClient implements AutoCloseable {
  private static final Request FLUSH =
      Request.newBuilder().setFlush(RequestFlush.getDefaultInstance()).build();

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final int maxFrameBytes;

  private AbciClient(Socket socket, int maxFrameBytes) throws IOException {
    this.socket = socket;
    this.maxFrameBytes = maxFrameBytes;
    socket.setTcpNoDelay(true);
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
  }

  /** Connects to an ABCI server. */
  public static AbciClient connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, 5_000);
      return new AbciClient(socket, AbciServer.Settings.DEFAULT_MAX_FRAME_BYTES);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Sends {@code request} and a flush; returns the request's response (the flush's is checked and
   * dropped).
   */
  public Response call(Request request) throws IOException {
    return callAll(List.of(request)).getFirst();
  }

  /**
   * Sends all {@code requests} then one flush, and returns their responses in order.
   *
   * @throws IOException the connection failed, or the server answered out of order
   */
  public List<Response> callAll(List<Request> requests) throws IOException {
    for (Request r : requests) {
      Frames.write(out, r);
    }
    Frames.write(out, FLUSH);
    out.flush();
    List<Response> responses = new ArrayList<>(requests.size());
    for (Request r : requests) {
      Response response = readResponse();
      if (!response.hasException() && !matches(r, response)) {
        throw new IOException(
            "ABCI server answered "
                + response.getValueCase()
                + " to "
                + r.getValueCase()
                + " (out of order)");
      }
      responses.add(response);
    }
    Response flush = readResponse();
    if (!flush.hasFlush()) {
      throw new IOException("ABCI server answered " + flush.getValueCase() + " to Flush");
    }
    return responses;
  }

  private Response readResponse() throws IOException {
    byte[] frame = Frames.read(in, maxFrameBytes);
    if (frame == null) {
      throw new IOException("ABCI server closed the connection");
    }
    return Response.parseFrom(frame);
  }

  /** Request and response oneof cases share their names (Echo/ECHO, ...). */
  private static boolean matches(Request request, Response response) {
    return request.getValueCase().name().equals(response.getValueCase().name());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
