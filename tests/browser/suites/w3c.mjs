// The export anchors on the page it names (docs/export.md): third-party W3C matchers,
// loaded into the published reading, find every exported annotation there.
//
// Two matchers, bundled from node_modules with esbuild (no install script needed: its
// binary is the optional package @esbuild/linux-x64) and evaluated in the page:
// - @apache-annotator/dom, strict: every match of a TextQuoteSelector (exact, prefix and
//   suffix as they are) in the text container, and its TextPositionSelector;
// - dom-anchor-text-quote, the fuzzy matcher Hypothesis's client uses, given the
//   position as its hint as that client does (and, for the record, without one).
// For the example's reading and the reading of tests/browser/sites/w3c (every kind of
// block), from file:// and over HTTP (scholia.js running, as a reader has it), and over
// HTTP without scholia.js, each passage of each annotation (targets, and the `to`
// passage of cross-references on this page) must be found exactly once by the strict
// matcher, at the code points its TextPositionSelector gives (text.txt's, which the
// page's text container reads as), by the position matcher on the same words, and by the
// fuzzy one on the same words too. A passage scholia marks must be anchored on its mark:
// every word of the range inside the `.mark` of the annotation's kind and id; and there
// must be as many passages anchored on their marks as the page has marks.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const REPO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');

async function bundle() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: {
      contents: `
        import { createTextQuoteSelectorMatcher, createTextPositionSelectorMatcher } from '@apache-annotator/dom';
        import { toRange } from 'dom-anchor-text-quote';
        window.__w3c = { createTextQuoteSelectorMatcher, createTextPositionSelectorMatcher, toRange };`,
      resolveDir: REPO,
    },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

// Runs in the page: anchors every passage and says what it found.
async function anchorAll(passages) {
  const { createTextQuoteSelectorMatcher, createTextPositionSelectorMatcher, toRange } = window.__w3c;
  const scope = document.querySelector('.text');
  const codePoints = (s) => [...s].length;
  // A range's place in the text container, in code points (the W3C model's unit).
  function place(range) {
    const before = document.createRange();
    before.setStart(scope, 0);
    before.setEnd(range.startContainer, range.startOffset);
    return { start: codePoints(before.toString()), text: range.toString() };
  }
  // Whether every word of the range is inside a mark of this kind and id.
  function onMark(range, kind, id, role) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    let words = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!range.intersectsNode(node)) continue;
      const from = node === range.startContainer ? range.startOffset : 0;
      const to = node === range.endContainer ? range.endOffset : node.data.length;
      if (to <= from || !node.data.slice(from, to).trim()) continue;
      let mark = node.parentElement.closest('.mark');
      while (mark && !(mark.dataset.kind === kind && mark.dataset.id === id && (mark.dataset.role ?? null) === role)) {
        mark = mark.parentElement.closest('.mark');
      }
      if (!mark) return false;
      words++;
    }
    return words > 0;
  }
  const results = [];
  for (const p of passages) {
    const r = { id: p.id, exact: p.quote.exact, strict: 0, at: null, position: null, fuzzy: null, onMark: false };
    try {
      const found = [];
      for await (const range of createTextQuoteSelectorMatcher(p.quote)(scope)) found.push(range);
      r.strict = found.length;
      if (found.length) {
        const { start, text } = place(found[0]);
        r.at = start === p.position.start && text === p.quote.exact;
        r.onMark = onMark(found[0], p.kind, p.markId, p.role);
        r.atText = `${start} ${JSON.stringify(text)}`;
      }
      for await (const range of createTextPositionSelectorMatcher(p.position)(scope)) {
        r.position = range.toString() === p.quote.exact;
        break;
      }
      // As Hypothesis's client calls it: with the position as a hint (in UTF-16 units,
      // the matcher's), and, for the record, without one.
      const hint = [...scope.textContent].slice(0, p.position.start).join('').length;
      const on = (range) => {
        if (!range) return false;
        const { start, text } = place(range);
        return start === p.position.start && text === p.quote.exact;
      };
      r.fuzzy = on(toRange(scope, p.quote, { hint }));
      r.fuzzyNoHint = on(toRange(scope, p.quote));
    } catch (e) {
      r.error = String(e.message ?? e);
    }
    results.push(r);
  }
  // Every mark's first fragment (the one with an id): is it where some passage anchored?
  const marks = [...scope.querySelectorAll('.mark[id]')].length;
  return { results, marks, text: scope.textContent };
}

