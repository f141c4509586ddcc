/**
 * The exactly-once posting protocol of a web document, written once (spec rules 2–12).
 * A flow (invoices, ...) says only what is its own: how the document is loaded and normalized,
 * which reads its checks need and how they judge them, which rows it writes and in which number
 * range. This kernel owns the rest:
 *  - ONE ERP read batch: the ledger row and every read the checks need;
 *  - the deleted-on-web path, "unchanged -> rebuild the web side", the edit policy;
 *  - ONE ERP write batch, one transaction on the server: the ledger guard (a second worker that
 *    got there first rolls this one back), the check against Mikro's own changes and the delete of
 *    an edit's old rows, the rows, the number under its lock (last, so that the lock is held for the
 *    server's own execution time only), the ledger row;
 *  - the crash test point, the web write-back and the log line.
 */
import {
  ConflictError,
  faultPoint,
  says,
  type RecordJob,
  type RecordRef,
} from '@mikrosync/core';
import {
  allocateNumber,
  batchErrorCode,
  changedRows,
  deleteLedgerRows,
  describeLedger,
  guardLedger,
  ident,
  insertLedgerRow,
  ledgerQuery,
  parseLedger,
  refuseIfChanged,
  sql,
  updateLedgerRow,
  varRef,
  WriteBatch,
  type BatchVariable,
  type LedgerEntry,
  type LedgerRow,
  type LedgerRowSource,
  type NumberRange,
  type Row,
  type Statement,
} from '@mikrosync/connectors/erp';
import type { WorkerContext } from '../context.js';
import { stampOf } from './checks.js';

/**
 * What `load` found on the web: a document to post (`skipIfNew`: unless it was posted by us, it is
 * not ours to post, and why), nothing to post (`gone`: a posted one was deleted on the web), or a
 * record this flow never posts whatever the ledger says (`done`).
 */
export type Loaded<Doc> = { doc: Doc; skipIfNew?: string } | { gone: string } | { done: string };

/** What a flow's rows are: where the ledger reads them back, and how the document is numbered. */
export interface Written {
  rows: LedgerRowSource[];
  docKind: string;
  evrakTip: number;
  /**
   * A first posting's number, allocated by the kernel after the rows are written (the lock is
   * held for the fewest statements): the range, the number asked for, and how the rows get it.
   */
  numbering?: { range: NumberRange; requested: number | null; assign(batch: WriteBatch, header: BatchVariable, number: BatchVariable): void };
  /** The flow allocated the number itself, before its rows (their columns carry it). */
  numberedByFlow?: boolean;
}

/** What the web side is rebuilt from: the ledger, or what the write batch returned. */
export type PostedDocument = Pick<LedgerEntry, 'series' | 'number' | 'headerRecno' | 'evrakTip' | 'rows' | 'docKind'>;

/** What the kernel itself uses of the worker context (a flow's own methods may use more: Ctx). */
export type PostingContext = Pick<WorkerContext, 'erp' | 'config' | 'log'>;

export interface DocumentFlow<Doc, Refs, Ctx extends PostingContext = WorkerContext> {
  table: string;
  /** The document's name in log lines ("invoice"). */
  noun: string;
  load(ctx: Ctx, id: string): Promise<Loaded<Doc>>;
  fingerprint(doc: Doc): string;
  series(doc: Doc): string;
  onEdit(ctx: Ctx): 'repost' | 'conflict';
  /** The refusal of an edit under 'conflict', when the flow words it its own way. */
  editRefused?(posted: LedgerEntry): Error;
  /** A document deleted on the web after posting: its rows are deleted, or this is the refusal. */
  onWebDelete: 'delete-rows' | ((posted: LedgerEntry) => Error);
  /** The reads the checks need, sent in the read batch after the ledger's. */
  reads(doc: Doc, ctx: Ctx): Statement[];
  /** Judges the reads (throws PermanentError); what the plan needs from Mikro. */
  check(doc: Doc, results: Row[][], ctx: Ctx): Refs | Promise<Refs>;
  /** How messages name a posted document, when not by series, number and header record number. */
  describe?(posted: PostedDocument): string;
  /** Adds the document's rows to the batch; the header's record number goes into `header`. */
  write(
    batch: WriteBatch,
    doc: Doc,
    refs: Refs,
    numbered: { series: string; number: number },
    vars: { header: BatchVariable; number: BatchVariable },
    now: { userNo: number; now: string },
    ctx: Ctx,
  ): Written;
  recordPosted(ctx: Ctx, id: string, posted: PostedDocument): Promise<void>;
  removePosted(ctx: Ctx, id: string): Promise<void>;
}

