/**
 * The last 24 hours of a flow as a small server-rendered SVG bar chart (no script, no file from
 * another host): documents posted, dead letters, or lag per hour, from the workers' hourly rollups.
 */
import { formatClock, t, type Lang } from '@mikrosync/core';
import type { HourBucket } from '@mikrosync/connectors/queue';

export type ChartMetric = 'posted' | 'dead' | 'lag';
export const CHART_METRICS: readonly ChartMetric[] = ['posted', 'dead', 'lag'];

const COLORS: Record<ChartMetric, string> = { posted: '#2e7d32', dead: '#c62828', lag: '#ef6c00' };

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function valueOf(b: HourBucket, metric: ChartMetric): number {
  return metric === 'posted' ? b.posted : metric === 'dead' ? b.dead : Math.round(b.lagSeconds ?? 0);
}

export function renderChart(buckets: readonly HourBucket[], metric: ChartMetric, title: string, lang: Lang, timeZone: string): string {
  const W = 480;
  const H = 140;
  const top = 24;
  const bottom = 22;
  const left = 8;
  const plotH = H - top - bottom;
  const values = buckets.map((b) => valueOf(b, metric));
  const max = Math.max(1, ...values);
  const bw = (W - 2 * left) / Math.max(1, buckets.length);
  const bars = buckets
    .map((b, i) => {
      const v = values[i]!;
      const h = Math.round((v / max) * plotH);
      const x = (left + i * bw + 1).toFixed(1);
      return `<rect x="${x}" y="${top + plotH - h}" width="${(bw - 2).toFixed(1)}" height="${h}" fill="${COLORS[metric]}"><title>${escapeXml(`${formatClock(b.hour, timeZone)}: ${v}`)}</title></rect>`;
    })
    .join('');
  const total = metric === 'lag' ? '' : ` · ${values.reduce((a, b) => a + b, 0)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(title)}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(title)}</title>`,
    `<text x="${left}" y="14" font-weight="bold">${escapeXml(title + total)}</text>`,
    `<text x="${W - left}" y="14" text-anchor="end">max ${max}</text>`,
    `<line x1="${left}" y1="${top + plotH + 0.5}" x2="${W - left}" y2="${top + plotH + 0.5}" stroke="#999"/>`,
    bars,
    `<text x="${left}" y="${H - 6}">${escapeXml(t(lang, 'chart.hoursAgo', { hours: buckets.length }))}</text>`,
    `<text x="${W - left}" y="${H - 6}" text-anchor="end">${escapeXml(t(lang, 'chart.now'))}</text>`,
    '</svg>',
  ].join('');
}
