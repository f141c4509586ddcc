/**
 * The console's stylesheet: system fonts only (the shop's network may not reach a font host), one
 * column under 700 px, and a print layout that keeps the facts and drops the controls.
 */
export const CONSOLE_CSS = `
:root { --ink: #1d2330; --muted: #5f6b7a; --line: #dde1e7; --bg: #f4f5f7; --card: #fff;
  --green: #1b7f46; --amber: #a86200; --red: #b42318; --accent: #2f5fb3; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: var(--bg); color: var(--ink); }
a { color: var(--accent); }
header.top { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; justify-content: space-between; padding: 10px 20px; background: var(--ink); color: #fff; }
header.top h1 { font-size: 18px; margin: 0; }
header.top a { color: #cfe0ff; }
.top .tools { display: flex; flex-wrap: wrap; gap: 8px 14px; align-items: center; font-size: 14px; }
.who { padding: 2px 8px; border-radius: 10px; background: #3a4356; }
#lang button { background: transparent; color: #fff; border-color: #6b7489; }
#lang button[aria-pressed="true"] { background: #fff; color: var(--ink); }
main { padding: 16px 20px 40px; max-width: 1400px; margin: 0 auto; }
section { margin-bottom: 28px; }
h2 { font-size: 17px; margin: 0 0 6px; }
h3 { font-size: 15px; margin: 0; }
.hint, .muted { color: var(--muted); font-size: 13px; }
.banner { border-radius: 6px; padding: 10px 14px; margin-bottom: 12px; font-weight: 600; }
.banner.warn { background: #fff6d6; border: 1px solid #e0b341; }
.banner.error { background: #fde8e6; border: 1px solid var(--red); color: var(--red); }
.banner.info { background: #e8eefb; border: 1px solid #9db4e3; font-weight: 400; }
.grid { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.card > header { display: flex; gap: 8px; align-items: flex-start; justify-content: space-between; margin-bottom: 6px; }
.card[data-state="red"], .card.dead { border-left: 5px solid var(--red); }
.card[data-state="amber"] { border-left: 5px solid var(--amber); }
.card[data-state="green"] { border-left: 5px solid var(--green); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 10px; color: #fff; font-size: 13px; font-weight: 600; white-space: nowrap; }
.badge.green, .badge.posted { background: var(--green); }
.badge.amber, .badge.waiting, .badge.queued, .badge.captured { background: var(--amber); }
.badge.red, .badge.failed { background: var(--red); }
ul.why { margin: 4px 0 8px; padding-left: 18px; }
.counters { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
.counter { border: 1px solid var(--line); border-radius: 6px; padding: 3px 8px; text-align: center; min-width: 64px; }
.counter b { display: block; font-size: 17px; }
.counter span { font-size: 12px; color: var(--muted); }
details { margin: 6px 0; }
summary { cursor: pointer; color: var(--accent); font-size: 13px; }
dl.pairs { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; font-size: 13px; }
dl.pairs dt { color: var(--muted); }
dl.pairs dd { margin: 0; word-break: break-word; }
.actions { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
button { font: inherit; font-size: 14px; cursor: pointer; border: 1px solid #9aa3b2; background: #fff; color: var(--ink); border-radius: 5px; padding: 5px 10px; min-height: 34px; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
button.danger { border-color: var(--red); color: var(--red); }
button:disabled { opacity: .55; cursor: progress; }
input[type="search"] { font: inherit; padding: 7px 10px; border: 1px solid #9aa3b2; border-radius: 5px; width: 100%; min-width: 0; }
form.search { display: flex; gap: 8px; max-width: 720px; }
.reason { margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
.confirm { background: #fff6d6; border: 1px solid #e0b341; border-radius: 6px; padding: 8px 10px; margin-top: 8px; }
.picker { border: 1px solid #9db4e3; background: #f3f6fd; border-radius: 6px; padding: 8px 10px; margin-top: 8px; }
.picker ul { list-style: none; margin: 6px 0 0; padding: 0; max-height: 240px; overflow-y: auto; }
.picker li button { width: 100%; text-align: left; margin: 2px 0; border-color: var(--line); }
.picker li code { font-weight: 600; margin-right: 6px; }
ol.timeline { margin: 6px 0; padding-left: 20px; font-size: 14px; }
ol.timeline time { color: var(--muted); margin-right: 6px; font-variant-numeric: tabular-nums; }
.charts { display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); }
.charts figure { margin: 0; }
.charts .row { display: grid; grid-template-columns: repeat(3, 1fr); gap: 6px; }
.charts img { width: 100%; height: auto; min-height: 40px; background: #fff; border: 1px solid var(--line); border-radius: 4px; }
.charts figcaption { font-size: 12px; color: var(--muted); }
table { border-collapse: collapse; width: 100%; background: var(--card); }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eceff3; font-weight: 600; }
#toasts { position: fixed; right: 16px; bottom: 16px; display: flex; flex-direction: column; gap: 8px; z-index: 10; max-width: min(420px, calc(100vw - 32px)); }
.toast { display: flex; gap: 10px; align-items: flex-start; justify-content: space-between; padding: 10px 12px; border-radius: 6px; color: #fff; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
.toast.ok { background: var(--green); }
.toast.error { background: var(--red); }
.toast button { background: transparent; color: #fff; border: 0; min-height: 0; padding: 0 4px; }
@media (max-width: 699px) {
  main { padding: 12px 10px 40px; }
  header.top { padding: 10px 12px; }
  .grid, .charts { grid-template-columns: 1fr; }
  form.search { flex-direction: column; }
  table, thead, tbody, tr, th, td { display: block; }
  thead { display: none; }
  tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  td { border: 0; padding: 2px 8px; }
  td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); }
}
@media print {
  body { background: #fff; font-size: 12px; }
  header.top { background: #fff; color: #000; border-bottom: 2px solid #000; }
  .tools, .actions, .picker, .confirm, #tracker, #toasts, #charts, #read-only, .hint, details { display: none !important; }
  .card { break-inside: avoid; border-color: #999; }
  .grid { grid-template-columns: 1fr 1fr; }
}
`;
