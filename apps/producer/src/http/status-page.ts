/**
 * The operators' status page: one self-contained HTML document (no external assets: the shop's
 * network may not reach a CDN). It polls /api/status every few seconds; Turkish or English by the
 * browser's language, with a switch.
 */
const TEXTS = {
  tr: {
    title: 'mikrosync durum', flows: 'Akışlar', flow: 'Akış', health: 'Durum', lastRun: 'Son çalışma', duration: 'Süre',
    rows: 'Satır', staleness: 'Gecikme', queue: 'Kuyruk', workers: 'İşçi', dead: 'Hatalı', actions: 'İşlem', runNow: 'Şimdi çalıştır',
    pause: 'Duraklat', resume: 'Devam', deadLetters: 'Hatalı işler (dead-letter)', reason: 'Neden', record: 'Kayıt', when: 'Zaman',
    requeue: 'Yeniden kuyruğa al', discard: 'Sil', none: 'Hatalı iş yok', audit: 'İşlem geçmişi', who: 'Kim', action: 'İşlem',
    green: 'iyi', amber: 'dikkat', red: 'hata', never: 'hiç', updated: 'Güncellendi', confirmDiscard: 'Bu hatalı iş silinsin mi?',
    paused: 'duraklatıldı', error: 'Hata',
    waiting: '{dep} bekleniyor, başlangıç {since}, kuyrukta {n} belge (hata değil: bağlantı gelince işlenir)', 'dep.erp': 'ERP', 'dep.web': 'Web veritabanı',
    'flow.sales': 'Satışlar', 'flow.purchases': 'Alışlar', 'flow.returns': 'İadeler', 'flow.collections': 'Tahsilat / tediye',
    'flow.stock': 'Stok kartları (web → ERP)', 'flow.catalog': 'Katalog (ERP → web)', 'flow.entegra': 'Entegra', 'flow.xml': 'Stok XML', 'flow.bitrix': 'Bitrix24',
  },
  en: {
    title: 'mikrosync status', flows: 'Flows', flow: 'Flow', health: 'Health', lastRun: 'Last run', duration: 'Duration',
    rows: 'Rows', staleness: 'Staleness', queue: 'Queue', workers: 'Workers', dead: 'Dead', actions: 'Actions', runNow: 'Run now',
    pause: 'Pause', resume: 'Resume', deadLetters: 'Dead-letter queue', reason: 'Reason', record: 'Record', when: 'When',
    requeue: 'Re-enqueue', discard: 'Discard', none: 'No dead letters', audit: 'Audit log', who: 'Who', action: 'Action',
    green: 'ok', amber: 'attention', red: 'failing', never: 'never', updated: 'Updated', confirmDiscard: 'Discard this dead letter?',
    paused: 'paused', error: 'Error',
    waiting: 'Waiting for {dep} since {since}, {n} documents queued (not failed: posted when it answers)', 'dep.erp': 'the ERP', 'dep.web': 'the web database',
    'flow.sales': 'Sales', 'flow.purchases': 'Purchases', 'flow.returns': 'Returns', 'flow.collections': 'Collections / payments',
    'flow.stock': 'Stock cards (web → ERP)', 'flow.catalog': 'Catalog (ERP → web)', 'flow.entegra': 'Entegra', 'flow.xml': 'Stock XML', 'flow.bitrix': 'Bitrix24',
  },
};

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="tr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mikrosync</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1d2330; }
  header { display: flex; align-items: center; justify-content: space-between; padding: 12px 20px; background: #1d2330; color: #fff; }
  header h1 { font-size: 18px; margin: 0; }
  main { padding: 16px 20px; }
  table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 24px; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #e3e6eb; vertical-align: top; }
  th { background: #eef0f4; font-weight: 600; }
  .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; color: #fff; font-weight: 600; }
  .green { background: #1f9d55; } .amber { background: #d69e2e; } .red { background: #c53030; }
  button { cursor: pointer; border: 1px solid #aab; background: #fff; border-radius: 4px; padding: 3px 8px; margin-right: 4px; }
  .reason { max-width: 560px; white-space: pre-wrap; word-break: break-word; }
  #lang button.active { background: #4a5568; color: #fff; }
  .muted { color: #718096; }
  .outage { background: #fefcbf; border: 1px solid #d69e2e; padding: 8px 12px; margin-bottom: 12px; font-weight: 600; }
</style>
</head>
<body>
<header><h1 id="title"></h1><div><span id="updated" class="muted"></span> <span id="lang"><button data-lang="tr">TR</button><button data-lang="en">EN</button></span></div></header>
<main>
<div id="outages"></div>
<h2 id="h-flows"></h2>
<table id="flows"><thead></thead><tbody></tbody></table>
<h2 id="h-dead"></h2>
<table id="dead"><thead></thead><tbody></tbody></table>
<h2 id="h-audit"></h2>
<table id="audit"><thead></thead><tbody></tbody></table>
</main>
<script>
const TEXTS = ${JSON.stringify(TEXTS)};
let lang = localStorage.getItem('mikrosync.lang') || ((navigator.language || 'tr').toLowerCase().startsWith('tr') ? 'tr' : 'en');
const t = (k) => TEXTS[lang][k] || k;
const esc = (v) => String(v == null ? '' : v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const ago = (s) => s == null ? t('never') : s < 90 ? Math.round(s) + ' s' : s < 5400 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h';
const when = (iso) => iso ? new Date(iso).toLocaleString(lang === 'tr' ? 'tr-TR' : 'en-GB') : t('never');
async function post(path) {
  const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  if (!res.ok) alert(t('error') + ': ' + (await res.text()));
  await refresh();
}
function header(id, cols) { document.querySelector('#' + id + ' thead').innerHTML = '<tr>' + cols.map((c) => '<th>' + esc(t(c)) + '</th>').join('') + '</tr>'; }
function render(s) {
  document.documentElement.lang = lang;
  document.getElementById('title').textContent = t('title');
  document.getElementById('h-flows').textContent = t('flows');
  document.getElementById('h-dead').textContent = t('deadLetters');
  document.getElementById('h-audit').textContent = t('audit');
  document.getElementById('updated').textContent = t('updated') + ': ' + when(s.generatedAt);
  document.querySelectorAll('#lang button').forEach((b) => b.classList.toggle('active', b.dataset.lang === lang));
  const hhmm = (iso) => new Date(iso).toLocaleTimeString(lang === 'tr' ? 'tr-TR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
  document.getElementById('outages').innerHTML = (s.outages || []).map((o) =>
    '<div class="outage" data-outage="' + esc(o.dependency) + '">' + esc(t('waiting').replace('{dep}', t('dep.' + o.dependency)).replace('{since}', hhmm(o.since)).replace('{n}', o.queued)) + '</div>').join('');
  header('flows', ['flow', 'health', 'lastRun', 'duration', 'rows', 'staleness', 'queue', 'workers', 'dead', 'actions']);
  document.querySelector('#flows tbody').innerHTML = s.flows.map((f) => {
    const rows = f.lastRun && f.lastRun.rows ? Object.entries(f.lastRun.rows).map(([k, v]) => esc(k) + ': ' + esc(v)).join(', ') : '';
    const q = f.queue.waiting + ' / ' + f.queue.active + ' / ' + f.queue.delayed + (f.queue.paused ? ' (' + t('paused') + ')' : '');
    return '<tr data-flow="' + esc(f.flow) + '" data-health="' + esc(f.health) + '">' +
      '<td>' + esc(t('flow.' + f.flow)) + '</td>' +
      '<td><span class="badge ' + esc(f.health) + '" title="' + esc(f.reasons.join(', ')) + '">' + esc(t(f.health)) + '</span></td>' +
      '<td>' + esc(when(f.lastRun && (f.lastRun.finishedAt || f.lastRun.startedAt))) + (f.lastRun && f.lastRun.error ? '<div class="reason muted">' + esc(f.lastRun.error) + '</div>' : '') + '</td>' +
      '<td>' + (f.lastRun && f.lastRun.durationMs != null ? esc((f.lastRun.durationMs / 1000).toFixed(1) + ' s') : '') + '</td>' +
      '<td>' + rows + '</td>' +
      '<td>' + esc(ago(f.stalenessSeconds)) + '</td>' +
      '<td>' + esc(q) + '</td><td>' + esc(f.queue.workers) + '</td><td>' + esc(f.deadLetters) + '</td>' +
      '<td><button data-run="' + esc(f.flow) + '">' + esc(t('runNow')) + '</button>' +
      (f.queue.paused ? '<button data-resume="' + esc(f.flow) + '">' + esc(t('resume')) + '</button>' : '<button data-pause="' + esc(f.flow) + '">' + esc(t('pause')) + '</button>') + '</td></tr>';
  }).join('');
  header('dead', ['when', 'flow', 'record', 'reason', 'actions']);
  document.querySelector('#dead tbody').innerHTML = s.deadLetters.length ? s.deadLetters.map((d) =>
    '<tr data-dead="' + esc(d.id) + '"><td>' + esc(when(d.failedAt)) + '</td><td>' + esc(t('flow.' + d.queue)) + '</td><td>' + esc(d.record ? d.record.table + ' ' + d.record.id : d.jobId) + '</td>' +
    '<td class="reason">' + esc(d.reason) + '</td><td><button data-requeue="' + esc(d.id) + '">' + esc(t('requeue')) + '</button><button data-discard="' + esc(d.id) + '">' + esc(t('discard')) + '</button></td></tr>'
  ).join('') : '<tr><td colspan="5" class="muted">' + esc(t('none')) + '</td></tr>';
  header('audit', ['when', 'who', 'action', 'record']);
  document.querySelector('#audit tbody').innerHTML = (s.audit || []).map((a) => '<tr><td>' + esc(when(a.at)) + '</td><td>' + esc(a.actor) + '</td><td>' + esc(a.action) + '</td><td>' + esc(a.target) + '</td></tr>').join('');
}
async function refresh() {
  const res = await fetch('api/status');
  if (res.ok) render(await res.json());
}
document.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.lang) { lang = b.dataset.lang; localStorage.setItem('mikrosync.lang', lang); refresh(); }
  else if (b.dataset.run) post('api/flows/' + encodeURIComponent(b.dataset.run) + '/run');
  else if (b.dataset.pause) post('api/flows/' + encodeURIComponent(b.dataset.pause) + '/pause');
  else if (b.dataset.resume) post('api/flows/' + encodeURIComponent(b.dataset.resume) + '/resume');
  else if (b.dataset.requeue) post('api/dead-letters/' + encodeURIComponent(b.dataset.requeue) + '/requeue');
  else if (b.dataset.discard && confirm(t('confirmDiscard'))) post('api/dead-letters/' + encodeURIComponent(b.dataset.discard) + '/discard');
});
refresh();
setInterval(refresh, 3000);
</script>
</body>
</html>`;