/** A second worker changed the ledger between our read batch and our write batch. */
function lostRace(err: unknown): boolean {
  const code = batchErrorCode(err);
  // read-moved: a row the checks read (a portfolio cheque) changed before the batch locked it.
  if (code === 'ledger-exists' || code === 'ledger-moved' || code === 'read-moved') return true;
  return err instanceof Error && err.message.includes('UQ_MIKROSYNC_LEDGER_WEB');
}

export function postDocument<Doc, Refs, Ctx extends PostingContext = WorkerContext>(flow: DocumentFlow<Doc, Refs, Ctx>) {
  return async function post(job: RecordJob, ctx: Ctx): Promise<string> {
    // A worker that lost the race to another one starts over: it then finds that one's ledger.
    for (let attempt = 1; ; attempt++) {
      try {
        return await postOnce(flow, job, ctx);
      } catch (err) {
        if (attempt >= 3 || !lostRace(err)) throw err;
      }
    }
  };
}

/** Runs the batch; a row Mikro changed since posting becomes the operator's ConflictError. */
async function runBatch<Doc, Refs, Ctx extends PostingContext>(
  flow: DocumentFlow<Doc, Refs, Ctx>,
  ctx: Ctx,
  batch: WriteBatch,
  posted: LedgerEntry,
  what: string,
  outcome: string,
  detail: { record: RecordRef; fix: string },
): Promise<Row[]> {
  try {
    return await ctx.erp.writeBatch(batch);
  } catch (err) {
    if (batchErrorCode(err) === 'changed-in-mikro') await refuseIfChangedInMikro(flow, ctx, posted, what, outcome, detail);
    throw err;
  }
}

/** A person's correction in Mikro wins: any row we posted that changed since is a conflict. */
async function refuseIfChangedInMikro<Doc, Refs, Ctx extends PostingContext>(flow: DocumentFlow<Doc, Refs, Ctx>, ctx: Ctx, posted: LedgerEntry, what: string, outcome: string, detail: { record: RecordRef; fix: string }): Promise<void> {
  const describe = flow.describe ?? describeLedger;
  const changed = await changedRows(ctx.erp, posted.rows);
  if (changed.length === 0) return;
  const rows = changed.map((c) => `${c.table} ${c.recno}`).join(', ');
  throw new ConflictError(`${what}, but its ERP document ${describe(posted)} was changed in Mikro since it was posted (${rows}); ${outcome}.`, {
    ...detail,
    says: says('err.changedInMikro', { document: describe(posted), rows }),
  });
}

/** Ledgers written before the write batch hold driver-formatted stamps, checked here (rare path). */
async function refuseIfOldRowsChanged<Doc, Refs, Ctx extends PostingContext>(flow: DocumentFlow<Doc, Refs, Ctx>, ctx: Ctx, posted: LedgerEntry, what: string, outcome: string, detail: { record: RecordRef; fix: string }): Promise<void> {
  if (posted.rows.some((r) => r.stamp === undefined)) await refuseIfChangedInMikro(flow, ctx, posted, what, outcome, detail);
}

