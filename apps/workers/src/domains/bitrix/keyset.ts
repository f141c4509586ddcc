/**
 * The keyset walk over a list method (spec §1.6, §1.7): `order {ID: ASC}`, `filter {">ID": last}`,
 * `start: -1` (no counting), pages of 50 until a short page. Pages travel in `batch` requests
 * whose sub-calls are chained (`filter[>ID]=$result[p0][49][ID]`), so one HTTP request brings up
 * to 50 pages. The chain grows 2, 4, 8 ... up to BITRIX_BATCH_CALLS, so a walk that ends after a
 * few pages does not spend 50 sub-calls of the method's time budget.
 */
import { BITRIX_PAGE_SIZE, type BitrixIncrementalEntity } from '@mikrosync/mappers';
import { bitrixBatchCommand, bitrixBatchRef, bitrixSubCallError, type BitrixBatchRef, type BitrixClient } from '@mikrosync/connectors/bitrix';

export type Rec = Record<string, unknown>;

/** Rows of a list answer: `[...]`, or `{tasks: [...]}` for tasks (PHP may send [] for empty). */
export function rowsOf(e: BitrixIncrementalEntity, result: unknown): Rec[] {
  const value = e.rowsKey ? (result as Record<string, unknown> | undefined)?.[e.rowsKey] : result;
  return Array.isArray(value) ? (value as Rec[]) : [];
}

export function lastIdOf(e: BitrixIncrementalEntity, pages: Rec[][]): number {
  const rows = pages[pages.length - 1]!;
  const id = Number(rows[rows.length - 1]?.[e.idKey]);
  if (!Number.isSafeInteger(id)) throw new Error(`Bitrix24 ${e.method} returned a row without a numeric ${e.idKey}: the keyset walk cannot continue`);
  return id;
}

/** List parameters of one page: the caller's filter plus the keyset condition. */
export function pageParams(e: BitrixIncrementalEntity, filter: Rec, cursor: number | BitrixBatchRef, select: string[]): Rec {
  const f: Rec = { ...filter };
  if (typeof cursor !== 'number' || cursor > 0) f[`>${e.idFilter}`] = cursor;
  return { order: { [e.idFilter]: 'ASC' }, filter: f, select, start: -1 };
}

export interface KeysetWalk {
  client: BitrixClient;
  entity: BitrixIncrementalEntity;
  filter: Rec;
  select: string[];
  /** Last id already committed (0 = from the start). */
  cursor: number;
  batchCalls: number;
  signal: AbortSignal;
  /** Called with each group of pages, in order; `complete` when the group ends the walk. */
  onPages(pages: Rec[][], complete: boolean): Promise<void>;
  /** Chain length of the first request (the probe already fetched one page: start at 2). */
  firstChain?: number;
}

/** Walks to the end, or until the signal stops it between requests. */
export async function walkKeyset(w: KeysetWalk): Promise<'complete' | 'stopped'> {
  const { client, entity: e } = w;
  const path = e.rowsKey ? [e.rowsKey] : [];
  let cursor = w.cursor;
  let n = Math.max(1, Math.min(w.firstChain ?? 1, w.batchCalls));
  for (let first = true; ; first = false) {
    if (w.signal.aborted) return 'stopped';
    if (!first) n = Math.min(n * 2, w.batchCalls);
    const cmd: Record<string, string> = {};
    for (let i = 0; i < n; i++) {
      const from = i === 0 ? cursor : bitrixBatchRef(`p${i - 1}`, ...path, BITRIX_PAGE_SIZE - 1, e.idKey);
      cmd[`p${i}`] = bitrixBatchCommand(e.method, pageParams(e, w.filter, from, w.select));
    }
    const answer = await client.batch(cmd, { signal: w.signal });
    const pages: Rec[][] = [];
    let error: Error | undefined;
    for (let i = 0; i < n; i++) {
      const key = `p${i}`;
      const err = answer.errors[key];
      if (err) {
        error = bitrixSubCallError(client.portal, e.method, err);
        break;
      }
      const rows = rowsOf(e, answer.result[key]);
      pages.push(rows);
      // Sub-calls after a short page referenced a row that does not exist: their answers are void.
      if (rows.length < BITRIX_PAGE_SIZE) break;
    }
    if (pages.length) {
      const complete = pages[pages.length - 1]!.length < BITRIX_PAGE_SIZE;
      if (!complete) cursor = lastIdOf(e, pages);
      await w.onPages(pages, complete);
      if (complete) return 'complete';
    }
    if (error) throw error;
  }
}
