// The reader's experience, checked in a real browser (Debian's Chromium, headless).
//
//   node tests/browser/run.mjs --example DIR --fixture DIR [--out DIR]
//
// DIR are freshly built sites: the example (content/) and tests/browser/site. tests/browser.rs
// builds them and runs this script as part of `cargo test`. Both sites are served over HTTP
// from a loopback-only server, under a sub-path; the example is also opened from file://.
//
// At 390×844, 768×1024 and 1440×900 it opens a gloss, a source and a cross-reference by
// mouse (the number and the word) and by keyboard (Enter, Space), checks each note is
// inside the window, that Esc closes it and focus returns to the number; checks margin
// notes do not overlap each other or the text; toggles each layer and all of them, and
// checks the choice is kept across pages; walks the marks with Tab; reads what a screen
// reader is given; runs axe-core (light and dark); runs with JavaScript off; prints to PDF
// and reads the PDF back with pdftotext. It validates every page with vnu, checks the
// Content-Security-Policy and the weight of the reading, and that no request leaves the
// site. Every number it checks is printed; it exits 1 if any check fails.

import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const EXAMPLE = path.resolve(args.example ?? 'public');
const FIXTURE = args.fixture ? path.resolve(args.fixture) : null;
// More built sites, one folder each (tests/browser.rs builds every tests/browser/sites/NAME
// into SITES/NAME): each is served under /sites/NAME/ and checked by the suites below.
const SITES_DIR = args.sites ? path.resolve(args.sites) : null;
const SITES = SITES_DIR && fs.existsSync(SITES_DIR)
  ? Object.fromEntries(fs.readdirSync(SITES_DIR).sort().map((name) => [name, path.join(SITES_DIR, name)]))
  : {};
// SCHOLIA_BROWSER_SUITE=NAME runs only the suite tests/browser/suites/NAME.mjs (with the
// page-wide CSP and vnu checks): the quick loop while working on one feature.
const ONLY = process.env.SCHOLIA_BROWSER_SUITE ?? null;
const OUT = path.resolve(args.out ?? 'target/screenshots');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const READING = 'khamenei-and-the-prospect-of-war/index.html';
// A gloss's page and a source's page: every mention, grouped by reading.
const GLOSS = 'glossary/aznar/index.html';
const SOURCE = 'sources/aznar-account/index.html';
const SIZES = [
  [390, 844],
  [768, 1024],
  [1440, 900],
];
const KINDS = ['gloss', 'source', 'xref', 'note'];
const PLURAL = { gloss: 'glosses', source: 'sources', xref: 'cross-references', note: 'notes' };
const BUDGET = 150 * 1000;
fs.mkdirSync(OUT, { recursive: true });
// A suite that hangs fails: ten minutes is many times what it needs.
setTimeout(() => {
  console.log('FAIL the browser suite did not finish within 10 minutes');
  process.exit(1);
}, 600_000).unref();

/* ---------- Reporting ---------- */
let passed = 0;
const failures = [];
function check(name, ok, detail = '') {
  if (ok) passed++;
  else failures.push(`${name}${detail ? ': ' + detail : ''}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ' — ' + detail : ''}`);
}
const started = Date.now();
function section(title) {
  console.log(`\n== ${title} (at ${Math.round((Date.now() - started) / 1000)}s)`);
}
// Runs a group of checks; an exception (a timeout, say) fails the group, not the run.
const contexts = new Set();
async function step(name, body, { suite = false } = {}) {
  if (ONLY && !suite) return;
  try {
    await body();
  } catch (e) {
    check(`${name} ran to the end`, false, String(e.message ?? e).split('\n').slice(0, 3).join(' '));
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    contexts.clear();
  }
}

/* ---------- The pages, as files ---------- */
function htmlFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.html'))
    .map((f) => path.join(dir, f))
    .sort();
}

section('weight, Content-Security-Policy, no inline script or style');
{
  const bytes = (f) => fs.statSync(path.join(EXAMPLE, f)).size;
  const page = bytes(READING);
  const css = bytes('style.css');
  const js = bytes('scholia.js');
  const total = page + css + js;
  check('the reading with its CSS and JS weighs under 150 KB', total < BUDGET, `page ${page} B + CSS ${css} B + JS ${js} B = ${total} B of ${BUDGET}`);
  const pages = [EXAMPLE, FIXTURE, ...Object.values(SITES)].filter(Boolean).flatMap(htmlFiles);
  let inline = 0;
  let csp = 0;
  for (const file of pages) {
    const html = fs.readFileSync(file, 'utf8');
    const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    const policy = meta ? meta[1] : '';
    if (/default-src 'none'/.test(policy) && /script-src 'self'(;|$)/.test(policy) && /style-src 'self'(;|$)/.test(policy) && !/unsafe|https?:|\*/.test(policy)) csp++;
    inline += (html.match(/<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\sstyle="|\son[a-z]+="/g) ?? []).length;
  }
  check('every page carries a CSP allowing only the site\'s own files', csp === pages.length, `${csp} of ${pages.length} pages`);
  check('no inline script, style element, style or on* attribute', inline === 0, `${inline} found in ${pages.length} pages`);
}

