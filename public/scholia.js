/* scholia: the reading, enhanced. Everything here is optional: without this script the
   numbers still open their notes (the HTML popover attribute), the notes stand at the end
   of the page, and the layer checkboxes work through CSS.

   What it adds:
   - the reader's choice of layers, kept across pages (localStorage);
   - notes placed beside their mark (or in the margin on a wide window), never past the
     edge of the window; a marked word opens its note too; a short hover previews it;
   - margin notes on wide windows, beside their line and never overlapping;
   - a "copy link" button on each paragraph, with a text fragment for a selection.

   It runs in <head> so the layers are set before the page is drawn; the rest waits for
   the document. It writes no inline style: it only sets properties through the CSSOM. */
(function () {
  'use strict';
  var KINDS = ['gloss', 'source', 'xref', 'note'];
  var KEY = 'scholia.hidden-layers';
  var root = document.documentElement;

  function readHidden() {
    try {
      var value = window.localStorage.getItem(KEY) || '';
      return value.split(' ').filter(function (k) { return KINDS.indexOf(k) >= 0; });
    } catch (e) {
      return [];
    }
  }
  function writeHidden(hidden) {
    try {
      window.localStorage.setItem(KEY, hidden.join(' '));
    } catch (e) { /* storage refused: the choice lasts for this page */ }
  }
  function setHidden(hidden) {
    if (hidden.length) root.setAttribute('data-hide', hidden.join(' '));
    else root.removeAttribute('data-hide');
  }

  root.classList.add('js');
  setHidden(readHidden());

  document.addEventListener('DOMContentLoaded', function () {
    var text = document.querySelector('.text');
    if (!text) return;
    var article = text.closest('article') || root;
    var ENGLISH = {
      more: 'more', copyLink: 'copy link', toParagraph: 'to paragraph {n}', linkCopied: 'link copied',
      copied: 'Link to paragraph {n} copied.', copyFailed: 'The link could not be copied: {url}'
    };
    function say(key, values) {
      var s = article.dataset['t' + key.charAt(0).toUpperCase() + key.slice(1)] || ENGLISH[key];
      Object.keys(values || {}).forEach(function (k) { s = s.split('{' + k + '}').join(values[k]); });
      return s;
    }
    var rtl = root.getAttribute('dir') === 'rtl';
    var canPopover = typeof HTMLElement.prototype.showPopover === 'function';
    var wideQuery = window.matchMedia('(min-width: 75rem)');
    var hoverQuery = window.matchMedia('(hover: hover) and (pointer: fine)');
    var notes = Array.prototype.slice.call(document.querySelectorAll('.endnote[popover]'));
    var byKindId = {};
    notes.forEach(function (n) { byKindId[n.dataset.kind + ' ' + n.dataset.id] = n; });

    root.classList.add('has-sidenotes');

    function noteOfMark(mark) {
      return byKindId[mark.dataset.kind + ' ' + mark.dataset.id] || null;
    }
    function number(note) { return note.id.slice('note-'.length); }
    function buttonsOf(note) {
      return Array.prototype.slice.call(
        text.querySelectorAll('button[popovertarget="' + note.id + '"]'));
    }
    function buttonOfMark(mark, note) {
      var buttons = buttonsOf(note);
      for (var i = 0; i < buttons.length; i++) {
        if (mark.compareDocumentPosition(buttons[i]) & Node.DOCUMENT_POSITION_FOLLOWING) {
          return buttons[i];
        }
      }
      return buttons[0] || null;
    }
    function isShown(el) { return el.getClientRects().length > 0; }
    function isOpen(note) { return canPopover && note.matches(':popover-open'); }
    function marksOf(note) {
      return '.mark[data-kind="' + note.dataset.kind + '"][data-id="' + CSS.escape(note.dataset.id) + '"]:not([data-role])';
    }

    /* ---------- Layers ---------- */
    var boxes = {};
    KINDS.concat('all').forEach(function (k) {
      boxes[k] = document.getElementById('layer-' + k);
    });
    function syncBoxes(hidden) {
      KINDS.forEach(function (k) {
        if (boxes[k]) boxes[k].checked = hidden.indexOf(k) < 0;
      });
      if (boxes.all) {
        boxes.all.checked = hidden.length === 0;
        boxes.all.indeterminate = hidden.length > 0 && hidden.length < KINDS.length;
      }
    }
    function applyLayers(hidden) {
      setHidden(hidden);
      writeHidden(hidden);
      syncBoxes(hidden);
      notes.forEach(function (n) {
        if (hidden.indexOf(n.dataset.kind) >= 0 && isOpen(n)) n.hidePopover();
      });
      layout();
    }
    syncBoxes(readHidden());
    KINDS.concat('all').forEach(function (k) {
      if (!boxes[k]) return;
      boxes[k].addEventListener('change', function () {
        var hidden;
        if (k === 'all') {
          hidden = boxes.all.checked ? [] : KINDS.slice();
        } else {
          hidden = KINDS.filter(function (kind) { return boxes[kind] && !boxes[kind].checked; });
        }
        applyLayers(hidden);
      });
    });
    window.addEventListener('storage', function (e) {
      if (e.key === KEY) { var h = readHidden(); setHidden(h); syncBoxes(h); layout(); }
    });

    /* ---------- Margin notes ---------- */
    var margin = document.createElement('div');
    margin.className = 'sidenotes';
    margin.setAttribute('data-ui', '');
    margin.setAttribute('aria-hidden', 'true');
    if (root.lang) margin.lang = root.lang;
    margin.dir = rtl ? 'rtl' : 'ltr';
    var sidenotes = notes.map(function (note) {
      var side = document.createElement('div');
      side.className = 'sidenote';
      side.dataset.kind = note.dataset.kind;
      side.dataset.note = note.id;
      var num = document.createElement('span');
      num.className = 'sn-num';
      num.textContent = number(note);
      var body = document.createElement('div');
      body.className = 'sn-body';
      var source = note.querySelector('.note-body');
      Array.prototype.forEach.call((source || note).children, function (child) {
        body.appendChild(child.cloneNode(true));
      });
      Array.prototype.forEach.call(body.querySelectorAll('[id]'), function (el) { el.removeAttribute('id'); });
      Array.prototype.forEach.call(body.querySelectorAll('a'), function (a) {
        var span = document.createElement('span');
        while (a.firstChild) span.appendChild(a.firstChild);
        a.replaceWith(span);
      });
      var more = document.createElement('span');
      more.className = 'sn-more';
      more.textContent = say('more');
      side.append(num, body, more);
      margin.appendChild(side);
      return side;
    });
    var frame = document.createElement('div');
    frame.className = 'text-frame';
    text.before(frame);
    frame.append(text, margin);

    function wide() { return wideQuery.matches; }
    var GAP = 6;
    function layout() {
      if (!wide()) return;
      var base = margin.getBoundingClientRect().top;
      var placed = [];
      sidenotes.forEach(function (side) {
        var note = document.getElementById(side.dataset.note);
        var first = null;
        var marks = text.querySelectorAll(marksOf(note));
        for (var i = 0; i < marks.length && !first; i++) if (isShown(marks[i])) first = marks[i];
        side.hidden = !first;
        if (!first || !isShown(side)) return;
        placed.push({ side: side, want: first.getClientRects()[0].top - base + 4 });
      });
      placed.sort(function (a, b) { return a.want - b.want; });
      var limit = window.innerHeight / 2;
      var tops = [];
      for (var lines = 3; lines >= 1; lines--) {
        margin.setAttribute('data-lines', String(lines));
        var heights = placed.map(function (p) { return p.side.offsetHeight; });
        var next = 0;
        var drift = 0;
        tops = placed.map(function (p, i) {
          var top = Math.max(p.want, next);
          next = top + heights[i] + GAP;
          drift = Math.max(drift, top - p.want);
          return top;
        });
        if (drift <= limit) break;
      }
      placed.forEach(function (p, i) {
        p.side.style.top = tops[i] + 'px';
        var body = p.side.querySelector('.sn-body');
        p.side.classList.toggle('long', body.scrollHeight > body.clientHeight + 1);
      });
    }
    var pending = 0;
    function relayout() {
      if (pending) return;
      pending = window.requestAnimationFrame(function () { pending = 0; layout(); });
    }
    wideQuery.addEventListener('change', relayout);
    window.addEventListener('resize', relayout);
    window.addEventListener('load', relayout);
    if (window.ResizeObserver) new ResizeObserver(relayout).observe(text);
    layout();

    /* ---------- Notes in place ---------- */
    var invoker = null;   // the number the open note belongs to
    var hovered = null;   // a note opened by hovering, not yet taken by a click
    var EDGE = 8;

    function lineOf(button) {
      var r = button.getBoundingClientRect();
      var box = { left: r.left, right: r.right, width: r.width, top: r.top, bottom: r.bottom };
      for (var node = button.parentElement.previousSibling; node; node = node.previousSibling) {
        var rects;
        if (node.nodeType === 3) {
          var range = document.createRange();
          range.selectNode(node);
          rects = range.getClientRects();
        } else if (node.nodeType === 1 && !node.matches('.ref')) {
          rects = node.getClientRects();
        } else {
          continue;
        }
        var last = rects.length && rects[rects.length - 1];
        if (last && last.height > 0) {
          box.top = Math.min(box.top, last.top);
          box.bottom = Math.max(box.bottom, last.bottom);
          return box;
        }
      }
      return box;
    }

    function place(note) {
      if (!invoker) { note.classList.remove('anchored'); return; }
      var vw = document.documentElement.clientWidth;
      var vh = window.innerHeight;
      var s = note.style;
      note.classList.add('anchored');
      var side = wide() && margin.querySelector('.sidenote[data-note="' + note.id + '"]:not([hidden])');
      var anchor = side ? side.getBoundingClientRect() : lineOf(invoker);
      var width = Math.min(vw - 2 * EDGE, side ? Math.max(anchor.width + 32, 320) : 512);
      var left = !side ? anchor.left + anchor.width / 2 - width / 2
        : rtl ? anchor.right + 12 - width : anchor.left - 12;
      left = Math.max(EDGE, Math.min(left, vw - EDGE - width));
      s.width = width + 'px';
      s.left = left + 'px';
      var below = vh - anchor.bottom - EDGE - GAP;
      var above = anchor.top - EDGE - GAP;
      if (side) {
        var top = Math.max(EDGE, Math.min(anchor.top - 8, vh - EDGE - 240));
        s.top = top + 'px';
        s.bottom = 'auto';
        s.maxHeight = (vh - top - EDGE) + 'px';
      } else if (below >= 240 || below >= above) {
        s.top = (anchor.bottom + GAP) + 'px';
        s.bottom = 'auto';
        s.maxHeight = Math.max(below, 80) + 'px';
      } else {
        s.top = 'auto';
        s.bottom = (vh - anchor.top + GAP) + 'px';
        s.maxHeight = Math.max(above, 80) + 'px';
      }
    }

    function highlight(note, on) {
      if (!note) return;
      Array.prototype.forEach.call(text.querySelectorAll(marksOf(note)), function (m) { m.classList.toggle('hl', on); });
      var side = margin.querySelector('.sidenote[data-note="' + note.id + '"]');
      if (side) side.classList.toggle('hl', on);
    }

    function open(note, button, viaHover) {
      if (!canPopover) { window.location.hash = note.id; return; }
      if (isOpen(note)) {
        if (!viaHover) hovered = null;
        return;
      }
      invoker = button;
      hovered = viaHover ? note : null;
      note.showPopover();
    }

    notes.forEach(function (note) {
      note.addEventListener('beforetoggle', function (e) {
        if (e.newState === 'open') place(note);
      });
      note.addEventListener('toggle', function (e) {
        highlight(note, e.newState === 'open');
        if (e.newState === 'closed') {
          if (hovered === note) hovered = null;
          note.classList.remove('anchored');
        }
      });
      note.addEventListener('click', function (e) {
        var a = e.target.closest('a[href^="#"]');
        if (a && isOpen(note)) note.hidePopover();
      });
    });

    text.addEventListener('click', function (e) {
      window.clearTimeout(timer);
      var button = e.target.closest('.ref button');
      if (button) {
        var note = document.getElementById(button.getAttribute('popovertarget'));
        invoker = button;
        if (!canPopover) { e.preventDefault(); window.location.hash = note.id; return; }
        if (hovered === note && isOpen(note)) {
          e.preventDefault();
          hovered = null;
          button.focus();
        }
        return;
      }
      if (e.target.closest('a, button')) return;
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed) return;
      var mark = e.target.closest('.mark');
      while (mark && (mark.dataset.role || getComputedStyle(mark).cursor !== 'pointer')) {
        mark = mark.parentElement.closest('.mark');
      }
      var noteOf = mark && noteOfMark(mark);
      if (!noteOf) return;
      var b = buttonOfMark(mark, noteOf);
      if (!b) return;
      b.focus({ preventScroll: true });
      open(noteOf, b, false);
    });

    margin.addEventListener('click', function (e) {
      var side = e.target.closest('.sidenote');
      if (!side) return;
      var note = document.getElementById(side.dataset.note);
      var button = buttonsOf(note).filter(isShown)[0];
      if (!button) return;
      button.focus({ preventScroll: true });
      open(note, button, false);
    });

    var timer = 0;
    var closer = 0;
    function markOrButton(target) {
      var button = target.closest && target.closest('.ref button');
      if (button) return { note: document.getElementById(button.getAttribute('popovertarget')), button: button };
      var mark = target.closest && target.closest('.mark:not([data-role])');
      if (!mark) return null;
      var note = noteOfMark(mark);
      return note ? { note: note, button: buttonOfMark(mark, note) } : null;
    }
    frame.addEventListener('mouseover', function (e) {
      var hit = markOrButton(e.target);
      var side = e.target.closest && e.target.closest('.sidenote');
      if (side) { highlight(document.getElementById(side.dataset.note), true); return; }
      if (!hit || !hit.button || !isShown(hit.button)) return;
      if (wide()) { highlight(hit.note, true); return; }
      if (!hoverQuery.matches) return;
      window.clearTimeout(closer);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { open(hit.note, hit.button, true); }, 450);
    });
    frame.addEventListener('mouseout', function (e) {
      window.clearTimeout(timer);
      var hit = markOrButton(e.target);
      var side = e.target.closest && e.target.closest('.sidenote');
      if (side) { highlight(document.getElementById(side.dataset.note), false); return; }
      if (hit && wide() && !isOpen(hit.note)) highlight(hit.note, false);
      scheduleClose();
    });
    function scheduleClose() {
      if (!hovered) return;
      var note = hovered;
      window.clearTimeout(closer);
      closer = window.setTimeout(function () {
        if (hovered === note && !note.matches(':hover')) note.hidePopover();
      }, 350);
    }
    notes.forEach(function (note) {
      note.addEventListener('mouseleave', scheduleClose);
      note.addEventListener('mouseenter', function () { window.clearTimeout(closer); });
      note.addEventListener('focusin', function () { if (hovered === note) hovered = null; });
    });

    function follow() {
      notes.forEach(function (n) { if (isOpen(n)) place(n); });
    }
    window.addEventListener('scroll', follow, { passive: true });
    window.addEventListener('resize', follow);
    window.addEventListener('beforeprint', function () {
      notes.forEach(function (n) { if (isOpen(n)) n.hidePopover(); });
    });

    /* ---------- Copy a link to a passage ---------- */
    var status = document.createElement('p');
    status.className = 'sr';
    status.setAttribute('role', 'status');
    status.setAttribute('data-ui', '');
    document.body.appendChild(status);

    function words(s) { return s.replace(/\s+/g, ' ').trim().split(' ').filter(Boolean); }
    function enc(s) { return encodeURIComponent(s).replace(/-/g, '%2D').replace(/,/g, '%2C').replace(/&/g, '%26'); }
    function runsOf(range, paragraph) {
      var runs = [];
      var current = '';
      var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!range.intersectsNode(node)) continue;
        var value = node.nodeValue;
        var start = node === range.startContainer ? range.startOffset : 0;
        var end = node === range.endContainer ? range.endOffset : value.length;
        var piece = value.slice(start, end);
        if (node.parentElement.closest('[data-ui]')) {
          if (current) { runs.push(current); current = ''; }
          continue;
        }
        current += piece;
      }
      if (current) runs.push(current);
      return runs;
    }
    function textFragment(paragraph) {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) return '';
      var range = selection.getRangeAt(0);
      if (!paragraph.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== paragraph) return '';
      var runs = runsOf(range, paragraph).map(function (r) { return words(r); }).filter(function (w) { return w.length; });
      if (!runs.length) return '';
      var first = runs[0];
      var last = runs[runs.length - 1];
      if (runs.length === 1 && first.length <= 8) return ':~:text=' + enc(first.join(' '));
      if (runs.length === 1) {
        return ':~:text=' + enc(first.slice(0, 4).join(' ')) + ',' + enc(first.slice(-4).join(' '));
      }
      return ':~:text=' + enc(first.slice(0, 4).join(' ')) + ',' + enc(last.slice(-4).join(' '));
    }
    function copy(value) {
      if (navigator.clipboard && window.isSecureContext) {
        return navigator.clipboard.writeText(value).catch(function () { return fallbackCopy(value); });
      }
      return Promise.resolve(fallbackCopy(value));
    }
    function fallbackCopy(value) {
      var area = document.createElement('textarea');
      area.value = value;
      area.setAttribute('readonly', '');
      area.className = 'sr';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      if (!ok) throw new Error('copy refused');
    }
    Array.prototype.forEach.call(text.querySelectorAll('p[id] > .pilcrow'), function (pilcrow) {
      var paragraph = pilcrow.parentElement;
      var n = paragraph.id.replace(/^p-/, '');
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'copy';
      button.setAttribute('data-ui', '');
      function label(words) {
        button.setAttribute('data-label', words);
        button.setAttribute('aria-label', words + ' ' + say('toParagraph', { n: n }));
      }
      label(say('copyLink'));
      button.addEventListener('mousedown', function (e) { e.preventDefault(); });
      button.addEventListener('click', function () {
        var url = window.location.href.split('#')[0] + '#' + paragraph.id + textFragment(paragraph);
        copy(url).then(function () {
          label(say('linkCopied'));
          status.textContent = say('copied', { n: n });
          button.dataset.copied = url;
          window.setTimeout(function () { label(say('copyLink')); }, 2000);
        }, function () {
          status.textContent = say('copyFailed', { url: url });
        });
      });
      pilcrow.after(button);
    });
  });
})();