// Every passage of the collection on this page, with the mark it should stand on.
function passagesOf(collection, page) {
  const out = [];
  for (const a of collection.first?.items ?? []) {
    const fragment = a.id.split('#')[1];
    const [, kind, rest] = fragment.match(/^(gloss|source|xref|note)-(.*)$/);
    const markId = kind === 'gloss' || kind === 'source' ? rest.replace(/-\d+$/, '') : rest;
    const targets = [{ resource: a.target, role: null }];
    for (const b of a.body) if (b.type === 'SpecificResource') targets.push({ resource: b, role: 'target' });
    for (const { resource, role } of targets) {
      if (!resource.source.endsWith(page)) continue;
      const quote = resource.selector.find((s) => s.type === 'TextQuoteSelector');
      const position = resource.selector.find((s) => s.type === 'TextPositionSelector');
      out.push({ id: fragment + (role ? ' (to)' : ''), kind, markId, role, quote, position });
    }
  }
  return out;
}

export default async (ctx) => {
  const { check, step, open, EXAMPLE, SITE, READING, sites } = ctx;
  const source = await bundle();
  // The example, and a reading with every kind of block and inline element
  // (tests/browser/sites/w3c: headings, lists, a table, code, a footnote, line breaks,
  // text beyond the Basic Multilingual Plane, a pull quote, a cross-reference's target).
  const readings = [['the example', EXAMPLE, SITE, READING]];
  if (sites.w3c) readings.push(['every block', sites.w3c.dir, sites.w3c.url, 'blocks/index.html']);
  check('w3c: the fixture site with every kind of block is built', !!sites.w3c);
  for (const [name, dir, http, reading] of readings) {
    const slug = reading.split('/')[0];
    const collection = JSON.parse(fs.readFileSync(path.join(dir, slug, 'annotations.jsonld'), 'utf8'));
    const textTxt = fs.readFileSync(path.join(dir, slug, 'text.txt'), 'utf8');
    const passages = passagesOf(collection, reading);
    const ways = [
      ['file://', pathToFileURL(path.join(dir, reading)).href, true],
      ['HTTP', http + reading, true],
      ['HTTP without scholia.js', http + reading, false],
    ];
    for (const [way, url, js] of ways) {
      const how = `${name}, ${way}`;
      await step(`w3c: ${how}`, async () => {
        // Without scholia.js the HTML is as the server sent it (the matcher still runs,
        // as a reader's extension does).
        const { context, page, log } = await open(url, { width: 1440, height: 900, withoutScholiaJs: !js });
        if (js) await page.waitForFunction(() => document.querySelector('.sidenotes'));
        // The matchers are evaluated in the page, as an extension's content script is.
        await page.evaluate(source);
        const got = await page.evaluate(anchorAll, passages);
        report(how, got, textTxt, collection.total);
        check(`w3c: ${how}: no console error`, log.errors.length === 0, log.errors.join(' | ') || '0');
        await context.close();
      }, { suite: true });
    }
  }

  function report(how, { results, marks, text }, textTxt, total) {
    const list = (rs) => rs.slice(0, 5).map((r) => `${r.id} ${JSON.stringify(r.exact)}${r.error ? ' ' + r.error : ''}${r.atText ? ' at ' + r.atText : ''}`).join('; ');
    check(`w3c: ${how}: the text container's text is text.txt`, text === textTxt, text === textTxt ? `${[...text].length} code points` : `first difference at ${[...text].findIndex((c, i) => c !== [...textTxt][i])}`);
    const once = results.filter((r) => r.strict === 1 && r.at);
    check(`w3c: ${how}: @apache-annotator/dom anchors every exported annotation exactly once, on its words`, once.length === results.length && results.length >= total,
      `${once.length} of ${results.length} passages (${total} annotations)${once.length < results.length ? '; not: ' + list(results.filter((r) => !(r.strict === 1 && r.at))) : ''}`);
    const positioned = results.filter((r) => r.position);
    check(`w3c: ${how}: its TextPositionSelector matcher finds the same words`, positioned.length === results.length, `${positioned.length} of ${results.length}${positioned.length < results.length ? '; not: ' + list(results.filter((r) => !r.position)) : ''}`);
    const fuzzy = results.filter((r) => r.fuzzy);
    const noHint = results.filter((r) => r.fuzzyNoHint).length;
    check(`w3c: ${how}: dom-anchor-text-quote (Hypothesis's matcher, its position as the hint) anchors every one on its words`, fuzzy.length === results.length,
      `${fuzzy.length} of ${results.length}${fuzzy.length < results.length ? '; not: ' + list(results.filter((r) => !r.fuzzy)) : ''}; without a hint ${noHint} of ${results.length}`);
    // Sources, cross-references and notes are marked wherever they are; a gloss on its
    // marked mentions (the first, by default).
    const mustMark = results.filter((r) => !r.id.startsWith('gloss-'));
    const marked = results.filter((r) => r.onMark);
    check(`w3c: ${how}: each anchors on the words scholia marked`, mustMark.every((r) => r.onMark) && marked.length >= marks,
      `${marked.length} passages on their marks (${mustMark.filter((r) => r.onMark).length} of ${mustMark.length} sources, cross-references and notes), ${marks} marks on the page${mustMark.some((r) => !r.onMark) ? '; not: ' + list(mustMark.filter((r) => !r.onMark)) : ''}`);
  }
};