section('vnu (W3C Nu HTML Checker)');
{
  const jar = require.resolve('vnu-jar/build/dist/vnu.jar');
  const pages = [EXAMPLE, FIXTURE, ...Object.values(SITES)].filter(Boolean).flatMap(htmlFiles);
  // vnu reads the pages from disk, where 'self' means nothing: its warnings that the CSP
  // blocks the site's own style.css and scholia.js are filtered out (the browser checks
  // below prove the files load, over HTTP and from disk, with no CSP violation).
  // A page with an error planted on purpose (no <title>): if vnu does not report it, vnu
  // did not check the pages either, and "no error" would mean nothing.
  const canary = path.join(OUT, 'vnu-canary.html');
  fs.writeFileSync(canary, '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body><p>canary</p></body></html>\n');
  const run = spawnSync('java', ['-jar', jar, '--format', 'json', '--stdout', '--filterpattern', '.*Content Security Policy.*(style\\.css|scholia\\.js).*', ...pages, canary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  let messages = null;
  try {
    const parsed = JSON.parse(run.stdout).messages;
    if (Array.isArray(parsed)) messages = parsed;
  } catch {
    // messages stays null: reported below.
  }
  // vnu exits 0 (no error) or 1 (errors); anything else, or no JSON, is vnu failing.
  const ran = messages !== null && !run.error && (run.status === 0 || run.status === 1);
  check('vnu ran', ran, ran ? `exit ${run.status}` : (run.stderr || run.stdout || String(run.error)).slice(0, 500));
  const where = (m) => {
    try {
      return decodeURIComponent(new URL(m.url).pathname);
    } catch {
      return '';
    }
  };
  const all = messages ?? [];
  const planted = all.filter((m) => where(m) === canary);
  const found = all.filter((m) => where(m) !== canary);
  check('vnu reports the error planted in a page made invalid on purpose', planted.some((m) => m.type === 'error'), `${planted.length} messages on ${path.basename(canary)}`);
  const errors = found.filter((m) => m.type === 'error' || m.subType === 'fatal');
  const warnings = found.filter((m) => m.type === 'info' && m.subType === 'warning');
  for (const m of [...errors, ...warnings]) {
    console.log(`     ${m.type === 'error' ? 'error' : 'warning'}: ${path.relative(process.cwd(), where(m))}:${m.lastLine}: ${m.message}`);
  }
  check('vnu reports no error on any page', ran && pages.length > 0 && errors.length === 0, `${pages.length} pages, ${errors.length} errors, ${warnings.length} warnings`);
}

/* ---------- A loopback-only server, the sites under sub-paths ---------- */
const MOUNTS = {
  '/sites/example/': EXAMPLE,
  ...(FIXTURE ? { '/sites/fixture/': FIXTURE } : {}),
  ...Object.fromEntries(Object.entries(SITES).map(([name, dir]) => [`/sites/${name}/`, dir])),
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };
const served = [];
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  served.push(url.pathname);
  if (!Object.keys(MOUNTS).some((m) => url.pathname.startsWith(m))) console.log(`     (request outside the sites: ${url.pathname})`);
  const mount = Object.keys(MOUNTS).find((m) => url.pathname.startsWith(m));
  let rel = mount ? decodeURIComponent(url.pathname.slice(mount.length)) : null;
  if (rel !== null && (rel === '' || rel.endsWith('/'))) rel += 'index.html';
  const file = mount && path.join(MOUNTS[mount], rel);
  if (!file || !file.startsWith(MOUNTS[mount]) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
    return;
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  fs.createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${server.address().port}`;
const SITE = `${ORIGIN}/sites/example/`;
const FIX = `${ORIGIN}/sites/fixture/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/* Opens a context that records every request, console error and CSP violation. */
async function open(url, { width, height, js = true, scheme = 'light', permissions = [], withoutScholiaJs = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled: js, colorScheme: scheme });
  contexts.add(context);
  if (permissions.length) await context.grantPermissions(permissions, { origin: ORIGIN });
  if (withoutScholiaJs) await context.route('**/scholia.js', (route) => route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }));
  const log = { requests: [], errors: [] };
  context.on('request', (r) => log.requests.push(r.url()));
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') log.errors.push(m.text());
  });
  page.on('pageerror', (e) => log.errors.push(String(e)));
  if (url) await page.goto(url);
  return { context, page, log };
}
function outside(log, allowed) {
  return log.requests.filter((u) => !allowed.some((a) => u.startsWith(a)));
}
async function runAxe(page) {
  await page.evaluate(axeSource);
  const result = await bounded(page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] })), 60_000, 'axe-core');
  return result.violations.map((v) => `${v.id} (${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}
// Waits for running transitions (a change of colour scheme, say) to end.
function settle(page) {
  return page.evaluate(() => Promise.race([Promise.all(document.getAnimations().map((a) => a.finished.catch(() => {}))), new Promise((r) => setTimeout(r, 2000))]));
}
// A promise that fails after `ms` rather than hang the suite.
function bounded(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish in ${ms / 1000}s`)), ms)))]).finally(() => clearTimeout(timer));
}
async function axeCheck(page, what) {
  await bounded(settle(page), 10_000, 'waiting for transitions');
  const violations = await runAxe(page);
  check(`axe-core: ${what}`, violations.length === 0, violations.length ? violations.join('; ') : '0 violations');
}
const shot = (page, name, options = {}) => page.screenshot({ path: path.join(OUT, `${name}.png`), ...options });

