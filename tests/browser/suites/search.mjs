// Search (templates/search.js, src/search.rs): on the example, from file:// and over HTTP,
// on the reading and on glossary pages, "Rafsanjani" lists his entry and the paragraphs that
// mention him; Enter opens the first result; `/` focuses the box, arrows move, Esc closes;
// axe finds nothing with the results open; no CSP violation. Without JavaScript the box is
// not shown. On the 1,000-reading benchmark site (built by tests/browser.rs into
// $SCHOLIA_SEARCH_BENCH), no query loads more than 300 KB of index.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BUDGET = 300 * 1000;

export default async (ctx) => {
  const { open, check, axeCheck, shot, SITE, EXAMPLE, READING } = ctx;
  const step = (name, body) => ctx.step(name, body, { suite: true });

  // Opens a page with CSP violations recorded from the first script on.
  async function visit(url, options) {
    const opened = await open(null, options);
    await opened.page.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await opened.page.goto(url);
    return opened;
  }
  // Types a query and waits for the status line to answer it.
  async function query(page, text) {
    await page.evaluate(() => (document.querySelector('.search-status').textContent = ''));
    await page.locator('#search-input').fill(text);
    await page.waitForFunction(() => document.querySelector('.search-status').textContent !== '');
    return page.evaluate(() => ({
      status: document.querySelector('.search-status').textContent,
      expanded: document.querySelector('#search-input').getAttribute('aria-expanded'),
      options: [...document.querySelectorAll('#search-results [role="option"]')].map((li) => ({
        kind: li.className,
        title: li.querySelector('.search-title')?.textContent ?? '',
        href: li.dataset.href ?? '',
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      })),
    }));
  }

  // The paragraphs of the example that name him, read from the page itself.
  const html = fs.readFileSync(path.join(EXAMPLE, READING), 'utf8');
  const expected = [...html.matchAll(/<p id="(p-\d+)"[^]*?<\/p>/g)]
    .filter((m) => m[0].replace(/<[^>]*>/g, '').includes('Rafsanjani'))
    .map((m) => m[1]);

  const pages = [READING, 'glossary.html', 'glossary/aznar/index.html'];
  for (const [how, root] of [['HTTP', SITE], ['file://', pathToFileURL(EXAMPLE).href + '/']]) {
    for (const p of pages) {
      await step(`search ${how} ${p}`, async () => {
        const { page, log } = await visit(root + p, { width: 1440, height: 900 });
        const visible = await page.locator('#search-input').isVisible();
        check(`search ${how} ${p}: the box is shown`, visible);
        const r = await query(page, 'Rafsanjani');
        const first = r.options[0] ?? {};
        check(`search ${how} ${p}: his entry comes first`, first.kind === 'search-entry' && first.title === 'Akbar Hashemi Rafsanjani' && first.href === 'glossary/rafsanjani/index.html', JSON.stringify(first));
        const found = r.options.filter((o) => o.kind === 'search-paragraph').map((o) => o.href.split('#')[1]);
        const all = expected.length > 0 && expected.every((id) => found.includes(id)) && found.every((id) => expected.includes(id));
        check(`search ${how} ${p}: every paragraph that names him, and no other`, all, `found ${found.join(', ')}; expected ${expected.join(', ')}`);
        const marked = r.options.filter((o) => o.kind === 'search-paragraph').every((o) => o.marks.some((m) => m.toLowerCase().startsWith('rafsanjani')));
        check(`search ${how} ${p}: the hit is highlighted in each paragraph`, marked && found.length > 0);
        check(`search ${how} ${p}: the list is open and its count said`, r.expanded === 'true' && /1 entry and \d+ paragraph/.test(r.status), r.status);
        if (how === 'HTTP' && p === 'glossary.html') await shot(page, 'search-rafsanjani-1440');
        await page.keyboard.press('Enter');
        await page.waitForURL(/glossary\/rafsanjani\/index\.html$/);
        check(`search ${how} ${p}: Enter opens the first result`, true, page.url().slice(root.length));
        const csp = await page.evaluate(() => window.__csp);
        check(`search ${how} ${p}: no CSP violation, no console error`, csp.length === 0 && log.errors.length === 0, [...csp, ...log.errors].join(' | ') || '0');
        if (how === 'file://') check(`search ${how} ${p}: every request is a file of the site`, log.requests.every((u) => u.startsWith(root)), `${log.requests.length} requests`);
      });
    }
  }

  await step('search: the keyboard, the screen reader, the look', async () => {
    for (const [width, height] of [[390, 844], [1440, 900]]) {
      const { page, log } = await visit(SITE + READING, { width, height });
      await page.locator('body').click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('/');
      const focused = await page.evaluate(() => document.activeElement?.id);
      check(`search ${width}px: / focuses the box`, focused === 'search-input', focused);
      const typed = await page.locator('#search-input').inputValue();
      check(`search ${width}px: the / is not typed into it`, typed === '', JSON.stringify(typed));
      const r = await query(page, 'khamenei war');
      check(`search ${width}px: a query of two words finds entries or paragraphs holding both`, r.options.length > 1, r.status);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowDown');
      const state = await page.evaluate(() => {
        const input = document.querySelector('#search-input');
        const id = input.getAttribute('aria-activedescendant');
        const selected = [...document.querySelectorAll('[role="option"][aria-selected="true"]')].map((o) => o.id);
        return { id, selected, index: [...document.querySelectorAll('[role="option"]')].findIndex((o) => o.id === id), href: document.getElementById(id)?.dataset.href };
      });
      check(`search ${width}px: arrows move the active option`, state.index === 1 && state.selected.length === 1 && state.selected[0] === state.id, JSON.stringify(state));
      await shot(page, `search-${width}`);
      await axeCheck(page, `search results open at ${width}px`);
      const inside = await page.evaluate(() => {
        const r = document.querySelector('#search-results').getBoundingClientRect();
        return r.left >= 0 && r.right <= document.documentElement.clientWidth + 0.5 && r.height > 0;
      });
      check(`search ${width}px: the results fit the width`, inside);
      await page.keyboard.press('Escape');
      const closed = await page.evaluate(() => document.querySelector('#search-results').getClientRects().length === 0 && document.querySelector('#search-input').getAttribute('aria-expanded') === 'false');
      check(`search ${width}px: Esc closes the list`, closed);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction((href) => window.location.href.endsWith(href), state.href);
      check(`search ${width}px: Enter opens the active option`, true, state.href);
      const csp = await page.evaluate(() => window.__csp);
      check(`search ${width}px: no CSP violation, no console error`, csp.length === 0 && log.errors.length === 0, [...csp, ...log.errors].join(' | ') || '0');
    }
    {
      // Enter at once, before the results are in: the first of them opens when they come.
      const { page } = await visit(SITE + READING, { width: 1440, height: 900 });
      await page.locator('#search-input').fill('Rafsanjani');
      await page.keyboard.press('Enter');
      await page.waitForURL(/glossary\/rafsanjani\/index\.html$/);
      check('search: Enter pressed before the results are in opens the first of them', true);
    }
    const { page } = await visit(SITE + READING, { width: 1440, height: 900, js: false });
    check('search: without JavaScript the box is not shown', !(await page.locator('#search-input').isVisible()));
  });

  const bench = process.env.SCHOLIA_SEARCH_BENCH;
  if (!bench) {
    check('search: the 1,000-reading site was built (SCHOLIA_SEARCH_BENCH)', false, 'tests/browser.rs builds it when this suite runs');
    return;
  }
  await step('search: bytes of index a query loads on the 1,000-reading site', async () => {
    const glossary = fs.readFileSync(path.join(bench, 'glossary.html'), 'utf8');
    const heads = [...glossary.matchAll(/<a class="term" href="glossary\/[^"]+">([^<]+)<\/a>/g)].slice(0, 4).map((m) => m[1]);
    const queries = ['a', 'th', 'the', 'reading', 'synthetic', 'the rare printer', 'letter of the', 'zq', 're', 's', '1', ...heads];
    const sizes = [];
    const reading = pathToFileURL(path.join(bench, 'reading-0001/index.html')).href;
    for (const q of queries) {
      const { page, log, context } = await visit(reading, { width: 1440, height: 900 });
      const r = await query(page, q);
      const files = [...new Set(log.requests.filter((u) => u.includes('/search/')))];
      const bytes = files.reduce((n, u) => n + fs.statSync(fileURLToPath(u)).size, 0);
      sizes.push([bytes, q, r.options.length]);
      await context.close();
    }
    sizes.sort((a, b) => a[0] - b[0]);
    const max = sizes[sizes.length - 1];
    const median = sizes[Math.floor(sizes.length / 2)];
    check('search: no query loads more than 300 KB of index on the 1,000-reading site', max[0] <= BUDGET, `max ${max[0]} B ("${max[1]}"), median ${median[0]} B, over ${sizes.length} queries: ${sizes.map((s) => `"${s[1]}" ${s[0]} B ${s[2]} results`).join('; ')}`);
    check('search: queries on the 1,000-reading site find results', sizes.filter((s) => s[2] > 0).length >= sizes.length - 2);
  });
};
