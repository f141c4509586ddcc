/**
 * The operations console: one HTML document with its styles and script inline, nothing from another
 * host (the shop's network may not reach a CDN). The static words come from texts.ts; the rest is
 * rendered by the server in the page's language (`?lang=tr|en`, Turkish by default).
 */
import { CONSOLE_JS } from './script.js';
import { CONSOLE_CSS } from './styles.js';
import { TEXTS, WORDS_BY_VALUE } from './texts.js';

/** JSON inside <script>: a "</script>" or "<!--" in a text must not end the element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c');

export const CONSOLE_HTML = `<!doctype html>
<html lang="tr">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mikrosync</title>
<style>${CONSOLE_CSS}</style>
</head>
<body>
<header class="top">
  <h1 id="title" data-t="title"></h1>
  <div class="tools">
    <span id="updated" class="muted"></span>
    <span id="who" class="who"></span>
    <a id="summary-link" href="summary" data-t="summary"></a>
    <button type="button" id="print" data-t="print"></button>
    <a id="board-link" href="admin/queues" data-t="board" hidden></a>
    <span id="lang" role="group"><button type="button" data-lang="tr">TR</button> <button type="button" data-lang="en">EN</button></span>
  </div>
</header>
<main>
  <div id="problem" class="banner error" role="alert" hidden></div>
  <div id="read-only" class="banner info" data-t="readOnly" hidden></div>
  <div id="outages"></div>
  <section id="tracker">
    <h2 data-t="tracker"></h2>
    <form id="track-form" class="search" role="search">
      <input id="track-q" type="search" autocomplete="off" data-t-placeholder="trackerPlaceholder">
      <button type="submit" class="primary" data-t="search"></button>
    </form>
    <p class="hint" data-t="trackerHint"></p>
    <p id="track-state" class="hint" aria-live="polite"></p>
    <div id="track-results" class="grid"></div>
  </section>
  <section>
    <h2 data-t="deadLetters"></h2>
    <p class="hint" data-t="deadLettersHint"></p>
    <div id="dead" class="grid"></div>
    <p id="no-dead" class="muted" data-t="noDeadLetters" hidden></p>
  </section>
  <section>
    <h2 data-t="flows"></h2>
    <div id="flows" class="grid"><p class="muted" data-t="loading"></p></div>
  </section>
  <section id="charts">
    <h2 data-t="charts"></h2>
    <p class="hint" data-t="chartsHint"></p>
    <div id="chart-list" class="charts"></div>
  </section>
  <section>
    <h2 data-t="audit"></h2>
    <table id="audit"><thead><tr><th data-t="when"></th><th data-t="who"></th><th data-t="action"></th><th data-t="target"></th></tr></thead><tbody></tbody></table>
  </section>
</main>
<div id="toasts" aria-live="polite"></div>
<script>
const TEXTS = ${scriptJson(TEXTS)};
const WORDS = ${scriptJson(WORDS_BY_VALUE)};
${CONSOLE_JS}
</script>
</body>
</html>`;
