/**
 * The portal's clock (spec §1.3, §1.11, §5). A watermark is the portal's own "now" at the start of
 * a walk (`time.date_start` of the first answer), never our clock and never the largest change
 * time seen. Filters are sent as portal-local wall-clock time without an offset, which every
 * method accepts; the overlap makes a misread zone cost duplicates, never gaps.
 */

export interface BitrixPortalClock {
  /** Milliseconds since the epoch. */
  epochMs: number;
  /** The portal's UTC offset as "+03:00"; undefined when the answer did not say. */
  offset: string | undefined;
}

const DATE_START = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?([+-]\d{2}:\d{2}|Z)$/;

/** Reads the portal clock from a response's `time` block (every key is optional). */
export function bitrixPortalClock(time: unknown): BitrixPortalClock | undefined {
  if (typeof time !== 'object' || time === null) return undefined;
  const t = time as { date_start?: unknown; start?: unknown };
  if (typeof t.date_start === 'string') {
    const m = DATE_START.exec(t.date_start);
    const ms = Date.parse(t.date_start);
    if (m && !Number.isNaN(ms)) {
      // date_start has whole seconds; `start` has the fraction: keep the earlier of the two readings.
      const precise = typeof t.start === 'number' && Math.abs(t.start * 1000 - ms) < 2000 ? Math.min(ms, Math.floor(t.start * 1000)) : ms;
      return { epochMs: precise, offset: m[2] === 'Z' ? '+00:00' : m[2] };
    }
  }
  if (typeof t.start === 'number' && Number.isFinite(t.start)) return { epochMs: Math.floor(t.start * 1000), offset: undefined };
  return undefined;
}

function offsetMinutes(offset: string): number {
  const m = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "YYYY-MM-DDTHH:MM:SS" as the portal's wall clock shows the instant. */
export function portalLocal(epochMs: number, offset: string): string {
  const d = new Date(epochMs + offsetMinutes(offset) * 60_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/**
 * The value of a `>=CHANGE_FIELD` filter for a watermark: watermark minus the overlap, rounded
 * down to the second (Bitrix times have whole seconds), in portal-local time when the offset is
 * known, else in UTC with an explicit offset.
 */
export function changeFilterValue(watermarkMs: number, overlapSeconds: number, offset: string | undefined): string {
  const at = Math.floor((watermarkMs - overlapSeconds * 1000) / 1000) * 1000;
  return offset ? portalLocal(at, offset) : `${portalLocal(at, '+00:00')}+00:00`;
}
