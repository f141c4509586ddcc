/**
 * Phase 1 of a run for one table: read the selected SQLite rows page by page, encode them (bad
 * values stop the run before anything is merged) and COPY them into a staging table, or straight
 * into the mirror table when it is empty. A whole table that may be skipped is first digested by
 * SQLite itself: when the digest equals the last run's and the mirror still has as many rows,
 * nothing is read into JavaScript and nothing is written.
 */
import {
  createStage,
  openCopy,
  type CopySink,
  type EntegraReader,
  type EntegraSelection,
  type MirrorStat,
  type ReadPlan,
  type WebClient,
} from '@mikrosync/connectors/entegra';
import { rowEncoder, valueKind, type ColumnPlan, type MirrorTable } from '@mikrosync/mappers';

/** Cells per SQLite page (about 650 orders or 210 products): each page is one short read. */
const PAGE_CELLS = 100_000;

/** Thrown when SIGTERM interrupts a run: the transaction rolls back, the next run repeats it. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
}

/** copied: COPYed into the empty mirror table; unchanged: nothing to write; staged: to be merged. */
export type StagedMode = 'copied' | 'unchanged' | 'staged';

export interface StagedTable {
  table: MirrorTable;
  plan: ColumnPlan;
  selection: EntegraSelection;
  mode: StagedMode;
  stage: string | null;
  read: number;
  /** Rows COPYed into an empty mirror table. */
  copied: number;
  maxKey: number | null;
  /** Keys of the rows read, when asked for (orders: their lines are read next). */
  keys: number[] | null;
  /** Digest of the content read (tables that may skip an unchanged read), else null. */
  digest: string | null;
  /** Time spent reading, encoding and copying. */
  ms: number;
}

export interface StageInput {
  client: WebClient;
  reader: EntegraReader;
  source: string;
  table: MirrorTable;
  plan: ColumnPlan;
  selection: EntegraSelection;
  stat: MirrorStat;
  /** True when an unchanged whole-table read may skip the write. */
  maySkip: boolean;
  previousDigest: string | null;
  collectKeys?: boolean;
  /** The rows to read, when the caller resolved the selection itself. */
  readPlan?: ReadPlan;
  progress: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export async function stageTable(i: StageInput): Promise<StagedTable> {
  const started = performance.now();
  const columns = i.plan.columns.map((c) => c.name);
  const keyIndex = i.plan.keyIndex;
  const base = { table: i.table, plan: i.plan, selection: i.selection, stage: null, copied: 0, maxKey: null, keys: null };

  let digest: string | null = null;
  if (i.maySkip) {
    const d = await i.reader.digest(i.table.sqlite, i.plan.columns.map((c) => ({ name: c.name, real: valueKind(c.pgType) === 'float' })));
    digest = d?.digest ?? null;
    if (d && !i.stat.empty && d.digest === i.previousDigest && i.stat.rows === d.rows) {
      i.progress(d.rows, d.rows);
      return { ...base, mode: 'unchanged', read: d.rows, digest, ms: performance.now() - started };
    }
  }

  const encode = rowEncoder({ table: i.table.sqlite, source: i.source, columns: i.plan.columns, keyIndex });
  const readPlan = i.readPlan ?? (await i.reader.plan(i.table.sqlite, i.selection));
  const pageRows = Math.max(50, Math.floor(PAGE_CELLS / columns.length));
  let mode: StagedMode = 'staged';
  let stage: string | null = null;
  if (i.stat.empty) mode = 'copied';
  else stage = await createStage(i.client, i.table.pg, columns);
  const sink: CopySink = openCopy(i.client, stage ?? i.table.pg, columns);

  let read = 0;
  let maxKey: number | null = null;
  const keys: number[] | null = i.collectKeys ? [] : null;
  try {
    for await (const page of i.reader.pages(readPlan, columns, pageRows)) {
      const chunk = page.map(encode).join('');
      if (keyIndex !== null) {
        for (const row of page) {
          const k = Number(row[keyIndex]);
          if (maxKey === null || k > maxKey) maxKey = k;
          keys?.push(k);
        }
      }
      read += page.length;
      await sink.write(chunk);
      i.progress(read, readPlan.total);
    }
    if (i.signal?.aborted) throw new RunInterrupted('stopped by shutdown before the commit');
    const n = await sink.end();
    return { ...base, mode, stage, read, copied: mode === 'copied' ? n : 0, maxKey, keys, digest, ms: performance.now() - started };
  } catch (err) {
    await sink.abort(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
