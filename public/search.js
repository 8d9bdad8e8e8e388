/* scholia search: the box in the header and the index it loads piece by piece.
 *
 * 1. The box is shown: without JavaScript it stays hidden, and the glossary is the way in.
 * 2. A query's words are folded as src/search.rs folds the site's (NFD, no combining marks,
 *    lowercase; CJK one character a word). The manifest (search/index.js), then the shards
 *    holding the words, then the text files of the best paragraphs load as <script src>
 *    files, which work from file:// as over HTTP and under script-src 'self'; a query never
 *    loads more than BUDGET bytes of index.
 * 3. Every word of the query is a prefix: entries whose headword matches come first, then
 *    other entries, then paragraphs by their BM25 score.
 * 4. The input is an ARIA combobox controlling a listbox; a live status line says the count.
 *    `/` focuses it, arrows move, Enter opens (the first result if none is chosen), Esc closes.
 *    What it says is in the site's language: the template gives the box the theme's words
 *    (data-t-*), as it gives scholia.js the reading's.
 */
(() => {
  'use strict';
  const box = document.querySelector('[data-search]');
  const script = document.currentScript;
  if (!box || !script) return;
  const base = script.src.replace(/search\.js([?#].*)?$/, '');
  const input = box.querySelector('input');
  const list = box.querySelector('[role="listbox"]');
  const status = box.querySelector('[role="status"]');
  box.hidden = false;

  const ENGLISH = {
    entry: '{n} entry', entries: '{n} entries', paragraph: '{n} paragraph', paragraphs: '{n} paragraphs',
    found: '{entries} and {paragraphs}.', best: '{entries} and {paragraphs} (the best {shown} of {n}).',
    keys: 'Arrows to move, Enter to open.', none: 'No results.', mark: '¶{p}',
  };
  const say = (key, values = {}) => {
    let s = box.dataset[`t${key.charAt(0).toUpperCase()}${key.slice(1)}`] || ENGLISH[key];
    for (const [k, v] of Object.entries(values)) s = s.split(`{${k}}`).join(v);
    return s;
  };
  const count = (n, one, many) => say(n === 1 ? one : many, { n });

  const BUDGET = 300000;
  const SHARDS = 200000;
  const MAX_WORDS = 3;
  const MAX_PARAGRAPHS = 8;
  const MAX_ENTRIES = 6;

  /* ---------- Loading ---------- */
  const waiting = new Map();
  const loaded = new Map();
  let spent = 0;
  const arrived = (id, data) => {
    const resolve = waiting.get(id);
    waiting.delete(id);
    if (resolve) resolve(data);
  };
  window.scholiaSearch = {
    index: (key, data) => arrived('index', data),
    shard: (key, data) => arrived(`shard:${key}`, data),
    text: (key, data) => arrived(`text:${key}`, data),
  };
  function load(file, id, size) {
    if (loaded.has(file)) return loaded.get(file);
    spent += size;
    const promise = new Promise((resolve) => {
      waiting.set(id, resolve);
      const tag = document.createElement('script');
      tag.src = base + file;
      tag.onload = tag.onerror = () => arrived(id, null);
      document.head.append(tag);
    });
    loaded.set(file, promise);
    return promise;
  }
  let manifest = null;
  async function index() {
    if (!manifest) {
      manifest = load('search/index.js', 'index', 0).then((data) => {
        if (data) spent += JSON.stringify(data).length;
        return data;
      });
    }
    return manifest;
  }
  const hex = (key) => Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, '0')).join('');
  const shard = (m, key) => load(`search/s/${hex(key)}.js`, `shard:${key}`, m.s[key]);

  /* ---------- Words ---------- */
  const ARABIC = { '\u064a': '\u06cc', '\u0649': '\u06cc', '\u0643': '\u06a9' };
  const fold = (s) => s.normalize('NFD').replace(/\p{M}|\u0640/gu, '')
    .replace(/[\u064a\u0649\u0643\u0660-\u0669]/g, (c) => ARABIC[c] ?? String.fromCharCode(c.charCodeAt(0) - 0x0660 + 0x06f0))
    .toLowerCase();
  const CJK = /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3ffff}]/u;
  const LETTER = /[\p{Alphabetic}\p{N}]/u;
  function words(text) {
    const out = [];
    let word = null;
    const end = () => {
      if (word) out.push(word);
      word = null;
    };
    let i = 0;
    for (const c of text) {
      const f = fold(c);
      const next = i + c.length;
      if (f === '') {
        if (word) word[1] = next;
      } else if (CJK.test(f)) {
        end();
        out.push([i, next, f]);
      } else if (LETTER.test(f)) {
        if (!word) word = [i, next, ''];
        word[1] = next;
        word[2] += f;
      } else end();
      i = next;
    }
    end();
    return out;
  }
  const tokens = (text) => words(text).map((w) => Array.from(w[2]).slice(0, 40).join(''));

  /* ---------- A query ---------- */
  async function search(query) {
    const terms = [...new Set(tokens(query))].slice(0, MAX_WORDS);
    if (!terms.length) return null;
    const m = await index();
    if (!m) return { terms, entries: [], paragraphs: [], total: 0 };
    const keys = Object.keys(m.s);
    const plans = terms.map((term) => {
      const chars = Array.from(term);
      let own = null;
      for (let n = chars.length; n > 0 && !own; n--) {
        const key = chars.slice(0, n).join('');
        if (key in m.s) own = key;
      }
      const longer = keys.filter((k) => k !== term && k.startsWith(term));
      return { term, own, longer };
    });
    const shards = new Map();
    await Promise.all(plans.filter((p) => p.own).map(async (p) => shards.set(p.own, await shard(m, p.own))));
    for (const p of plans) {
      const size = p.longer.filter((k) => !shards.has(k)).reduce((n, k) => n + m.s[k], 0);
      if (spent + size > SHARDS) {
        p.longer = [];
        continue;
      }
      await Promise.all(p.longer.map(async (k) => shards.set(k, await shard(m, k))));
    }

    const stemOf = new Map();
    const scores = new Map();
    const entries = new Map();
    plans.forEach((p, t) => {
      const best = new Map();
      for (const key of [p.own, ...p.longer]) {
        const s = key && shards.get(key);
        if (!s) continue;
        for (const [word, stem] of Object.entries(s.w)) {
          if (!word.startsWith(p.term)) continue;
          stemOf.set(word, stem);
          const weight = word === p.term ? 1 : 0.7;
          const posts = s.p[stem] ?? [];
          for (let i = 0, r = 0; i < posts.length; i += 3) {
            r += posts[i];
            const id = `${r}:${posts[i + 1]}`;
            best.set(id, Math.max(best.get(id) ?? 0, posts[i + 2] * weight));
          }
        }
        for (const [word, found] of Object.entries(s.e)) {
          if (!word.startsWith(p.term)) continue;
          for (let i = 0; i < found.length; i += 2) {
            const n = found[i];
            const e = entries.get(n) ?? { view: s.d[n], hits: new Map() };
            const field = Math.min(e.hits.get(t) ?? 9, found[i + 1] + (word === p.term ? 0 : 0.5));
            e.hits.set(t, field);
            entries.set(n, e);
          }
        }
      }
      for (const [id, score] of best) {
        const a = scores.get(id) ?? { id, score: 0, terms: 0 };
        a.score += score;
        a.terms += 1;
        scores.set(id, a);
      }
    });
    const all = terms.length;
    const found = [...entries.values()]
      .filter((e) => e.hits.size === all)
      .map((e) => ({ view: e.view, rank: Math.max(...e.hits.values()) }))
      .sort((a, b) => a.rank - b.rank || a.view[0].length - b.view[0].length || a.view[0].localeCompare(b.view[0]));
    let paragraphs = [...scores.values()];
    const most = paragraphs.reduce((n, p) => Math.max(n, p.terms), 0);
    paragraphs = paragraphs.filter((p) => p.terms === most).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id, 'en', { numeric: true }));
    const total = paragraphs.length;

    const shown = [];
    for (const p of paragraphs.slice(0, MAX_PARAGRAPHS)) {
      const [r, n] = p.id.split(':').map(Number);
      const c = Math.floor(n / m.chunk);
      const size = m.c[r]?.[c];
      if (size === undefined || (!loaded.has(`search/p/${r}-${c}.js`) && spent + size > BUDGET)) continue;
      const text = await load(`search/p/${r}-${c}.js`, `text:${r}-${c}`, size);
      const words = text?.p[n];
      if (words !== undefined) shown.push({ title: text.t, href: `${text.u}#p-${n}`, n, words });
    }
    return { terms, entries: found.slice(0, MAX_ENTRIES), more: found.length, paragraphs: shown, total, stemOf, stems: new Set(stemOf.values()) };
  }

  /* ---------- Showing the results ---------- */
  let results = [];
  let active = -1;
  function matches(result, long) {
    const word = Array.from(long).slice(0, 40).join('');
    return result.terms.some((t) => word.startsWith(t)) || result.stems.has(result.stemOf.get(word));
  }
  function snippet(result, text) {
    const all = words(text);
    const hit = Math.max(0, all.findIndex((w) => matches(result, w[2])));
    const first = Math.max(0, hit - 8);
    const last = Math.min(all.length - 1, hit + 16);
    const from = all.length ? all[first][0] : 0;
    const to = all.length ? all[last][1] : text.length;
    const out = document.createElement('span');
    out.className = 'search-snippet';
    if (from > 0) out.append('… ');
    let at = from;
    for (const w of all.slice(first, last + 1)) {
      if (!matches(result, w[2])) continue;
      out.append(text.slice(at, w[0]));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(w[0], w[1]);
      out.append(mark);
      at = w[1];
    }
    out.append(text.slice(at, to));
    if (to < text.length) out.append(' …');
    return out;
  }
  function option(i, href, kind, title, detail) {
    const li = document.createElement('li');
    li.id = `search-option-${i}`;
    li.setAttribute('role', 'option');
    li.setAttribute('aria-selected', 'false');
    li.className = `search-${kind}`;
    li.dataset.href = href;
    const head = document.createElement('span');
    head.className = 'search-title';
    head.textContent = title;
    li.append(head);
    if (detail) li.append(' ', detail);
    return li;
  }
  function show(result) {
    list.replaceChildren();
    results = [];
    active = -1;
    input.removeAttribute('aria-activedescendant');
    if (!result) {
      close();
      status.textContent = '';
      return;
    }
    for (const e of result.entries) {
      const [label, href, kind, line] = e.view;
      const detail = document.createElement('span');
      detail.className = 'search-detail';
      detail.textContent = line ? `${kind} · ${line}` : kind;
      results.push(option(results.length, href, 'entry', label, detail));
    }
    for (const p of result.paragraphs) {
      results.push(option(results.length, p.href, 'paragraph', `${p.title} ${say('mark', { p: p.n })}`, snippet(result, p.words)));
    }
    list.append(...results);
    const found = {
      entries: count(result.entries.length, 'entry', 'entries'),
      paragraphs: count(result.paragraphs.length, 'paragraph', 'paragraphs'),
      shown: result.paragraphs.length,
      n: result.total,
    };
    status.textContent = results.length
      ? `${say(result.total > result.paragraphs.length ? 'best' : 'found', found)} ${say('keys')}`
      : say('none');
    if (!results.length) {
      const none = document.createElement('li');
      none.className = 'search-none';
      none.textContent = say('none');
      none.setAttribute('role', 'option');
      none.setAttribute('aria-disabled', 'true');
      none.setAttribute('aria-selected', 'false');
      none.id = 'search-option-none';
      list.append(none);
    }
    open();
  }
  function open() {
    if (!list.children.length) return;
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }
  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    if (active >= 0) results[active]?.setAttribute('aria-selected', 'false');
    active = -1;
  }
  function move(to) {
    if (!results.length) return;
    if (active >= 0) results[active].setAttribute('aria-selected', 'false');
    active = (to + results.length) % results.length;
    const li = results[active];
    li.setAttribute('aria-selected', 'true');
    input.setAttribute('aria-activedescendant', li.id);
    li.scrollIntoView({ block: 'nearest' });
  }
  function go(li) {
    if (!li?.dataset.href) return;
    close();
    window.location.href = base + li.dataset.href;
  }

  /* ---------- Events ---------- */
  let asked = 0;
  let timer = 0;
  let busy = false;
  let enter = false;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    busy = true;
    timer = setTimeout(async () => {
      const n = ++asked;
      const result = await search(input.value);
      if (n !== asked) return;
      busy = false;
      show(result);
      if (enter) {
        enter = false;
        go(results[0]);
      }
    }, 80);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (list.hidden) open();
      move(active < 0 && e.key === 'ArrowUp' ? -1 : active + (e.key === 'ArrowDown' ? 1 : -1));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (busy && active < 0) enter = true;
      else go(results[Math.max(active, 0)]);
    } else if (e.key === 'Escape') {
      if (!list.hidden) {
        e.preventDefault();
        e.stopPropagation();
        close();
      } else if (input.value) {
        input.value = '';
        show(null);
      }
    }
  });
  input.addEventListener('focus', () => {
    if (results.length) open();
  });
  list.addEventListener('mousedown', (e) => e.preventDefault());
  list.addEventListener('click', (e) => go(e.target.closest('[role="option"]')));
  box.addEventListener('focusout', (e) => {
    if (!box.contains(e.relatedTarget)) close();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    const t = e.target;
    if (t.closest?.('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
})();
