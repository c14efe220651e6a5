package io.cvmavs.storage.group;

/** A block-group file that does not follow docs/STORAGE.md; the message names the field. */
public final class GroupFormatException extends RuntimeException {
  public GroupFormatException(String message) {
    super(message);
  }
}
