/** Shapes of the generated Entegra table catalogue (tables.generated.ts). */
export interface EntegraColumnSpec {
  name: string;
  /** Declared SQLite type exactly as PRAGMA table_info reports it; null: a mirror-only column. */
  sqliteType: string | null;
  /** PostgreSQL type of the mirror column; null: not mirrored (delete_product). */
  pgType: string | null;
  pk?: boolean;
  /** NOT NULL in the mirror table. */
  notNull?: boolean;
  sqliteNotNull?: boolean;
  /** Declared SQLite default (SQL literal text). */
  sqliteDefault?: string;
}

export interface EntegraTableSpec {
  sqlite: string;
  /** Mirror table in the web database; null for tables that are read but not mirrored. */
  pg: string | null;
  /** Primary key column (the upsert key); null for tables without one (product_info). */
  key: string | null;
  /** Rows in the analysed production file (for realistic fixtures), when known. */
  rowCount: number | null;
  columns: readonly EntegraColumnSpec[];
}