async function postOnce<Doc, Refs, Ctx extends PostingContext>(flow: DocumentFlow<Doc, Refs, Ctx>, job: RecordJob, ctx: Ctx): Promise<string> {
  const { config, log } = ctx;
  const table = flow.table;
  const id = job.recordId;
  const record = { table, id };
  const describe = flow.describe ?? describeLedger;
  const loaded = await flow.load(ctx, id);
  if ('done' in loaded) return loaded.done;
  const doc = 'doc' in loaded ? loaded.doc : undefined;
  const results = await ctx.erp.readBatch([ledgerQuery(table, id), ...(doc ? flow.reads(doc, ctx) : [])]);
  const ledger = parseLedger(results[0]?.[0]);
  const posted = ledger && ledger.status === 'posted' ? ledger : undefined;

  // Gone from the web (or no longer to be posted): remove what we posted, if Mikro did not change it.
  if (!doc) {
    if (!posted) return 'gone' in loaded ? loaded.gone : '';
    if (flow.onWebDelete !== 'delete-rows') throw flow.onWebDelete(posted);
    const what = `${table} ${id} was deleted on the web`;
    const detail = { record, fix: 'delete or correct the document in Mikro by hand' };
    await refuseIfOldRowsChanged(flow, ctx, posted, what, 'nothing was deleted', detail);
    const batch = new WriteBatch();
    guardLedger(batch, table, id, posted.version);
    refuseIfChanged(batch, posted.rows);
    deleteLedgerRows(batch, posted.rows);
    updateLedgerRow(batch, undefined, { webTable: table, webId: id, fingerprint: posted.fingerprint, status: 'deleted', header: posted.headerRecno, rows: [] }, stampOf(config).now);
    await runBatch(flow, ctx, batch, posted, what, 'nothing was deleted', detail);
    await flow.removePosted(ctx, id);
    log.info({ evrak: `${posted.series}${posted.number}`, table, id, chaRecno: posted.headerRecno }, `${flow.noun} deleted in Mikro after its web deletion`);
    return `deleted ERP document ${describe(posted)}`;
  }

  if (!posted && 'skipIfNew' in loaded && loaded.skipIfNew) return loaded.skipIfNew;
  const print = flow.fingerprint(doc);
  if (posted && posted.fingerprint === print) {
    await flow.recordPosted(ctx, id, posted);
    return `already posted as ${describe(posted)}: web side rebuilt`;
  }
  if (posted && flow.onEdit(ctx) === 'conflict') {
    if (flow.editRefused) throw flow.editRefused(posted);
    throw new ConflictError(`${table} ${id} was edited on the web after it was posted to Mikro as ${describe(posted)}; this installation rejects edits.`, {
      record,
      fix: 'correct the document in Mikro by hand, or undo the edit on the web',
      says: says('err.editsRejected', { document: describe(posted) }),
    });
  }
  const refs = await flow.check(doc, results.slice(1), ctx);
  const editWhat = `${table} ${id} was edited on the web`;
  const editDetail = { record, fix: 'bring the web document and the Mikro document in line by hand, then re-enqueue' };
  if (posted) await refuseIfOldRowsChanged(flow, ctx, posted, editWhat, 'nothing was written', editDetail);

  const batch = new WriteBatch();
  const header = batch.variable('h', 'int');
  const number = batch.variable('n', 'int');
  const rowsJson = batch.variable('rows', 'text');
  guardLedger(batch, table, id, posted?.version);
  if (posted) {
    refuseIfChanged(batch, posted.rows);
    deleteLedgerRows(batch, posted.rows);
  }
  const s = stampOf(config);
  const series = posted ? posted.series : flow.series(doc);
  const written = flow.write(batch, doc, refs, { series, number: posted ? posted.number : 0 }, { header, number }, s, ctx);
  if (posted) {
    batch.set(number, sql`${posted.number}`);
    updateLedgerRow(batch, rowsJson, { webTable: table, webId: id, fingerprint: print, status: 'posted', header, rows: written.rows }, s.now);
  } else {
    // Numbered last, under the lock of its range (a re-post keeps its number).
    if (written.numbering) {
      allocateNumber(batch, number, written.numbering.range, written.numbering.requested);
      written.numbering.assign(batch, header, number);
    } else if (!written.numberedByFlow) batch.set(number, sql`${0}`);
    insertLedgerRow(batch, rowsJson, { webTable: table, webId: id, docKind: written.docKind, evrakTip: written.evrakTip, series, number, header, fingerprint: print, rows: written.rows }, s.now);
  }
  batch.result(sql`SELECT ${varRef(header)} AS ${ident('h')}, ${varRef(number)} AS ${ident('n')}, ${varRef(rowsJson)} AS ${ident('rows')}`);
  const out = posted ? await runBatch(flow, ctx, batch, posted, editWhat, 'nothing was written', editDetail) : await ctx.erp.writeBatch(batch);
  const headerRecno = Number(out[0]?.h);
  const result: PostedDocument = { series, number: posted ? posted.number : Number(out[0]?.n), headerRecno, evrakTip: written.evrakTip, docKind: written.docKind, rows: JSON.parse(String(out[0]?.rows ?? '[]')) as LedgerRow[] };
  const action = posted ? ('re-posted' as const) : ('posted' as const);

  faultPoint('crash-after-erp-commit');
  await flow.recordPosted(ctx, id, result);
  log.info({ evrak: `${result.series}${result.number}`, table, id, chaRecno: headerRecno, action }, `${flow.noun} ${action} to Mikro`);
  return `${action} as ${describe(result)}`;
}
