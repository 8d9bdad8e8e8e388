// A site in Persian (tests/browser/sites/rtl): the page reads right to left.
//
// At 390 and 1440 px: the page is lang=fa dir=rtl and its text runs right to left; the
// theme's words are Persian; at 1440 the margin notes stand to the LEFT of the text (the
// inline end), none overlapping another or the text; each note opened from its number
// is inside the window; axe-core finds nothing. Without JavaScript, the notes list is
// indented from the right. The glossary groups under Persian letters, and a gloss's
// original in another script carries its own lang and dir. Screenshots go to
// target/screenshots/rtl-*.png.

const SIZES = [
  [390, 844],
  [1440, 900],
];

export default async (ctx) => {
  const site = ctx.sites.rtl;
  if (!site) {
    ctx.check('rtl: the Persian fixture site was built', false, 'no tests/browser/sites/rtl');
    return;
  }
  const reading = site.url + 'tehran/index.html';

  for (const [width, height] of SIZES) {
    const size = `${width}×${height}`;
    const { context, page, log } = await ctx.open(reading, { width, height });
    // The margin notes are placed once the page has laid out.
    await page.waitForLoadState('load');
    await page.waitForTimeout(300);

    const page1 = await page.evaluate(() => {
      const html = document.documentElement;
      const p = document.querySelector('.text p');
      const main = document.querySelector('main').getBoundingClientRect();
      const r = p.getBoundingClientRect();
      return {
        lang: html.lang,
        dir: html.dir,
        direction: getComputedStyle(p).direction,
        // A right-to-left paragraph starts at the right: its right edge is the main
        // column's, less the padding; its left edge may be anywhere.
        startGap: Math.round(main.right - r.right),
        notesTitle: document.getElementById('notes-title').textContent,
        legend: document.querySelector('.layers legend')?.textContent ?? '',
      };
    });
    ctx.check(`rtl ${size}: the page is lang=fa dir=rtl`, page1.lang === 'fa' && page1.dir === 'rtl' && page1.direction === 'rtl', JSON.stringify(page1));
    ctx.check(`rtl ${size}: the text starts at the right of its column`, page1.startGap <= 24, `${page1.startGap}px from the right edge of main`);
    ctx.check(`rtl ${size}: the theme's words are Persian`, page1.notesTitle === 'یادداشت‌ها' && page1.legend === 'نمایش حاشیه‌ها', `${page1.notesTitle} / ${page1.legend}`);

    if (width >= 1200) {
      const m = await page.evaluate(() => {
        const text = document.querySelector('.text').getBoundingClientRect();
        const sides = [...document.querySelectorAll('.sidenote')].filter((s) => s.getClientRects().length);
        const rects = sides.map((s) => s.getBoundingClientRect());
        const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        let overlaps = 0;
        for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) if (meet(rects[i], rects[j])) overlaps++;
        const blocks = [...document.querySelectorAll('.text > *:not(.sidenotes)')].map((p) => p.getBoundingClientRect());
        let overText = 0;
        for (const a of rects) for (const b of blocks) if (meet(a, b)) overText++;
        return {
          count: sides.length,
          notes: document.querySelectorAll('.endnote').length,
          left: rects.every((r) => r.right <= text.left),
          gap: rects.length ? Math.round(text.left - Math.max(...rects.map((r) => r.right))) : 0,
          inWindow: rects.every((r) => r.left >= 0 && r.right <= document.documentElement.clientWidth),
          overlaps,
          overText,
          borderRight: rects.length ? getComputedStyle(sides[0]).borderRightWidth : '',
        };
      });
      ctx.check(`rtl ${size}: every note has a margin note`, m.count === m.notes && m.count > 0, `${m.count} of ${m.notes}`);
      ctx.check(`rtl ${size}: the margin notes are on the left of the text`, m.left, `${m.gap}px between the notes and the text`);
      ctx.check(`rtl ${size}: the margin notes are inside the window`, m.inWindow);
      ctx.check(`rtl ${size}: no margin note overlaps another or the text`, m.overlaps === 0 && m.overText === 0, `${m.overlaps} overlaps, ${m.overText} over the text`);
      ctx.check(`rtl ${size}: a margin note's rule is on its text side (right)`, m.borderRight === '3px', `border-right ${m.borderRight}`);
    }
    await ctx.shot(page, `rtl-reading-${width}`, { fullPage: true });

    // Each number opens its note inside the window; Esc closes it.
    const buttons = await page.locator('.text .ref button').count();
    let opened = 0;
    let inside = 0;
    const rects = [];
    for (let i = 0; i < buttons; i++) {
      const button = page.locator('.text .ref button').nth(i);
      await button.scrollIntoViewIfNeeded();
      await button.click();
      await page.waitForTimeout(50);
      const r = await page.evaluate(() => {
        const open = document.querySelector('.endnote:popover-open');
        if (!open) return null;
        const b = open.getBoundingClientRect();
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, vw: document.documentElement.clientWidth, vh: window.innerHeight };
      });
      if (r) {
        opened++;
        if (r.left >= 0 && r.right <= r.vw && r.top >= 0 && r.bottom <= r.vh) inside++;
        rects.push(`${Math.round(r.left)}–${Math.round(r.right)} × ${Math.round(r.top)}–${Math.round(r.bottom)}`);
      }
      if (i === 0) await ctx.shot(page, `rtl-popover-${width}`);
      await page.keyboard.press('Escape');
    }
    console.log(rects.map((r) => `     ${r}`).join('\n'));
    ctx.check(`rtl ${size}: each number opens its note`, buttons > 0 && opened === buttons, `${opened} of ${buttons}`);
    ctx.check(`rtl ${size}: each open note is inside the window`, inside === buttons, `${inside} of ${buttons}`);

    await ctx.axeCheck(page, `rtl reading ${size}`);
    ctx.check(`rtl ${size}: no script errors`, log.errors.length === 0, log.errors.join('; '));
    await context.close();
  }

  // Without JavaScript the notes are a list at the end, indented from the right.
  {
    const { context, page } = await ctx.open(reading, { width: 390, height: 844, js: false });
    const list = await page.evaluate(() => {
      const ol = getComputedStyle(document.querySelector('.endnotes'));
      return { right: ol.paddingRight, left: ol.paddingLeft, dir: document.documentElement.dir };
    });
    ctx.check('rtl without JavaScript: the notes list is indented from the right', list.dir === 'rtl' && list.right === '28px' && list.left === '0px', JSON.stringify(list));
    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => ({
      notes: [...document.querySelectorAll('.endnote')].filter((n) => getComputedStyle(n).display !== 'none').length,
      direction: getComputedStyle(document.querySelector('.text p')).direction,
    }));
    ctx.check('rtl print: the text is right to left and every note prints', printed.direction === 'rtl' && printed.notes > 0, JSON.stringify(printed));
    await context.close();
  }

  // The glossary: Persian letters as headings, an original in another script isolated
  // with its own lang and dir.
  for (const [width, height] of SIZES) {
    const { context, page } = await ctx.open(site.url + 'glossary.html', { width, height });
    const g = await page.evaluate(() => ({
      letters: [...document.querySelectorAll('.letter')].map((h) => h.textContent),
      original: (() => {
        const o = document.querySelector('.original[lang="en"]');
        return o ? { text: o.textContent, dir: o.dir, tag: o.tagName } : null;
      })(),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    ctx.check(`rtl glossary ${width}: grouped under Persian letters`, g.letters.length > 0 && g.letters.every((l) => /^[\u0600-\u06FF]$/.test(l)), g.letters.join(' '));
    ctx.check(`rtl glossary ${width}: an English original is isolated, left to right`, g.original?.text === 'UNESCO' && g.original.dir === 'ltr' && g.original.tag === 'BDI', JSON.stringify(g.original));
    ctx.check(`rtl glossary ${width}: nothing overflows sideways`, g.overflow <= 0, `${g.overflow}px`);
    await ctx.axeCheck(page, `rtl glossary ${width}`);
    await ctx.shot(page, `rtl-glossary-${width}`, { fullPage: true });
    await context.close();
  }
};