/* ---------- In-page helpers ---------- */
// The first number of a kind whose mark can be clicked on its own (not inside another mark's hit area).
async function pickNote(page, kind) {
  return page.evaluate((kind) => {
    const buttons = [...document.querySelectorAll(`.text .ref[data-kind="${kind}"] button`)].filter((b) => b.getClientRects().length);
    for (const button of buttons) {
      const note = document.getElementById(button.getAttribute('popovertarget'));
      const marks = [...document.querySelectorAll(`.text .mark[data-kind="${kind}"][data-id="${CSS.escape(note.dataset.id)}"]:not([data-role])`)];
      const mark = marks.find((m) => m.textContent.trim().length > 2 && !m.querySelector('.mark') && !m.closest('a') && !m.parentElement.closest('.mark'));
      if (mark) {
        mark.dataset.testMark = note.id;
        button.dataset.testButton = note.id;
        return note.id;
      }
    }
    return null;
  }, kind);
}
async function noteState(page, id) {
  return page.evaluate((id) => {
    const note = document.getElementById(id);
    const r = note.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = window.innerHeight;
    const button = document.querySelector(`[data-test-button="${id}"]`);
    const b = button.getBoundingClientRect();
    return {
      open: note.matches(':popover-open'),
      inside: r.left >= 0 && r.top >= 0 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5 && r.width > 0,
      rect: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)} in ${vw}×${vh}`,
      distance: Math.round(Math.max(0, r.top - b.bottom, b.top - r.bottom)),
      focusOnButton: document.activeElement === button,
      focusInside: note.contains(document.activeElement),
      preview: note.querySelector('.preview')?.textContent.trim() ?? '',
      link: note.querySelector('.more a[href*="#to-"]')?.getAttribute('href') ?? '',
    };
  }, id);
}

async function openNotes(page, size, { js, tag }) {
  const hows = js ? ['number by mouse', 'word by mouse', 'Enter', 'Space'] : ['number by mouse', 'Enter', 'Space'];
  let opened = 0;
  let inside = 0;
  let closed = 0;
  let returned = 0;
  let total = 0;
  const rects = [];
  for (const kind of ['gloss', 'source', 'xref']) {
    const id = await pickNote(page, kind);
    check(`${size}: a ${kind} to open`, !!id, id ?? 'none found');
    if (!id) continue;
    for (const how of hows) {
      total++;
      const button = page.locator(`[data-test-button="${id}"]`);
      await button.scrollIntoViewIfNeeded();
      if (how === 'number by mouse') await button.click();
      else if (how === 'word by mouse') await page.locator(`[data-test-mark="${id}"]`).click();
      else {
        await button.focus();
        await page.keyboard.press(how === 'Enter' ? 'Enter' : ' ');
      }
      await page.waitForFunction((id) => document.getElementById(id).matches(':popover-open'), id, { timeout: 3000 }).catch(() => {});
      let state = await noteState(page, id);
      if (state.open) opened++;
      if (state.open && state.inside) inside++;
      rects.push(`${kind}/${how}: ${state.rect}${js ? `, ${state.distance}px from its number` : ''}`);
      if (kind === 'xref' && how === 'number by mouse') {
        check(`${size}: the cross-reference shows the target's words and a link to them`, state.preview.length > 20 && state.link.length > 0, `preview “${state.preview.slice(0, 50)}…”, link ${state.link}`);
        if (tag === '390x844') await shot(page, `${tag}-xref-open`);
      }
      if (kind === 'gloss' && how === 'number by mouse') await shot(page, `${tag}-gloss-open`);
      if (how === 'Enter') {
        // Tab goes into the open note; Esc brings focus back to its number.
        await page.keyboard.press('Tab');
        state = await noteState(page, id);
        check(`${size}: Tab from the number goes into its ${kind} note`, state.focusInside);
      }
      await page.keyboard.press('Escape');
      state = await noteState(page, id);
      if (!state.open) closed++;
      if (state.focusOnButton) returned++;
    }
  }
  console.log(rects.map((r) => `     ${r}`).join('\n'));
  check(`${size}: notes open (gloss, source, cross-reference × ${hows.join(', ')})`, opened === total, `${opened} of ${total}`);
  check(`${size}: each open note is inside the window`, inside === total, `${inside} of ${total}`);
  check(`${size}: Esc closes it`, closed === total, `${closed} of ${total}`);
  check(`${size}: focus returns to the mark's number`, returned === total, `${returned} of ${total}`);
}

