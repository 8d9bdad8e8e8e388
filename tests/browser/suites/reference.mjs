// The site as a reference (issue 10): the timeline and an entry's related entries at a
// phone's width and a desktop's, and the 404 page as a static host serves it, at a deep
// path. The example's pages also go through the page-wide vnu and CSP checks.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const SIZES = [
  [390, 844],
  [1440, 900],
];

async function overflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

// Every link of the page that stays in the site answers 200. Asked from outside the
// page: its CSP (connect-src 'none') forbids fetch.
async function brokenLinks(page, selector) {
  const { hrefs, origin } = await page.evaluate((selector) => ({
    hrefs: [...document.querySelectorAll(selector)].map((e) => e.href || e.src),
    origin: location.origin,
  }), selector);
  const inside = hrefs.filter((h) => h.startsWith(origin));
  const broken = [];
  for (const href of new Set(inside)) {
    const r = await page.request.get(href);
    if (!r.ok()) broken.push(`${href} ${r.status()}`);
  }
  return { count: inside.length, broken };
}

export default async (ctx) => {
  const { open, check, step, axeCheck, shot, SITE } = ctx;

  for (const [width, height] of SIZES) {
    const tag = `${width}x${height}`;
    await step(`timeline at ${tag}`, async () => {
      const { page } = await open(`${SITE}timeline.html`, { width, height });
      const o = await overflow(page);
      check(`${tag} timeline: no horizontal overflow`, o <= 0, `${o}px`);
      const rows = await page.evaluate(() =>
        [...document.querySelectorAll('.tl-rows li')].map((li) => {
          const bar = li.querySelector('svg.tl-bar').getBoundingClientRect();
          const mark = li.querySelector('.tl-span, .tl-point').getBoundingClientRect();
          return {
            label: li.querySelector('a').textContent,
            inside: mark.left >= bar.left - 1 && mark.right <= bar.right + 1 && mark.width > 0,
            barWidth: bar.width,
          };
        }),
      );
      check(`${tag} timeline: every row has its mark inside its bar`, rows.length >= 20 && rows.every((r) => r.inside), `${rows.length} rows; outside: ${rows.filter((r) => !r.inside).map((r) => r.label).join(', ') || 'none'}`);
      const narrowest = Math.min(...rows.map((r) => r.barWidth));
      check(`${tag} timeline: bars are wide enough to read`, narrowest >= 300, `${Math.round(narrowest)}px`);
      // The axis: its labels side by side without overlapping, all inside the window.
      const labels = await page.evaluate(() =>
        [...document.querySelectorAll('.tl-year')].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, left: r.left, right: r.right };
        }),
      );
      const overlaps = labels.slice(1).filter((l, i) => l.left < labels[i].right + 2);
      check(`${tag} timeline: axis labels do not overlap`, labels.length >= 4 && overlaps.length === 0, `${labels.map((l) => l.text).join(' ')}; overlapping: ${overlaps.map((l) => l.text).join(', ') || 'none'}`);
      const vw = await page.evaluate(() => document.documentElement.clientWidth);
      check(`${tag} timeline: axis labels inside the window`, labels.every((l) => l.left >= 0 && l.right <= vw), labels.map((l) => `${l.text}@${Math.round(l.left)}–${Math.round(l.right)}`).join(' '));
      const note = await page.textContent('.tl-note');
      check(`${tag} timeline: the broken axis is said in words`, /broken/.test(note) && /683 to 1775/.test(note), note.slice(0, 120));
      // What a screen reader gets: the list, with its links; the drawing hidden.
      const hidden = await page.evaluate(() => [...document.querySelectorAll('svg')].every((s) => s.closest('[aria-hidden="true"]')));
      check(`${tag} timeline: the drawing is hidden from assistive technology`, hidden);
      const links = await brokenLinks(page, '.tl-rows a');
      check(`${tag} timeline: each item links to its page`, links.count === rows.length && links.broken.length === 0, `${links.count} links; broken: ${links.broken.join(', ') || 'none'}`);
      await axeCheck(page, `${tag}, timeline`);
      await shot(page, `${tag}-timeline`, { fullPage: true });
    }, { suite: true });

    await step(`related entries at ${tag}`, async () => {
      const { page } = await open(`${SITE}glossary/khamenei/index.html`, { width, height });
      const o = await overflow(page);
      check(`${tag} entry page: no horizontal overflow`, o <= 0, `${o}px`);
      const related = await page.evaluate(() => ({
        heading: document.querySelector('#related-title')?.textContent,
        linked: document.querySelectorAll('.related ul.related-list li').length,
        together: [...document.querySelectorAll('.related ol.related-list li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
      }));
      check(`${tag} entry page: related entries, linked and met in the same paragraphs`, related.heading === 'Related entries' && related.linked >= 1 && related.together.length >= 3 && related.together.every((t) => /\(\d+ paragraphs?\)$/.test(t)), `${related.linked} referring; ${related.together.join('; ')}`);
      const links = await brokenLinks(page, '.related a');
      check(`${tag} entry page: related links work`, links.count > 0 && links.broken.length === 0, `${links.count} links; broken: ${links.broken.join(', ') || 'none'}`);
      await axeCheck(page, `${tag}, entry page with related entries`);
      await page.locator('.related').scrollIntoViewIfNeeded();
      await shot(page, `${tag}-related`);
    }, { suite: true });
  }

  // A static host serves 404.html for any missing address. The example has no base_url,
  // so its 404 page links from the host's root: serve it there, as such a host would.
  await step('404 page at a deep path', async () => {
    const root = ctx.EXAMPLE;
    const server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://127.0.0.1');
      let rel = decodeURIComponent(url.pathname);
      if (rel.endsWith('/')) rel += 'index.html';
      const file = path.join(root, rel);
      const types = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml' };
      if (file.startsWith(root) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
        res.end(fs.readFileSync(file));
      } else {
        res.writeHead(404, { 'content-type': types['.html'] });
        res.end(fs.readFileSync(path.join(root, '404.html')));
      }
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${server.address().port}`;
    try {
      for (const [width, height] of SIZES) {
        const tag = `${width}x${height}`;
        const { page, log } = await open(`${origin}/no/such/reading/deep/page.html`, { width, height });
        const styled = await page.evaluate(() => ({
          sheets: document.styleSheets.length && document.styleSheets[0].cssRules.length,
          font: getComputedStyle(document.body).fontFamily,
        }));
        check(`${tag} 404 at a deep path: styled`, styled.sheets > 0 && /Charter|serif/.test(styled.font), `${styled.sheets} rules; ${styled.font}`);
        // The links, the stylesheet, the script and the icon: all from the host's root.
        const links = await brokenLinks(page, 'a[href]:not([href^="#"]), link[href], script[src]');
        check(`${tag} 404 at a deep path: every link and file it names works`, links.count >= 10 && links.broken.length === 0, `${links.count} links; broken: ${links.broken.join(', ') || 'none'}`);
        // The one error the console may show is the page's own status, 404.
        const errors = log.errors.filter((e) => !/status of 404/.test(e));
        const notFound = log.errors.length - errors.length;
        check(`${tag} 404 at a deep path: no console error but its own 404`, errors.length === 0 && notFound === 1, `${notFound} × 404; ${errors.join('; ') || 'no other'}`);
        await page.click('main a[href$="glossary.html"]');
        check(`${tag} 404: its link to the glossary opens it`, new URL(page.url()).pathname === '/glossary.html', page.url());
        const back = await open(`${origin}/a/b/c/`, { width, height });
        await axeCheck(back.page, `${tag}, 404 page`);
        await shot(back.page, `${tag}-404`);
      }
    } finally {
      server.close();
    }
  }, { suite: true });
};
