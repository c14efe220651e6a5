package io.cvmavs.cvm.http;

import java.util.List;

/**
 * A request refused with an HTTP status; becomes {@code {"error", "field", "reason"[,
 * "problems"]}}.
 *
 * @param field the request part at fault (a parameter, body field, header), or null
 */
final class HttpError extends RuntimeException {
  final int status;
  final String field;
  final String reason;
  final List<String> problems;

  HttpError(int status, String error, String field, String reason, List<String> problems) {
    super(error);
    this.status = status;
    this.field = field;
    this.reason = reason;
    this.problems = problems;
  }

  HttpError(int status, String error, String field, String reason) {
    this(status, error, field, reason, List.of());
  }
}
