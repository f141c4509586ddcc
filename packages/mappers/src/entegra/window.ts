/**
 * The run's window (spec entegra.md 5.1, made correct): the first run of a local calendar day
 * re-reads the rows changed in the last month, later runs of that day the last 3 days. "Day" is the
 * Entegra host's local day (Europe/Istanbul by default), stored explicitly in sync_state instead of
 * the original's JSON file and host clock. Entegra stores naive local 'YYYY-MM-DD HH:MM:SS' text,
 * so the cut-off is a local date compared as text: '2026-05-11' <= '2026-05-11 00:00:00'.
 */
export type RunKind = 'month' | 'days3';

export interface RunWindow {
  kind: RunKind;
  /** True when no run has finished yet on this local day. */
  firstOfDay: boolean;
  /** Today's local date, 'YYYY-MM-DD'. */
  localDate: string;
  /** Local date from which rows count as changed, 'YYYY-MM-DD' (inclusive, from 00:00). */
  since: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date of `now` in `timeZone`, 'YYYY-MM-DD'. */
export function localDateIn(now: Date, timeZone: string): string {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(now)) parts[p.type] = p.value;
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function ymd(date: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fmt(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The same day one month earlier, clamped to the last day of that month (03-31 -> 02-28/29). */
export function oneMonthBefore(date: string): string {
  const [y, m, d] = ymd(date);
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  const last = new Date(Date.UTC(py, pm, 0)).getUTCDate();
  return fmt(py, pm, Math.min(d, last));
}

export function daysBefore(date: string, days: number): string {
  const [y, m, d] = ymd(date);
  const t = new Date(Date.UTC(y, m - 1, d - days));
  return fmt(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The window of a run at `now`, given the local date of the last finished run (null: none yet). */
export function runWindow(now: Date, timeZone: string, lastRunLocalDate: string | null): RunWindow {
  const localDate = localDateIn(now, timeZone);
  const firstOfDay = lastRunLocalDate !== localDate;
  return firstOfDay
    ? { kind: 'month', firstOfDay, localDate, since: oneMonthBefore(localDate) }
    : { kind: 'days3', firstOfDay, localDate, since: daysBefore(localDate, 3) };
}
