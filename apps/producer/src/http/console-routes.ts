/**
 * The operations console's own routes: the document tracker, fixing a missing mapping in place
 * (candidates from the ERP -> Web mirror, the mapping written, the dead letter re-enqueued, one
 * audit entry), the 24-hour charts as SVG and the printable daily summary.
 */
import express, { type Router } from 'express';
import { MAPPING_KINDS, DOMAINS, queueForDomain, t, type Domain, type MappingKind } from '@mikrosync/core';
import type { ErpClient } from '@mikrosync/connectors/erp';
import { mappingCandidates, mappingWebLabel, recordAudit, writeMapping } from '@mikrosync/connectors/web';
import { DeadLetterQueue, readHourly } from '@mikrosync/connectors/queue';
import { requeueDeadLetter } from '../dlq-actions.js';
import { CHART_METRICS, renderChart, type ChartMetric } from '../console/chart.js';
import { summaryData, summaryHtml } from '../console/summary.js';
import { track } from '../console/track.js';
import { recordOfDeadLetterId, recordView } from '../console/views.js';
import { answer, operatorOf, pageLang, readers, writeGuard, type OpsDeps } from './ops-routes.js';
import { describeRecords } from '@mikrosync/connectors/web';

const kindOf = (v: unknown): MappingKind | undefined => ((MAPPING_KINDS as readonly string[]).includes(String(v)) ? (v as MappingKind) : undefined);

export function consoleRouter(d: OpsDeps & { erp: ErpClient }): Router {
  const r = express.Router();
  const read = readers(d);
  const dlq = new DeadLetterQueue(d.queues);

  r.get('/api/track', read, async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    res.json(await track(d, q, pageLang(req)));
  });

  r.get('/api/mappings/:kind/candidates', read, async (req, res) => {
    const kind = kindOf(req.params.kind);
    if (!kind) return void res.status(404).json({ ok: false, message: t(pageLang(req), 'api.notFound') });
    const q = typeof req.query.q === 'string' ? req.query.q.slice(0, 100) : '';
    res.json({ items: await mappingCandidates(d.web, kind, q) });
  });

  r.post(
    '/api/mappings/:kind',
    ...writeGuard(d),
    answer(d, 'map', async (req, lang) => {
      const kind = kindOf(req.params.kind);
      if (!kind) return { status: 404, ok: false, message: t(lang, 'api.notFound') };
      const body = (req.body ?? {}) as { webCode?: unknown; erpCode?: unknown; deadLetter?: { queue?: unknown; jobId?: unknown } };
      const webCode = typeof body.webCode === 'string' ? body.webCode : '';
      const erpCode = typeof body.erpCode === 'string' || typeof body.erpCode === 'number' ? String(body.erpCode).trim() : '';
      if (!webCode || !erpCode) return { ok: false, message: t(lang, 'api.badRequest', { detail: 'webCode, erpCode' }) };
      const kindLabel = t(lang, `mapping.${kind}`);
      const web = (await mappingWebLabel(d.web, kind, webCode)) ?? webCode;
      const by = operatorOf(d, req);
      const written = await writeMapping(d.web, kind, webCode, erpCode, `status page: ${by.actor}`);
      if (!written.ok) {
        if (written.reason === 'unknownWeb') return { status: 404, ok: false, message: t(lang, 'api.notFound') };
        return { status: 409, ok: false, message: t(lang, 'api.unknownErpCode', { kind: kindLabel, code: erpCode }) };
      }
      const erp = `${erpCode} ${written.name}`.trim();
      const dl = body.deadLetter;
      let requeued: string | undefined;
      let target = `${kind}:${webCode}`;
      if (dl && typeof dl.queue === 'string' && typeof dl.jobId === 'string') {
        target = `${dl.queue}__${dl.jobId}`;
        // One audit entry for the whole action: the re-enqueue is part of it.
        requeued = await requeueDeadLetter(dlq, d.web, d.log, target, by, { audit: false });
      }
      await recordAudit(d.web, { actor: by.actor, action: 'map', target, details: { kind, webCode, erpCode, requeued: requeued ?? null }, sourceIp: by.sourceIp });
      d.log.info({ actor: by.actor, action: 'map', kind, webCode, erpCode, requeued }, 'operator action');
      if (!requeued) return { ok: true, message: t(lang, 'api.mapped', { kind: kindLabel, web, erp }), result: { kind, webCode, erpCode } };
      const ref = recordOfDeadLetterId(target);
      const facts = ref ? await describeRecords(d.web, [ref]).catch(() => new Map()) : new Map();
      const label = ref ? recordView(ref, facts.get(`${ref.table}:${ref.id}`), lang, d.config.erp.timeZone).label : target;
      return { ok: true, message: t(lang, 'api.mappedRequeued', { kind: kindLabel, web, erp, target: label }), result: { kind, webCode, erpCode, requeued } };
    }),
  );

  r.get('/api/flows/:flow/chart.svg', read, async (req, res) => {
    const lang = pageLang(req);
    const flow = String(req.params.flow);
    const metric = (CHART_METRICS as readonly string[]).includes(String(req.query.metric)) ? (req.query.metric as ChartMetric) : 'posted';
    if (!(DOMAINS as readonly string[]).includes(flow)) return void res.status(404).json({ ok: false, message: t(lang, 'api.notFound') });
    const buckets = await readHourly(d.queues.connection, d.config.redis.prefix, queueForDomain(flow as Domain), 24);
    res.setHeader('Cache-Control', 'no-store');
    res.type('image/svg+xml').send(renderChart(buckets, metric, t(lang, `chart.${metric}`), lang, d.config.erp.timeZone));
  });

  r.get('/summary', read, async (req, res) => {
    const lang = pageLang(req);
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(summaryHtml(await summaryData(d, lang), lang));
  });
  return r;
}