async function marginNotes(page, size) {
  const m = await page.evaluate(() => {
    const text = document.querySelector('.text').getBoundingClientRect();
    const sides = [...document.querySelectorAll('.sidenote')].filter((s) => s.getClientRects().length);
    const rects = sides.map((s) => s.getBoundingClientRect());
    let overlaps = 0;
    for (let i = 0; i < rects.length; i++)
      for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i];
        const b = rects[j];
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overlaps++;
      }
    const blocks = [...document.querySelectorAll('.text > *:not(.sidenotes)')].map((p) => p.getBoundingClientRect());
    let overText = 0;
    for (const a of rects) for (const b of blocks) if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) overText++;
    const drifts = sides.map((s) => {
      const note = document.getElementById(s.dataset.note);
      const mark = [...document.querySelectorAll(`.text .mark[data-kind="${note.dataset.kind}"][data-id="${CSS.escape(note.dataset.id)}"]:not([data-role])`)].find((x) => x.getClientRects().length);
      return s.getBoundingClientRect().top - mark.getClientRects()[0].top;
    });
    const notes = [...document.querySelectorAll('.endnote')].filter((n) => getComputedStyle(n).display !== 'none').length;
    return {
      count: sides.length,
      notes,
      overlaps,
      overText,
      gap: rects.length ? Math.round(Math.min(...rects.map((r) => r.left)) - text.right) : 0,
      inWindow: rects.every((r) => r.right <= document.documentElement.clientWidth),
      above: drifts.filter((d) => d < -8).length,
      maxDrift: Math.round(Math.max(0, ...drifts)),
      meanDrift: Math.round(drifts.reduce((a, b) => a + b, 0) / (drifts.length || 1)),
      long: sides.filter((s) => s.classList.contains('long')).length,
    };
  });
  return m;
}

async function layers(page, size, { js, url, tag }) {
  const counts = () =>
    page.evaluate(() => {
      const shown = (el) => el.getClientRects().length > 0;
      const out = {};
      for (const kind of ['gloss', 'source', 'xref', 'note']) {
        out[kind] = {
          refs: [...document.querySelectorAll(`.text .ref[data-kind="${kind}"]`)].filter(shown).length,
          marked: [...document.querySelectorAll(`.text .mark[data-kind="${kind}"]`)].filter((m) => getComputedStyle(m).textDecorationLine.includes('underline')).length,
          notes: [...document.querySelectorAll(`.endnote[data-kind="${kind}"]`)].filter(shown).length,
        };
      }
      out.backrefs = [...document.querySelectorAll('.backref')].filter(shown).length;
      out.sidenotes = [...document.querySelectorAll('.sidenote')].filter(shown).length;
      out.notesSection = shown(document.querySelector('.notes'));
      // What is drawn inside the paragraphs besides the author's words.
      out.ui = [...document.querySelectorAll('.text p [data-ui]')].filter((e) => shown(e) && !e.matches('.pilcrow, .copy')).length;
      out.highlighted = [...document.querySelectorAll('.text .mark')].filter((m) => getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)').length;
      return out;
    });
  const before = await counts();
  const summary = [];
  for (const kind of KINDS) {
    await page.locator(`#layer-${kind}`).uncheck();
    const after = await counts();
    const others = KINDS.filter((k) => k !== kind);
    const gone = after[kind].refs === 0 && after[kind].marked === 0 && after[kind].notes === 0 && (kind !== 'xref' || after.backrefs === 0);
    const kept = others.every((k) => after[k].refs === before[k].refs && after[k].notes === before[k].notes);
    let kept2 = true;
    if (js) {
      // The choice is kept: on reload, and on another page and back.
      await page.reload();
      const reloaded = await counts();
      await page.goto(new URL('../glossary.html', url).href);
      await page.goto(url);
      const returned = await counts();
      kept2 = reloaded[kind].refs === 0 && returned[kind].refs === 0 && !(await page.locator(`#layer-${kind}`).isChecked());
    }
    check(
      `${size}: hiding ${PLURAL[kind]} hides their marks, numbers and notes, and nothing else${js ? '; kept across pages' : ''}`,
      gone && kept && kept2,
      `${before[kind].refs} → ${after[kind].refs} numbers, ${before[kind].marked} → ${after[kind].marked} marks, ${before[kind].notes} → ${after[kind].notes} notes; others ${kept ? 'kept' : 'changed: ' + JSON.stringify(after)}${js ? `; ${kept2 ? 'kept' : 'lost'} across pages` : ''}`,
    );
    summary.push(kind);
    await page.locator(`#layer-${kind}`).check();
  }
  await page.locator('#layer-all').uncheck();
  const none = await counts();
  const bare = KINDS.every((k) => none[k].refs === 0 && none[k].marked === 0 && none[k].notes === 0) && none.backrefs === 0 && none.sidenotes === 0 && !none.notesSection && none.ui === 0 && none.highlighted === 0;
  check(`${size}: with every layer hidden, the author's text alone`, bare, `${none.ui} insertions drawn in the text, ${KINDS.reduce((a, k) => a + none[k].marked, 0)} marks, ${none.backrefs} backrefs, notes section ${none.notesSection ? 'shown' : 'hidden'}`);
  await page.locator('.text').scrollIntoViewIfNeeded();
  await shot(page, `${tag}-layers-hidden`);
  if (js) {
    await page.reload();
    const still = await counts();
    check(`${size}: all hidden is kept on reload`, KINDS.every((k) => still[k].refs === 0) && !(await page.locator('#layer-all').isChecked()));
  }
  await page.locator('#layer-all').check();
  const back = await counts();
  check(`${size}: showing all brings every layer back`, KINDS.every((k) => back[k].refs === before[k].refs), KINDS.map((k) => `${k} ${back[k].refs}`).join(', '));
}

