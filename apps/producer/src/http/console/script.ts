/**
 * The console's browser script (plain ES2020, no framework, nothing from another host). It polls
 * /api/status, renders flows, dead letters and the audit log, and offers the operator's actions.
 * Lists are patched per item (an item whose HTML did not change keeps its element), so an open
 * picker, confirmation or disclosure survives the next poll.
 *
 * `TEXTS` and `WORDS` are declared by the page before this script (see page.ts).
 */
export const CONSOLE_JS = String.raw`
'use strict';
const LANGS = Object.keys(TEXTS);
const params = new URLSearchParams(location.search);
let lang = [params.get('lang'), localStorage.getItem('mikrosync.lang')].find((l) => LANGS.includes(l)) || 'tr';
let me = { user: '', role: 'viewer' };
let status = null;
let lastQuery = '';
const $ = (sel, root) => (root || document).querySelector(sel);
const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

/** A page word; a missing one is reported (the browser tests fail on console errors) and shown as its key. */
function t(key, vars) {
  let text = TEXTS[lang][key];
  if (text == null) { console.error('missing text: ' + key); text = key; }
  if (vars) for (const k of Object.keys(vars)) text = text.split('{' + k + '}').join(String(vars[k]));
  return text;
}
const esc = (v) => String(v == null ? '' : v).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const locale = () => (lang === 'tr' ? 'tr-TR' : 'en-GB');
const when = (iso) => (iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' }) : t('never'));
const hhmm = (iso) => new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
const withLang = (path) => path + (path.includes('?') ? '&' : '?') + 'lang=' + lang;
const canAct = () => me.role === 'admin' || me.role === 'operator';

// ---- server calls -------------------------------------------------------------------------
async function getJson(path) {
  const res = await fetch(withLang(path), { headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(await answerText(res));
  return res.json();
}
/** The server's own words for an answer: its translated message, else the status line. */
async function answerText(res) {
  const body = await res.text();
  try {
    const j = JSON.parse(body);
    if (j && typeof j.message === 'string' && j.message) return j.message;
    if (j && typeof j.error === 'string' && j.error) return j.error;
  } catch (e) { /* not JSON */ }
  return res.status + ' ' + (res.statusText || '') + (body && body.length < 200 ? ': ' + body : '');
}
/** Every action: one POST, its answer as a toast, then a fresh view. */
async function act(button, path, body) {
  if (button) button.disabled = true;
  try {
    const res = await fetch(withLang(path), { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body || {}) });
    const text = await answerText(res.clone());
    let ok = res.ok;
    try { const j = await res.json(); if (j && j.ok === false) ok = false; } catch (e) { /* not JSON */ }
    toast(ok ? 'ok' : 'error', text && !/^\d{3} /.test(text) ? text : ok ? t('done') : t('failed') + ' ' + text);
    return ok;
  } catch (e) {
    toast('error', t('failed') + ' ' + e.message);
    return false;
  } finally {
    if (button) button.disabled = false;
    await refresh();
    if (lastQuery) await track(lastQuery);
  }
}

// ---- toasts -------------------------------------------------------------------------------
function toast(kind, text) {
  const el = document.createElement('div');
  el.className = 'toast ' + kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.innerHTML = '<span>' + esc(text) + '</span><button type="button" data-close aria-label="' + esc(t('close')) + '">×</button>';
  $('#toasts').appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? 15000 : 7000);
}

// ---- keyed list patching --------------------------------------------------------------------
/** Replaces only the items whose HTML changed; keeps open <details> of a replaced item open. */
function patch(container, items, key, html) {
  $$(':scope > :not([data-key])', container).forEach((el) => el.remove()); // the "loading" line
  const old = new Map($$(':scope > [data-key]', container).map((el) => [el.dataset.key, el]));
  let prev = null;
  for (const item of items) {
    const k = key(item);
    const markup = html(item);
    let el = old.get(k);
    if (!el || el.dataset.sig !== markup) {
      const tpl = document.createElement('template');
      tpl.innerHTML = markup.trim();
      const fresh = tpl.content.firstElementChild;
      fresh.dataset.key = k;
      fresh.dataset.sig = markup;
      if (el) {
        const open = new Set($$('details[open]', el).map((d) => d.dataset.d));
        $$('details', fresh).forEach((d) => { if (open.has(d.dataset.d)) d.open = true; });
        const kept = $('.keep', el);
        const slot = $('.keep', fresh);
        if (kept && slot) slot.replaceWith(kept);
        el.replaceWith(fresh);
      }
      el = fresh;
    }
    old.delete(k);
    if (prev ? prev.nextElementSibling !== el : container.firstElementChild !== el) {
      if (prev) prev.after(el); else container.prepend(el);
    }
    prev = el;
  }
  for (const el of old.values()) el.remove();
}

// ---- rendering ----------------------------------------------------------------------------
function renderStatic() {
  document.documentElement.lang = lang;
  document.title = t('title');
  $$('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
  $$('[data-t-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); el.setAttribute('aria-label', el.placeholder); });
  $$('#lang button').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.lang === lang)));
  $('#summary-link').href = withLang('summary');
  $('#who').textContent = (me.user ? me.user + ' · ' : '') + t('role.' + me.role);
  $('#board-link').hidden = me.role !== 'admin';
  $('#read-only').hidden = canAct();
  document.body.classList.toggle('can-act', canAct());
}

const flowLabel = (flow) => {
  const f = status && status.flows.find((x) => x.flow === flow);
  return f && f.label ? f.label : flow;
};
const button = (attrs, text, cls) => '<button type="button" class="' + (cls || '') + '" ' + attrs + '>' + esc(text) + '</button>';

function flowHtml(f) {
  const state = f.state || f.health;
  const counters = f.counters || [];
  const legend = counters.filter((c) => c.hint);
  const run = f.lastRun && (f.lastRun.finishedAt || f.lastRun.startedAt || f.lastRun.at);
  const actions = !canAct() ? '' : '<div class="actions">' + button('data-act="run" data-flow="' + esc(f.flow) + '"', t('runNow')) +
    (f.queue && f.queue.paused ? button('data-act="resume" data-flow="' + esc(f.flow) + '"', t('resume')) : button('data-act="pause" data-flow="' + esc(f.flow) + '"', t('pause'))) + '</div>';
  return '<article class="card flow" data-flow="' + esc(f.flow) + '" data-state="' + esc(state) + '">' +
    '<header><h3>' + esc(f.label || f.flow) + '</h3><span class="badge ' + esc(state) + '">' + esc(t('state.' + state)) + '</span></header>' +
    ((f.why || []).length ? '<ul class="why">' + f.why.map((w) => '<li>' + esc(w) + '</li>').join('') + '</ul>' : '') +
    (counters.length ? '<div class="counters">' + counters.map((c) => '<div class="counter" data-counter="' + esc(c.key) + '" title="' + esc(c.hint || '') + '"><b>' + esc(c.value) + '</b><span>' + esc(c.label) + '</span></div>').join('') + '</div>' : '') +
    (legend.length ? '<details data-d="legend"><summary>' + esc(t('legend')) + '</summary><dl class="pairs">' + legend.map((c) => '<dt>' + esc(c.label) + '</dt><dd>' + esc(c.hint) + '</dd>').join('') + '</dl></details>' : '') +
    '<div class="muted">' + esc(t('lastRun')) + ': ' + esc(when(run)) + (f.lastRun && f.lastRun.text ? ' · ' + esc(f.lastRun.text) : '') + '</div>' +
    actions + '</article>';
}

const deadId = (d) => d.id || d.queue + '__' + d.jobId;

function deadHtml(d) {
  const r = d.record || {};
  const m = d.mapping;
  const picker = canAct() && m
    ? '<div class="keep"></div>' // the picker element lives across polls (see openPicker)
    : '';
  const actions = !canAct() ? '' : '<div class="actions">' +
    (m ? button('data-act="map"', t('act.fixMapping'), 'primary') : '') +
    button('data-act="requeue"', t('requeue'), m ? '' : 'primary') + button('data-act="discard"', t('discard'), 'danger') + '</div>';
  return '<article class="card dead" data-dead="' + esc(deadId(d)) + '" data-queue="' + esc(d.queue) + '"' + (m ? ' data-kind="' + esc(m.kind) + '"' : '') + '>' +
    '<header><h3 class="label">' + esc(r.label || (r.table ? r.table + ' ' + r.id : d.jobId)) + '</h3><span class="badge red">' + esc(d.flowLabel || flowLabel(d.queue)) + '</span></header>' +
    '<p class="reason"><b>' + esc(t('reason')) + ':</b> ' + esc(d.reason) + '</p>' +
    (d.fix ? '<p class="reason fix"><b>' + esc(t('fix')) + ':</b> ' + esc(d.fix) + '</p>' : '') +
    '<div class="muted">' + esc(t('failedAt')) + ': ' + esc(when(d.failedAt)) + (d.attempts != null ? ' · ' + esc(t('attempts')) + ': ' + esc(d.attempts) : '') + '</div>' +
    '<details data-d="more"><summary>' + esc(t('details')) + '</summary><dl class="pairs">' +
    (r.table ? '<dt>' + esc(t('internalId')) + '</dt><dd><code>' + esc(r.table + ' ' + r.id) + '</code></dd>' : '') +
    '<dt>' + esc(t('job')) + '</dt><dd><code>' + esc(d.queue + ' / ' + d.jobId) + '</code></dd>' +
    '<dt>' + esc(t('reason')) + '</dt><dd>' + esc(d.reason) + '</dd>' +
    (d.fix ? '<dt>' + esc(t('fix')) + '</dt><dd>' + esc(d.fix) + '</dd>' : '') +
    '</dl></details>' + actions + picker + '</article>';
}

function auditHtml(a) {
  return '<tr><td data-label="' + esc(t('when')) + '">' + esc(when(a.at)) + '</td><td data-label="' + esc(t('who')) + '">' + esc(a.who || a.actor) + '</td>' +
    '<td data-label="' + esc(t('action')) + '">' + esc(a.action) + '</td><td data-label="' + esc(t('target')) + '">' + esc(a.target) + '</td></tr>';
}

function deadLettersOf(s) {
  const top = Array.isArray(s.deadLetters) ? s.deadLetters : [];
  const perFlow = s.flows.flatMap((f) => (Array.isArray(f.deadLetters) ? f.deadLetters.map((d) => Object.assign({ queue: f.flow, flowLabel: f.label }, d)) : []));
  return top.length ? top : perFlow;
}

function render() {
  renderStatic();
  if (!status) return;
  $('#updated').textContent = t('updated') + ': ' + when(status.generatedAt);
  $('#outages').innerHTML = (status.outages || []).map((o) => '<div class="banner warn" data-outage="' + esc(o.dependency) + '">' +
    esc(o.message || t('outage', { dep: t('dep.' + o.dependency), since: hhmm(o.since), n: o.queued })) + '</div>').join('');
  patch($('#flows'), status.flows, (f) => f.flow + '|' + lang + '|' + me.role, flowHtml);
  const dead = deadLettersOf(status);
  patch($('#dead'), dead, (d) => deadId(d) + '|' + lang + '|' + me.role, deadHtml);
  $('#no-dead').hidden = dead.length > 0;
  const audit = status.audit || [];
  $('#audit tbody').innerHTML = audit.length ? audit.map(auditHtml).join('') : '<tr><td colspan="4" class="muted">' + esc(t('noAudit')) + '</td></tr>';
  renderCharts();
}

let chartsKey = '';
let chartsAt = 0;
/** The server's SVG charts: drawn again on a language change and every five minutes, not every poll. */
function renderCharts() {
  const key = lang + '|' + status.flows.map((f) => f.flow).join(',');
  if (key === chartsKey && Date.now() - chartsAt < 300000) return;
  chartsKey = key;
  chartsAt = Date.now();
  $('#chart-list').innerHTML = status.flows.map((f) => '<figure data-chart="' + esc(f.flow) + '"><figcaption><b>' + esc(f.label || f.flow) + '</b></figcaption><div class="row">' +
    WORDS.metric.map((m) => '<div><img loading="lazy" alt="' + esc((f.label || f.flow) + ': ' + t('metric.' + m)) + '" src="' +
      esc(withLang('api/flows/' + encodeURIComponent(f.flow) + '/chart.svg?metric=' + m) + '&t=' + chartsAt) + '"><figcaption>' + esc(t('metric.' + m)) + '</figcaption></div>').join('') +
    '</div></figure>').join('');
}

// ---- mapping picker -------------------------------------------------------------------------
function deadById(id) { return status ? deadLettersOf(status).find((d) => deadId(d) === id) : undefined; }

function openPicker(card) {
  const d = deadById(card.dataset.dead);
  const slot = $('.keep', card);
  if (!d || !d.mapping || !slot) return;
  if (slot.classList.contains('picker')) { $('input', slot).focus(); return; }
  const m = d.mapping;
  const picker = document.createElement('div');
  picker.className = 'keep picker';
  picker.dataset.kind = m.kind;
  picker.innerHTML = '<label>' + esc(t('mapFor', { web: m.webLabel || m.webCode, kind: t('kind.' + m.kind) })) +
    '<input type="search" autocomplete="off" placeholder="' + esc(t('pickerSearch')) + '" aria-label="' + esc(t('pickerSearch')) + '"></label><ul role="listbox"></ul>';
  slot.replaceWith(picker);
  let timer = null;
  let seq = 0;
  const load = async () => {
    const mine = ++seq;
    const ul = $('ul', picker);
    try {
      const q = $('input', picker).value.trim();
      const { items } = await getJson('api/mappings/' + encodeURIComponent(m.kind) + '/candidates?q=' + encodeURIComponent(q));
      if (mine !== seq) return;
      ul.innerHTML = items.length ? items.map((c) => '<li><button type="button" role="option" data-act="pick" data-code="' + esc(c.code) + '"><code>' + esc(c.code) + '</code>' + esc(c.name) + '</button></li>').join('')
        : '<li class="muted">' + esc(t('noCandidates')) + '</li>';
    } catch (e) {
      if (mine === seq) ul.innerHTML = '<li class="banner error">' + esc(e.message) + '</li>';
    }
  };
  $('input', picker).addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(load, 250); });
  load();
  $('input', picker).focus();
}

async function pick(buttonEl) {
  const card = buttonEl.closest('[data-dead]');
  const d = deadById(card.dataset.dead);
  if (!d || !d.mapping) return;
  await act(buttonEl, 'api/mappings/' + encodeURIComponent(d.mapping.kind), { webCode: d.mapping.webCode, erpCode: buttonEl.dataset.code, deadLetter: { queue: d.queue, jobId: d.jobId } });
}

function askDiscard(card) {
  if ($('.confirm', card)) return;
  const box = document.createElement('div');
  box.className = 'confirm';
  box.setAttribute('role', 'alertdialog');
  box.innerHTML = '<p>' + esc(t('confirmDiscard')) + '</p><div class="actions">' + button('data-act="discard-yes"', t('yesDiscard'), 'danger') + button('data-act="discard-no"', t('cancel')) + '</div>';
  $('.actions', card).after(box);
}

// ---- tracker ------------------------------------------------------------------------------
function trackHtml(r) {
  const acts = canAct() ? (r.actions || []).map((a) => button('data-act="track-' + esc(a) + '" data-flow="' + esc(r.flow) + '" data-table="' + esc(r.table) + '" data-id="' + esc(r.id) + '"', t('act.' + a))).join('') : '';
  return '<article class="card result" data-result="' + esc(r.table + ':' + r.id) + '" data-doc-state="' + esc(r.state) + '">' +
    '<header><h3>' + esc(r.label) + '</h3><span class="badge ' + esc(r.state) + '">' + esc(t('doc.' + r.state)) + '</span></header>' +
    '<div class="muted">' + esc(r.flowLabel || flowLabel(r.flow)) + '</div>' +
    (r.erpDocument ? '<p class="erp-doc"><b>' + esc(t('erpDocument')) + ':</b> ' + esc(r.erpDocument.text || r.erpDocument.series + '-' + r.erpDocument.number) + '</p>' : '') +
    '<h4 class="muted">' + esc(t('timeline')) + '</h4><ol class="timeline">' + (r.timeline || []).map((e) => '<li><time>' + esc(when(e.at)) + '</time>' + esc(e.text) + '</li>').join('') + '</ol>' +
    (acts ? '<div class="actions">' + acts + '</div>' : '') + '</article>';
}

async function track(q) {
  lastQuery = q;
  const out = $('#track-results');
  if (!q) { out.innerHTML = ''; return; }
  $('#track-state').textContent = t('searching');
  try {
    const { results } = await getJson('api/track?q=' + encodeURIComponent(q));
    if (q !== lastQuery) return;
    $('#track-state').textContent = results.length ? '' : t('noResults');
    out.innerHTML = results.map(trackHtml).join('');
  } catch (e) {
    $('#track-state').textContent = '';
    out.innerHTML = '<div class="banner error">' + esc(e.message) + '</div>';
  }
}

function deadOfRecord(table, id) {
  return status ? deadLettersOf(status).find((d) => d.record && d.record.table === table && String(d.record.id) === id) : undefined;
}

// ---- polling and events ---------------------------------------------------------------------
async function refresh() {
  try {
    status = await getJson('api/status');
    $('#problem').hidden = true;
    render();
  } catch (e) {
    $('#problem').textContent = t('unreachable', { detail: e.message });
    $('#problem').hidden = false;
  }
}

document.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.hasAttribute('data-close')) { b.closest('.toast').remove(); return; }
  if (b.dataset.lang) {
    lang = b.dataset.lang;
    localStorage.setItem('mikrosync.lang', lang);
    const url = new URL(location.href);
    url.searchParams.set('lang', lang);
    history.replaceState(null, '', url);
    chartsKey = '';
    render();
    refresh().then(() => lastQuery && track(lastQuery));
    return;
  }
  if (b.id === 'print') { window.print(); return; }
  const card = b.closest('[data-dead]');
  const flow = b.dataset.flow ? encodeURIComponent(b.dataset.flow) : '';
  switch (b.dataset.act) {
    case 'run': act(b, 'api/flows/' + flow + '/run'); break;
    case 'pause': act(b, 'api/flows/' + flow + '/pause'); break;
    case 'resume': act(b, 'api/flows/' + flow + '/resume'); break;
    case 'requeue': act(b, 'api/dead-letters/' + encodeURIComponent(card.dataset.dead) + '/requeue'); break;
    case 'discard': askDiscard(card); break;
    case 'discard-no': b.closest('.confirm').remove(); break;
    case 'discard-yes': act(b, 'api/dead-letters/' + encodeURIComponent(card.dataset.dead) + '/discard'); break;
    case 'map': openPicker(card); break;
    case 'pick': pick(b); break;
    case 'track-runNow': act(b, 'api/flows/' + flow + '/run'); break;
    case 'track-requeue':
    case 'track-fixMapping': {
      const d = deadOfRecord(b.dataset.table, b.dataset.id);
      const target = d && $('[data-dead="' + CSS.escape(deadId(d)) + '"]');
      if (!target) { toast('error', t('failed')); break; }
      if (b.dataset.act === 'track-requeue') { act(b, 'api/dead-letters/' + encodeURIComponent(deadId(d)) + '/requeue'); break; }
      target.scrollIntoView({ block: 'center' });
      openPicker(target);
      break;
    }
    default: break;
  }
});
$('#track-form').addEventListener('submit', (e) => { e.preventDefault(); track($('#track-q').value.trim()); });

async function start() {
  renderStatic();
  try { me = await getJson('api/me'); } catch (e) { $('#problem').textContent = e.message; $('#problem').hidden = false; }
  await refresh();
  setInterval(refresh, 3000);
}
start();
`;
