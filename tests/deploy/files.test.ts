/**
 * The Prometheus rules and the Grafana dashboard only use metrics the producer exposes, so they
 * cannot silently drift from the code.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const exposed = new Set(
  [...readFileSync(root('apps/producer/src/http/metrics.ts'), 'utf8').matchAll(/'(mikrosync_[a-z_]+)'/g)].map((m) => m[1]!).concat('mikrosync_job_duration_seconds'),
);
const used = (text: string) => [...text.matchAll(/\b(mikrosync_[a-z_]+?)(?:_bucket|_count|_sum)?\b/g)].map((m) => m[1]!).filter((n) => n !== 'mikrosync');

describe('deploy files', () => {
  it('alert rules parse and use exposed metrics only', () => {
    const rules = parse(readFileSync(root('deploy/prometheus/alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(3);
    for (const r of all) for (const m of used(r.expr)) expect(exposed, `${r.alert}: ${m}`).toContain(m);
  });

  it('the Grafana dashboard is valid JSON and uses exposed metrics only', () => {
    const dash = JSON.parse(readFileSync(root('deploy/grafana/mikrosync-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dash.panels.length).toBeGreaterThan(5);
    for (const p of dash.panels) for (const t of p.targets) for (const m of used(t.expr)) expect(exposed, `${p.title}: ${m}`).toContain(m);
  });
});