/* ---------- The reading at three sizes, JavaScript on ---------- */
async function readingAt(width, height) {
  const size = `${width}x${height}`;
  section(`reading at ${size}`);
  const url = SITE + READING;
  const { context, page, log } = await open(url, { width, height, permissions: ['clipboard-read', 'clipboard-write'] });
  await shot(page, `${size}-reading`);
  check(`${size}: the script ran`, await page.evaluate(() => document.documentElement.classList.contains('js')));

  await openNotes(page, size, { js: true, tag: size });

  const margin = await marginNotes(page, size);
  if (width >= 1200) {
    check(`${size}: a margin note for every note`, margin.count === margin.notes && margin.count > 0, `${margin.count} margin notes, ${margin.notes} notes`);
    check(`${size}: margin notes do not overlap each other`, margin.overlaps === 0, `${margin.overlaps} overlapping pairs`);
    check(`${size}: margin notes do not overlap the text`, margin.overText === 0 && margin.gap > 0 && margin.inWindow, `${margin.overText} overlaps, ${margin.gap}px from the text, inside the window: ${margin.inWindow}`);
    check(`${size}: margin notes start beside their line, never above it`, margin.above === 0, `mean ${margin.meanDrift}px below the line, at most ${margin.maxDrift}px; ${margin.long} collapsed`);
    // A collapsed note expands: the whole note opens over it.
    const id = await page.evaluate(() => document.querySelector('.sidenote.long')?.dataset.note);
    await page.locator(`.sidenote[data-note="${id}"]`).scrollIntoViewIfNeeded();
    await page.locator(`.sidenote[data-note="${id}"]`).click();
    const expanded = await page.evaluate((id) => {
      const n = document.getElementById(id);
      const r = n.getBoundingClientRect();
      const s = document.querySelector(`.sidenote[data-note="${id}"]`).getBoundingClientRect();
      return { open: n.matches(':popover-open'), inside: r.top >= 0 && r.bottom <= innerHeight && r.right <= document.documentElement.clientWidth, over: r.left < s.right && s.left < r.right, text: document.querySelector('.text').getBoundingClientRect().right < r.left };
    }, id);
    await shot(page, `${size}-margin-note-expanded`);
    check(`${size}: a collapsed margin note expands in place`, expanded.open && expanded.inside && expanded.over && expanded.text, JSON.stringify(expanded));
    await page.keyboard.press('Escape');
    // Hovering a mark lights up its margin note.
    const gloss = await pickNote(page, 'gloss');
    await page.locator(`[data-test-mark="${gloss}"]`).hover();
    const lit = await page.evaluate((id) => document.querySelector(`.sidenote[data-note="${id}"]`).classList.contains('hl'), gloss);
    check(`${size}: hovering a mark lights up its margin note`, lit);
    await page.mouse.move(1, 1);
    // Motion: none when the reader asks for less.
    const motion = await page.evaluate(() => getComputedStyle(document.querySelector('.sidenote')).transitionDuration);
    await page.emulateMedia({ reducedMotion: 'reduce' });
    const reduced = await page.evaluate(() => getComputedStyle(document.querySelector('.sidenote')).transitionDuration);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    check(`${size}: prefers-reduced-motion turns transitions off`, motion !== '0s' && reduced === '0s', `${motion} → ${reduced}`);
  } else {
    check(`${size}: no margin notes on a narrower window`, margin.count === 0, `${margin.count} shown`);
    // Hover preview, on a device that hovers: rest on a mark, its note opens; leave, it closes.
    const id = await pickNote(page, 'gloss');
    await page.locator(`[data-test-mark="${id}"]`).hover();
    const shown = await page.waitForFunction((id) => document.getElementById(id).matches(':popover-open'), id, { timeout: 3000 }).then(() => true, () => false);
    await page.mouse.move(width - 2, 2);
    const hidden = await page.waitForFunction((id) => !document.getElementById(id).matches(':popover-open'), id, { timeout: 3000 }).then(() => true, () => false);
    check(`${size}: hovering a mark previews its note, leaving closes it`, shown && hidden);
  }

  // Cross-references both ways: the link in the note goes to the target; the target links back.
  {
    const id = await pickNote(page, 'xref');
    await page.locator(`[data-test-button="${id}"]`).click();
    const href = await page.locator(`#${id} .more a[href*="#to-"]`).getAttribute('href');
    await page.locator(`#${id} .more a[href*="#to-"]`).click();
    const at = await page.evaluate((id) => {
      const t = document.querySelector(':target');
      const r = t?.getBoundingClientRect();
      const back = t?.parentElement.querySelector(`.backref[href="#m-${id.slice(5)}"]`) ?? [...document.querySelectorAll('.backref')].find((b) => b.previousElementSibling === t);
      return { target: t?.id, visible: !!r && r.top >= -1 && r.bottom <= innerHeight + 1, closed: !document.getElementById(id).matches(':popover-open'), back: back?.getAttribute('href') };
    }, id);
    check(`${size}: following a cross-reference shows its target, which links back`, at.target === href.slice(1) && at.visible && at.closed && !!at.back, JSON.stringify(at));
  }

  // Every number in reading order by Tab, each announced with its kind and its note.
  if (width !== 768) {
    await page.goto(url);
    const order = await page.evaluate(() => [...document.querySelectorAll('.text .ref button')].map((b) => b.getAttribute('popovertarget')));
    const reached = [];
    await page.locator('.text').evaluate(() => document.querySelector('.how a').focus());
    for (let i = 0; i < order.length * 3 + 40; i++) {
      await page.keyboard.press('Tab');
      const at = await page.evaluate(() => {
        const a = document.activeElement;
        return a?.matches('.text .ref button') ? a.getAttribute('popovertarget') : a?.closest('.notes') ? 'END' : null;
      });
      if (at === 'END') break;
      if (at) reached.push(at);
    }
    const inOrder = reached.length === order.length && reached.every((r, i) => r === order[i]);
    check(`${size}: Tab reaches every mark's number in reading order`, inOrder, `${reached.length} of ${order.length} numbers`);
    if (width === 1440) {
      const cdp = await context.newCDPSession(page);
      const { nodes } = await cdp.send('Accessibility.getFullAXTree');
      const named = nodes.filter((n) => n.role?.value === 'button' && /^(Gloss|Source|Cross-reference|Editor’s note) \d+: /.test(n.name?.value ?? ''));
      const described = named.filter((n) => (n.description?.value ?? '').length > 10);
      const sample = named[3];
      check('a screen reader hears each number as its kind, its title and its note', named.length === order.length && described.length === named.length, `${named.length} of ${order.length} named, ${described.length} described; e.g. “${sample?.name.value}” — “${sample?.description?.value.slice(0, 60)}…”`);
      const landmarks = nodes.filter((n) => ['banner', 'main', 'contentinfo', 'navigation'].includes(n.role?.value)).map((n) => n.role.value);
      const headings = nodes.filter((n) => n.role?.value === 'heading').map((n) => `h${n.properties?.find((p) => p.name === 'level')?.value.value}`);
      check('landmarks and headings', ['banner', 'main', 'contentinfo', 'navigation'].every((l) => landmarks.includes(l)) && headings[0] === 'h1' && headings.filter((h) => h === 'h1').length === 1, `${landmarks.join(', ')}; ${headings.join(' ')}`);
    }
  }

  // Copy a link to a passage (JavaScript), which is not itself copied with the text.
  if (width === 1440) {
    await page.goto(url);
    await page.locator('#p-3').hover();
    await page.locator('#p-3 > .copy').click();
    const plain = await page.evaluate(() => navigator.clipboard.readText());
    check('“copy link” copies the paragraph\'s address', plain === url + '#p-3', plain);
    // With words selected, the link carries a text fragment that finds them.
    await page.evaluate(() => {
      const p = document.getElementById('p-10');
      const texts = [...p.childNodes].filter((n) => n.nodeType === 3 && n.nodeValue.trim().split(' ').length > 6);
      const range = document.createRange();
      range.setStart(texts[0], 0);
      range.setEnd(texts[texts.length - 1], texts[texts.length - 1].nodeValue.length);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    });
    await page.locator('#p-10 > .copy').click();
    const fragment = await page.evaluate(() => navigator.clipboard.readText());
    check('with words selected, the link has a text fragment', fragment.startsWith(url + '#p-10:~:text='), fragment.slice(url.length));
    const { context: c2, page: p2 } = await open(null, { width: 390, height: 844 });
    await p2.goto(url + '#' + fragment.split(':~:')[1].replace(/^/, ':~:'));
    const seen = await p2.waitForFunction(() => scrollY > 500 && document.getElementById('p-10').getBoundingClientRect().top < innerHeight, null, { timeout: 3000 }).then(() => true, () => false);
    const y = await p2.evaluate(() => Math.round(scrollY));
    check('the text fragment alone brings the words into view', seen, `scrolled to ${y}px`);
    await c2.close();
    // Copying a paragraph copies the author's words alone.
    const copied = await page.evaluate(async () => {
      const p = document.getElementById('p-1');
      getSelection().selectAllChildren(p);
      document.execCommand('copy');
      const got = await navigator.clipboard.readText();
      const clone = p.cloneNode(true);
      clone.querySelectorAll('[data-ui]').forEach((e) => e.remove());
      return { got: got.trim(), want: clone.textContent.trim() };
    });
    check('copying a paragraph copies the author\'s words, no numbers or controls', copied.got === copied.want, `${copied.got.length} characters${copied.got === copied.want ? '' : ': ' + copied.got.slice(0, 120)}`);
  }

  // Layers, kept across pages.
  await page.goto(url);
  await layers(page, size, { js: true, url, tag: size });

  // axe-core: the page, a note open, dark.
  await page.goto(url);
  await axeCheck(page, `${size}, reading`);
  const id = await pickNote(page, 'source');
  await page.locator(`[data-test-button="${id}"]`).click();
  await axeCheck(page, `${size}, reading with a note open`);
  await page.keyboard.press('Escape');
  await page.mouse.move(0, 0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await settle(page);
  await axeCheck(page, `${size}, reading, dark`);
  await shot(page, `${size}-reading-dark`);
  if (width === 1440) {
    for (const p of ['index.html', 'glossary.html', 'sources.html', GLOSS, SOURCE]) {
      await page.goto(SITE + p);
      await axeCheck(page, `${size}, ${p}, dark`);
      await page.emulateMedia({ colorScheme: 'light' });
      await axeCheck(page, `${size}, ${p}`);
      await page.emulateMedia({ colorScheme: 'dark' });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });

  check(`${size}: no request outside the site`, outside(log, [SITE]).length === 0, `${log.requests.length} requests, outside: ${outside(log, [SITE]).join(' ') || 'none'}`);
  check(`${size}: no console error, no CSP violation`, log.errors.length === 0, log.errors.join(' | ') || '0');
  await context.close();
}

for (const [width, height] of SIZES) await step(`reading at ${width}x${height}`, () => readingAt(width, height));

/* ---------- JavaScript off ---------- */
async function withoutJs(width, height) {
  const size = `${width}x${height}`;
  section(`reading at ${size}, JavaScript off`);
  const url = SITE + READING;
  const { context, page, log } = await open(url, { width, height, js: false });
  check(`${size}: the script did not run`, !(await page.evaluate(() => document.documentElement.classList.contains('js'))));
  await openNotes(page, `${size} no-JS`, { js: false, tag: `${size}-nojs` });
  const endnotes = await page.evaluate(() => [...document.querySelectorAll('.endnote')].filter((n) => n.getClientRects().length).length);
  check(`${size}: without JavaScript every note is at the end`, endnotes > 70, `${endnotes} notes listed`);
  await layers(page, `${size} no-JS`, { js: false, url, tag: `${size}-nojs` });
  // axe needs JavaScript: it runs on the page as it is drawn without scholia.js.
  const bare = await open(null, { width, height, withoutScholiaJs: true });
  await bare.page.goto(url);
  check(`${size}: the page as drawn without scholia.js`, !(await bare.page.evaluate(() => document.documentElement.classList.contains('js'))));
  await axeCheck(bare.page, `${size}, reading, JavaScript off`);
  const id = await pickNote(bare.page, 'gloss');
  await bare.page.locator(`[data-test-button="${id}"]`).click();
  await axeCheck(bare.page, `${size}, reading, JavaScript off, a note open`);
  check(`${size}: no request outside the site`, outside(log, [SITE]).length === 0, `${log.requests.length} requests`);
  check(`${size}: no console error`, log.errors.length === 0, log.errors.join(' | ') || '0');
  await context.close();
}

for (const [width, height] of SIZES) await step(`reading at ${width}x${height} without JavaScript`, () => withoutJs(width, height));

/* ---------- The narrowest phone ---------- */
section('a 360×640 phone');
for (const js of [true, false]) {
  await step(`360x640${js ? '' : ' without JavaScript'}`, async () => {
    const { page } = await open(SITE + READING, { width: 360, height: 640, js });
    await openNotes(page, `360x640${js ? '' : ' no-JS'}`, { js, tag: `360x640${js ? '' : '-nojs'}` });
  });
}

/* ---------- The other pages and the fixture site ---------- */
section('other pages');
await step('other pages', async () => {
  const { context, page, log } = await open(null, { width: 390, height: 844 });
  for (const p of ['index.html', 'glossary.html', 'sources.html', GLOSS, SOURCE]) {
    await page.goto(SITE + p);
    await axeCheck(page, `390x844, ${p}`);
    if (p === 'glossary.html') await shot(page, '390x844-glossary');
    if (p === GLOSS) await shot(page, '390x844-gloss');
    if (p === SOURCE) await shot(page, '390x844-source');
  }
  if (FIXTURE) {
    for (const p of ['index.html', 'letters/index.html', 'reply/index.html', 'glossary.html', 'sources.html', 'glossary/mole/index.html', 'sources/minutes/index.html']) {
      await page.goto(FIX + p);
      await axeCheck(page, `fixture ${p}`);
    }
    // A cross-reference into another reading, and back.
    await page.goto(FIX + 'letters/index.html');
    await page.locator('.ref[data-kind="xref"] button').click();
    await page.locator('.endnote:popover-open .more a').click();
    await page.waitForURL(/reply\/index\.html#to-/);
    const back = await page.locator(':target + .backref').getAttribute('href');
    check('a cross-reference into another reading, and the way back', /letters\/index\.html#m-\d+$/.test(back ?? ''), `${page.url().slice(FIX.length)} ← ${back}`);
  }
  check('no console error on the other pages', log.errors.length === 0, log.errors.join(' | ') || '0');
  check('no request outside the sites', outside(log, [SITE, FIX]).length === 0, `${log.requests.length} requests`);
  await context.close();
});

/* ---------- From disk ---------- */
section('from disk (file://)');
await step('file://', async () => {
  const url = pathToFileURL(path.join(EXAMPLE, READING)).href;
  const { context, page, log } = await open(url, { width: 1440, height: 900 });
  const state = await page.evaluate(() => ({
    js: document.documentElement.classList.contains('js'),
    css: getComputedStyle(document.body).backgroundColor,
    margin: [...document.querySelectorAll('.sidenote')].filter((s) => s.getClientRects().length).length,
  }));
  check('file://: the stylesheet and the script load', state.js && state.css !== 'rgba(0, 0, 0, 0)' && state.margin > 0, JSON.stringify(state));
  const id = await pickNote(page, 'gloss');
  await page.locator(`[data-test-button="${id}"]`).click();
  const s = await noteState(page, id);
  check('file://: a number opens its note', s.open && s.inside, s.rect);
  await page.keyboard.press('Escape');
  await page.locator('#layer-source').uncheck();
  await page.locator('.site-header a[href$="glossary.html"]').click();
  await page.waitForURL(/glossary\.html$/);
  await page.goBack();
  const kept = await page.evaluate(() => [...document.querySelectorAll('.ref[data-kind="source"]')].filter((r) => r.getClientRects().length).length);
  check('file://: links between pages work and the layers are kept', kept === 0 && !(await page.locator('#layer-source').isChecked()), `${kept} source numbers shown`);
  check('file://: every request is a file of the site', log.requests.every((u) => u.startsWith(pathToFileURL(EXAMPLE).href)), `${log.requests.length} requests`);
  check('file://: no console error', log.errors.length === 0, log.errors.join(' | ') || '0');
  await context.close();
});

/* ---------- Print ---------- */
section('print (Chromium print to PDF, read back with pdftotext)');
async function printed(url, name) {
  const { context, page } = await open(url, { width: 1440, height: 900 });
  // A note left open does not print over the page.
  const id = await pickNote(page, 'gloss');
  if (id) await page.locator(`[data-test-button="${id}"]`).click();
  const expected = await page.evaluate(() =>
    [...document.querySelectorAll('.endnote')].map((n) => ({
      n: n.getAttribute('value'),
      head: (n.querySelector('.note-head dfn, .note-head cite')?.textContent ?? n.querySelector('.note-body p:not(.note-head)')?.textContent ?? '').replace(/\s+/g, ' ').trim().split(' ').slice(0, 4).join(' '),
    })),
  );
  const pdf = path.join(OUT, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: false });
  await context.close();
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdf, path.join(OUT, `${name}-page1`)]);
  const pages = (text.match(/\f/g) ?? []).length;
  // Word joiners keep each number on the line of its word; pdftotext keeps them.
  const flat = text.replace(/\u2060/g, '').replace(/\s+/g, ' ');
  return { text, flat, tight: flat.replace(/ /g, ''), expected, pages };
}
await step('print', async () => {
  const { flat, expected, pages } = await printed(SITE + READING, 'print-reading');
  const notesAt = flat.lastIndexOf('Notes');
  const after = flat.slice(notesAt);
  const found = expected.filter((e) => after.includes(e.head));
  check('the printed reading ends with its notes', notesAt > 0 && found.length === expected.length, `${pages} pages; ${found.length} of ${expected.length} notes found after “Notes”${found.length < expected.length ? '; missing ' + expected.filter((e) => !after.includes(e.head)).map((e) => e.n + ' ' + e.head).join(', ') : ''}`);
  const numbered = ['Ali Khamenei4', 'Spain5', 'Israel8'].filter((w) => flat.slice(0, notesAt).includes(w));
  check('marks print as note numbers', numbered.length === 3, `${numbered.join(', ')}`);
  const absent = ['Show annotations', 'Skip to the text', 'copy link', '¶', '↩', 'All mentions of', 'Glossary Sources', 'Close'].filter((w) => flat.includes(w));
  check('popovers, toggles and navigation do not print', absent.length === 0, absent.length ? `printed: ${absent.join(', ')}` : 'none of them printed');
});
if (FIXTURE) await step('print of the fixture', async () => {
  // A long address may wrap: read it without the spaces pdftotext puts at line ends.
  const { tight } = await printed(FIX + 'letters/index.html', 'print-fixture');
  const urls = (tight.match(/https:\/\/example\.org\/minutes/g) ?? []).length;
  check('the URLs of sources and of the author\'s links print', urls === 2 && tight.includes('<https://example.org/minutes>'), `${urls} printed: the source's, and the link's after its text`);
});

