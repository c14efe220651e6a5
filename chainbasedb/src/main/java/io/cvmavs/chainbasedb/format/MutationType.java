package io.cvmavs.chainbasedb.format;

/**
 * The {@code type} field: one of the seed's mutation types, or {@code GROUP} (a MutationGroup:
 * several typed payloads under one signature and one nonce, applied all or nothing). Encoded as a
 * Parquet ENUM (the name as a UTF-8 BYTE_ARRAY).
 */
public enum MutationType {
  GROUP(Category.GROUP),
  CREATE_DATABASE(Category.DDL),
  CREATE_EXTERNAL(Category.DDL),
  CREATE_COLLECTION(Category.DDL),
  ADD_DATABASE_MEMBER(Category.DDL),
  ADD_DOCUMENTS(Category.DML),
  DELETE_DOCUMENTS(Category.DML),
  UPDATE_DOCUMENTS(Category.DML),
  DEPOSIT(Category.BALANCE),
  WITHDRAWAL(Category.BALANCE);

  /** The seed's three families, plus the group envelope. */
  public enum Category {
    GROUP,
    DDL,
    DML,
    BALANCE
  }

  private final Category category;

  MutationType(Category category) {
    this.category = category;
  }

  public Category category() {
    return category;
  }

  public static MutationType parse(String name, String field) {
    for (MutationType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new UnsupportedValueException(field, "unknown mutation type '" + name + "'");
  }
}
