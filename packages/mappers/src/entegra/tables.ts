/**
 * Which Entegra tables are mirrored, in which order, and how each one finds its changed rows
 * (spec entegra.md sections 3 and 5, made correct; see docs/flows/entegra.md for the decisions).
 */
import { ENTEGRA_TABLE_SPECS, type EntegraSqliteTable } from './tables.generated.js';
import type { EntegraTableSpec } from './table-types.js';

/**
 * - window: rows whose change columns fall inside the run's window, plus every id above the
 *   watermark (new rows), plus extra ids the run adds (cancelled orders whose mirror disagrees).
 * - order-lines: the lines of the orders the same run selects, plus new line ids; lines of those
 *   orders that Entegra no longer has are removed from the mirror.
 * - full: no change column: the whole table every run, merged as a difference (inserts, updates and
 *   deletions), so edits and deletions always arrive.
 * - replace: no key (product_info): the whole table replaces the mirror in the run's transaction.
 */
export type MirrorStrategy =
  | { kind: 'window'; changeColumns: readonly string[]; optionalChangeColumns?: readonly string[] }
  | { kind: 'order-lines'; orderKey: string }
  | { kind: 'full' }
  | { kind: 'replace' };

export interface MirrorTable {
  spec: EntegraTableSpec;
  sqlite: string;
  pg: string;
  key: string | null;
  strategy: MirrorStrategy;
  /**
   * A whole-table read whose content digest equals the last run's (and whose mirror row count still
   * matches) skips the web write. product_quantity never skips: it is refreshed every run.
   */
  skipWhenUnchanged: boolean;
}

function table(name: EntegraSqliteTable, strategy: MirrorStrategy, skipWhenUnchanged = false): MirrorTable {
  const spec = ENTEGRA_TABLE_SPECS[name] as EntegraTableSpec;
  if (!spec.pg) throw new Error(`${name} has no mirror table`);
  return { spec, sqlite: spec.sqlite, pg: spec.pg, key: spec.key, strategy, skipWhenUnchanged };
}

/** Mirrored tables in run order (the original's order; orders before their lines). */
export const MIRROR_TABLES: readonly MirrorTable[] = [
  table('order', { kind: 'window', changeColumns: ['date_change', 'date_add'] }),
  table('order_status', { kind: 'full' }, true),
  table('order_product', { kind: 'order-lines', orderKey: 'order_id' }),
  table('pictures', { kind: 'full' }, true),
  table('product_quantity', { kind: 'full' }, false),
  table('product_prices', { kind: 'full' }, true),
  table('product', { kind: 'window', changeColumns: ['date_change', 'date_add'] }),
  table('product_info', { kind: 'replace' }, true),
  table('messages', { kind: 'window', changeColumns: ['date', 'date_add'] }),
  table('message_template', { kind: 'full' }, true),
  // Only `id` of customer is known from the sources; date_add is used when the file has it.
  table('customer', { kind: 'window', changeColumns: [], optionalChangeColumns: ['date_add'] }),
  table('brand', { kind: 'full' }, true),
  table('category', { kind: 'full' }, true),
  table('category2', { kind: 'full' }, true),
  table('product_description', { kind: 'full' }, true),
];

export function mirrorTable(sqliteName: string): MirrorTable {
  const t = MIRROR_TABLES.find((m) => m.sqlite === sqliteName);
  if (!t) throw new Error(`unknown Entegra table ${sqliteName}`);
  return t;
}

/** The Entegra log of deleted products: read to describe deletions, never written. */
export const DELETE_PRODUCT_SPEC = ENTEGRA_TABLE_SPECS.delete_product as EntegraTableSpec;
/** Marks delete_product rows written by Entegra's pictures_delete trigger (not product deletions). */
export const PICTURE_DELETE_MARK = 'deleteCdnPicture';
/** order.status of a cancelled order (text). */
export const CANCELLED_ORDER_STATUS = '9';
/** The mirror's log of products deleted in Entegra. */
export const PRODUCT_DELETE_LOG = 'entegra_product_delete';