/* ---------- Suites: tests/browser/suites/*.mjs, each a feature's own checks ----------
 * Each module's default export is `async (ctx) => {}`; it runs its checks inside
 * `ctx.step(name, body, { suite: true })` so a failure fails the group, not the run. */
const ctx = {
  browser, open, check, section, step, settle, bounded, runAxe, axeCheck, shot, outside, htmlFiles,
  ORIGIN, SITE, FIX, EXAMPLE, FIXTURE, OUT, READING, SIZES,
  // name → { dir, url } for each site in tests/browser/sites/
  sites: Object.fromEntries(Object.entries(SITES).map(([name, dir]) => [name, { dir, url: `${ORIGIN}/sites/${name}/` }])),
};
const SUITES = path.join(path.dirname(new URL(import.meta.url).pathname), 'suites');
const suites = fs.existsSync(SUITES) ? fs.readdirSync(SUITES).filter((f) => f.endsWith('.mjs')).sort() : [];
for (const file of suites) {
  const name = file.replace(/\.mjs$/, '');
  if (ONLY && ONLY !== name) continue;
  section(`suite ${name}`);
  const suite = await import(pathToFileURL(path.join(SUITES, file)).href);
  await step(`suite ${name}`, () => suite.default(ctx), { suite: true });
}

await browser.close();
server.close();
console.log(`\n${passed} passed, ${failures.length} failed`);
if (failures.length) {
  console.log('\nFailed:\n' + failures.map((f) => `  - ${f}`).join('\n'));
  process.exit(1);
}
