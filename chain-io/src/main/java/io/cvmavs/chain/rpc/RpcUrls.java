package io.cvmavs.chain.rpc;

/** JSON-RPC endpoint URLs as they may be shown. */
public final class RpcUrls {
  private RpcUrls() {}

  /**
   * A URL for logs, messages and printouts, with what hosted RPC providers put secrets in hidden:
   * credentials ({@code user:pass@}), the query and fragment ({@code ?apikey=…}), and API keys
   * carried as a path segment (Infura {@code /v3/KEY}, Alchemy {@code /v2/KEY}, QuickNode and
   * others {@code /TOKEN/}): any segment of {@value #KEY_LENGTH} or more letters, digits, {@code -}
   * and {@code _} that holds a digit becomes {@code ***}. The scheme, host, port and short path
   * segments ({@code /v3}, {@code /rpc}) stay, so the log still says which endpoint it was.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String out = url;
    int cut = indexOfAny(out, '?', '#');
    String tail = "";
    if (cut >= 0) {
      tail = out.charAt(cut) + "***";
      out = out.substring(0, cut);
    }
    int scheme = out.indexOf("://");
    int authorityStart = scheme < 0 ? 0 : scheme + 3;
    int pathStart = out.indexOf('/', authorityStart);
    String authority =
        pathStart < 0 ? out.substring(authorityStart) : out.substring(authorityStart, pathStart);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = "***@" + authority.substring(at + 1);
    }
    StringBuilder redacted = new StringBuilder(out.substring(0, authorityStart)).append(authority);
    if (pathStart >= 0) {
      String[] segments = out.substring(pathStart + 1).split("/", -1);
      for (String segment : segments) {
        redacted.append('/').append(looksLikeKey(segment) ? "***" : segment);
      }
    }
    return redacted.append(tail).toString();
  }

  /** Shortest path segment {@link #redact} takes for an API key. */
  public static final int KEY_LENGTH = 16;

  private static boolean looksLikeKey(String segment) {
    return segment.length() >= KEY_LENGTH
        && segment.matches("[A-Za-z0-9_-]+")
        && segment.chars().anyMatch(Character::isDigit);
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
