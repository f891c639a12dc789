// zhsearch web UI: one page over /api/search and /api/doc.
// Rules: every text from the index (titles, paths, snippets) goes into the
// page through textContent, never as HTML; highlights and page starts are
// byte offsets into UTF-8 text, cut on the encoded bytes; the URL holds the
// state (?q=&offset=&sort=&expand=1, &doc=PATH for the document view)
// through history.pushState, so a search or a document can be linked and
// the back button works; suggestions (您是不是要找) are links, never applied
// on their own; no network beyond this server.
'use strict';

const PAGE = 10;
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
let state = { q: '', offset: 0, sort: 'relevance', expand: false, doc: '' };

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) e.append(k);
  return e;
}

// Text with [start, len] byte ranges marked: <mark> elements (the k-th
// with data-k = k), the rest text.  pageStarts (a paged document): the byte
// offset where each page starts; a "第 N 页" marker (id page-N) goes there
// and the "\f" before it is dropped.  Elsewhere a "\f" is a line break.
function highlighted(text, ranges, pageStarts) {
  const frag = document.createDocumentFragment();
  const bytes = enc.encode(text);
  const starts = pageStarts || [];
  let pi = 0;
  const put = (a, b) => {
    if (b > a) frag.append(dec.decode(bytes.subarray(a, b)).replace(/\f/g, starts.length ? '' : '\n'));
  };
  // text [a, b) with the page markers inside it
  const plain = (a, b) => {
    while (pi < starts.length && starts[pi] <= b) {
      const cut = Math.max(starts[pi], a);
      put(a, cut);
      pi += 1;
      const m = el('span', { className: 'page-break', id: `page-${pi}`, textContent: `第 ${pi} 页` });
      m.dataset.page = String(pi);
      frag.append(m);
      a = cut;
    }
    put(a, b);
  };
  let at = 0;
  (ranges || []).forEach(([start, len], k) => {
    if (start < at || start + len > bytes.length) return;
    plain(at, start);
    const m = el('mark', { textContent: dec.decode(bytes.subarray(start, start + len)) });
    m.dataset.k = String(k);
    frag.append(m);
    at = start + len;
  });
  plain(at, bytes.length);
  return frag;
}

// Up to `chars` characters of text before and after byte range [a, b).
function context(bytes, a, b, chars) {
  const before = dec.decode(bytes.subarray(Math.max(0, a - chars * 4), a)).replace(/\s+/g, ' ');
  const after = dec.decode(bytes.subarray(b, b + chars * 4)).replace(/\s+/g, ' ');
  return [[...before].slice(-chars).join('').replace(/^\uFFFD+/, ''),
    [...after].slice(0, chars).join('').replace(/\uFFFD+$/, '')];
}

function titleOf(h) {
  if (h.title) return h.title;
  const p = h.path || '';
  return p.slice(p.lastIndexOf('/') + 1) || p;
}

function metaOf(h, doc) {
  const parts = [];
  for (const k of ['issuer', 'year', 'date', 'docno']) if (h[k] !== undefined) parts.push(String(h[k]));
  if (h.format && h.format !== 'text') parts.push(h.format);
  parts.push(h.path);
  if (doc && h.pages) parts.push(`共 ${h.pages} 页`);
  else if (h.page) parts.push(`第 ${h.page} 页`);
  if (h.ocr) parts.push('OCR');
  return parts.join(' · ');
}

function urlFor(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.offset) p.set('offset', String(s.offset));
  if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
  if (s.expand) p.set('expand', '1');
  if (s.doc) p.set('doc', s.doc);
  const qs = p.toString();
  return qs ? `/?${qs}` : '/';
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  const offset = parseInt(p.get('offset') || '0', 10);
  return {
    q: p.get('q') || '',
    offset: Number.isFinite(offset) && offset > 0 ? offset : 0,
    sort: ['date', 'date-desc'].includes(p.get('sort')) ? p.get('sort') : 'relevance',
    expand: p.get('expand') === '1',
    doc: p.get('doc') || '',
  };
}

function showError(msg) {
  const e = $('error');
  e.hidden = !msg;
  e.textContent = msg || '';
}

async function getJson(path, params) {
  const qs = Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const r = await fetch(`${path}?${qs}`, { headers: { Accept: 'application/json' } });
  let body = null;
  try { body = await r.json(); } catch (e) { body = null; }
  if (!r.ok) throw new Error((body && body.error) || `HTTP ${r.status}`);
  return body;
}

function facetList(name, label, counts, toQuery) {
  const entries = Object.entries(counts || {});
  if (!entries.length) return null;
  const ul = el('ul');
  for (const [value, n] of entries) {
    const b = el('button', { type: 'button', className: 'facet' },
      el('span', { textContent: value }), el('span', { className: 'count', textContent: String(n) }));
    b.dataset.facet = name;
    b.dataset.value = value;
    b.title = `只看 ${value}`;
    b.addEventListener('click', () => addFilter(toQuery(value)));
    ul.append(el('li', {}, b));
  }
  return el('section', {}, el('h2', { textContent: label }), ul);
}

function addFilter(term) {
  const q = state.q.includes(term) ? state.q : `${state.q} ${term}`.trim();
  go({ ...state, q, offset: 0, doc: '' }, true);
}

function quoteIssuer(v) {
  return `issuer:"${v.replace(/["“”]/g, ' ')}"`;
}

// 您是不是要找：links to the variants the index suggests, each with the
// number of documents it finds; a click runs that query.
function renderSuggestions(res) {
  const box = $('suggest');
  box.replaceChildren();
  const sug = res.suggestions || [];
  box.hidden = !sug.length;
  if (!sug.length) return;
  box.append('您是不是要找：');
  sug.forEach((s, i) => {
    if (i) box.append('、');
    const a = el('a', { href: urlFor({ ...state, q: s.query, offset: 0, doc: '' }), textContent: s.query });
    a.className = 'suggestion';
    a.addEventListener('click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault();
      go({ ...state, q: s.query, offset: 0, doc: '' }, true);
    });
    box.append(a, el('span', { className: 'count', textContent: ` (${s.count})` }));
  });
}

// 同义词扩展：what each expanded word was searched as.
function renderExpanded(res) {
  const box = $('expanded');
  const entries = Object.entries(res.expanded || {});
  box.hidden = !entries.length;
  box.textContent = entries.length ? `同义词扩展：${entries.map(([w, g]) => (g.length ? `${w} → ${g.join('、')}` : `${w}（无同义词）`)).join('；')}` : '';
}

function renderResults(res) {
  const list = $('results');
  list.replaceChildren();
  $('status').textContent = `共 ${res.total} 条结果（${res.elapsed_ms.toFixed(1)} 毫秒）`;
  renderSuggestions(res);
  renderExpanded(res);
  res.hits.forEach((h) => {
    const a = el('a', { className: 'title', textContent: titleOf(h), href: urlFor({ ...state, doc: h.path }) });
    a.addEventListener('click', (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey) return;
      ev.preventDefault();
      go({ ...state, doc: h.path }, true);
    });
    const li = el('li', { className: 'hit' }, a, el('p', { className: 'meta', textContent: metaOf(h) }));
    if (h.snippet !== undefined) li.append(el('p', { className: 'snippet' }, highlighted(h.snippet, h.highlights)));
    list.append(li);
  });
  const facets = $('facets');
  facets.replaceChildren();
  const f = res.facets || {};
  const years = facetList('year', '年份', f.year, (v) => `year:${v}`);
  const issuers = facetList('issuer', '发布机关', f.issuer, quoteIssuer);
  if (years) facets.append(years);
  if (issuers) facets.append(issuers);
  const pages = Math.ceil(res.total / PAGE);
  $('pager').hidden = pages <= 1;
  $('prev').disabled = state.offset <= 0;
  $('next').disabled = state.offset + PAGE >= res.total;
  $('pageno').textContent = `第 ${Math.floor(state.offset / PAGE) + 1} / ${pages} 页`;
}

// The document view: the whole text, every match marked, 第 N 页 markers
// at the page starts, the count of matches with 上一处/下一处 (keys n and
// N), the pages they are on, and a list of them in context.
let docMarks = [];
let current = -1;

function showMatch(k) {
  if (!docMarks.length) return;
  const n = docMarks.length;
  k = ((k % n) + n) % n;
  if (current >= 0 && docMarks[current]) docMarks[current].classList.remove('current');
  current = k;
  const m = docMarks[k];
  m.classList.add('current');
  m.scrollIntoView({ block: 'center' });
  const page = m.dataset.page ? `（第 ${m.dataset.page} 页）` : '';
  $('match-pos').textContent = `第 ${k + 1} / ${n} 处${page}`;
}

function pageButton(p, label, k) {
  const b = el('button', { type: 'button', className: 'link', textContent: label });
  b.dataset.page = String(p);
  b.addEventListener('click', () => {
    if (k >= 0) showMatch(k);
    else { const m = $(`page-${p}`); if (m) m.scrollIntoView({ block: 'start' }); }
  });
  return b;
}

function renderDoc(d) {
  $('doc-title').textContent = titleOf(d);
  $('doc-meta').textContent = metaOf(d, true);
  const hl = d.highlights || [];
  const hp = d.highlight_pages || [];
  const bytes = enc.encode(d.text);
  // the pages of the matches: each a button to its first match
  const pagesBox = $('doc-pages');
  pagesBox.replaceChildren();
  const mp = d.match_pages || [];
  if (mp.length) {
    pagesBox.append('匹配所在页：');
    mp.forEach(([p, n], i) => {
      if (i) pagesBox.append('、');
      pagesBox.append(pageButton(p, `第 ${p} 页（${n} 处）`, hp.indexOf(p)));
    });
  }
  const note = $('doc-note');
  note.hidden = d.complete;
  note.textContent = d.complete ? '' : `文档过长，仅显示前 ${(bytes.length / 1048576).toFixed(1)} MB（共 ${(d.length / 1048576).toFixed(1)} MB）`
    + (d.match_count > hl.length ? `；其后还有 ${d.match_count - hl.length} 处匹配未显示` : '') + '。';
  $('doc-text').replaceChildren(highlighted(d.text, hl, d.page_starts));
  docMarks = [...document.querySelectorAll('#doc-text mark')];
  docMarks.forEach((m) => { const k = +m.dataset.k; if (hp[k]) m.dataset.page = String(hp[k]); });
  current = -1;
  // the count, the navigation, the list
  $('match-nav').hidden = !state.q;
  $('match-count').textContent = state.q ? (hl.length ? `共 ${d.match_count} 处匹配` : '文档中没有匹配') : '';
  $('match-pos').textContent = '';
  $('prev-match').disabled = $('next-match').disabled = !docMarks.length;
  const list = $('match-list');
  list.replaceChildren();
  const LIST_MAX = 1000;
  docMarks.slice(0, LIST_MAX).forEach((m, i) => {
    const [a, len] = hl[+m.dataset.k];
    const [before, after] = context(bytes, a, a + len, 20);
    const b = el('button', { type: 'button', className: 'match' });
    if (m.dataset.page) b.append(el('span', { className: 'count', textContent: `第 ${m.dataset.page} 页 ` }));
    b.append(`…${before}`, el('mark', { textContent: m.textContent }), `${after}…`);
    b.addEventListener('click', () => showMatch(i));
    list.append(el('li', {}, b));
  });
  $('match-list-box').hidden = !docMarks.length;
  $('match-list-summary').textContent = docMarks.length > LIST_MAX
    ? `全部匹配（列出前 ${LIST_MAX} 处）` : `全部匹配（${docMarks.length} 处）`;
}

let seq = 0;
async function load() {
  const my = ++seq;
  $('q').value = state.q;
  $('sort').value = state.sort;
  $('expand').checked = state.expand;
  const inDoc = !!state.doc;
  $('doc-view').hidden = !inDoc;
  $('search-view').hidden = inDoc;
  document.title = state.q ? `${state.q} - zhsearch 搜索` : 'zhsearch 搜索';
  showError('');
  const clear = () => {
    $('results').replaceChildren();
    $('facets').replaceChildren();
    $('status').textContent = '';
    $('suggest').hidden = true;
    $('expanded').hidden = true;
    $('pager').hidden = true;
  };
  if (!inDoc && !state.q) {
    clear();
    return;
  }
  const expand = state.expand ? { expand: 1 } : {};
  try {
    if (inDoc) {
      const d = await getJson('/api/doc', { path: state.doc, ...(state.q ? { q: state.q } : {}), ...expand });
      if (my === seq) renderDoc(d);
    } else {
      const res = await getJson('/api/search', {
        q: state.q, offset: state.offset, limit: PAGE, sort: state.sort, facet: ['year', 'issuer'], ...expand,
      });
      if (my === seq) renderResults(res);
    }
  } catch (e) {
    if (my !== seq) return;
    showError(e.message);
    if (inDoc) {
      $('doc-text').replaceChildren();
      $('match-nav').hidden = true;
      $('match-list-box').hidden = true;
    } else clear();
  }
}

function go(next, push) {
  state = next;
  if (push) history.pushState(null, '', urlFor(state));
  load().then(() => {
    if (state.doc && docMarks.length) showMatch(0);
    else if (state.doc) window.scrollTo(0, 0);
  });
}

function focusHit(step) {
  const links = [...document.querySelectorAll('#results a.title')];
  if (!links.length) return;
  const i = links.indexOf(document.activeElement);
  const j = i < 0 ? (step > 0 ? 0 : links.length - 1) : Math.min(Math.max(i + step, 0), links.length - 1);
  links[j].focus();
}

function init() {
  $('form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    go({ q: $('q').value.trim(), offset: 0, sort: $('sort').value, expand: $('expand').checked, doc: '' }, true);
  });
  $('expand').addEventListener('change', () => {
    if (state.q) go({ ...state, expand: $('expand').checked, offset: 0 }, true);
    else state.expand = $('expand').checked;
  });
  $('prev-match').addEventListener('click', () => showMatch(current - 1));
  $('next-match').addEventListener('click', () => showMatch(current + 1));
  $('sort').addEventListener('change', () => {
    if (state.q) go({ ...state, sort: $('sort').value, offset: 0, doc: '' }, true);
  });
  $('prev').addEventListener('click', () => go({ ...state, offset: Math.max(0, state.offset - PAGE) }, true));
  $('next').addEventListener('click', () => go({ ...state, offset: state.offset + PAGE }, true));
  $('back').addEventListener('click', () => go({ ...state, doc: '' }, true));
  window.addEventListener('popstate', () => go(readUrl(), false));
  document.addEventListener('keydown', (ev) => {
    const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName);
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === '/' && !typing) {
      ev.preventDefault();
      $('q').focus();
      $('q').select();
    } else if (ev.key === 'Escape' && state.doc) {
      go({ ...state, doc: '' }, true);
    } else if (!typing && !state.doc && (ev.key === 'j' || ev.key === 'k')) {
      focusHit(ev.key === 'j' ? 1 : -1);
    } else if (!typing && state.doc && (ev.key === 'n' || ev.key === 'N')) {
      ev.preventDefault();
      showMatch(current < 0 ? (ev.key === 'n' ? 0 : -1) : current + (ev.key === 'n' ? 1 : -1));
    }
  });
  go(readUrl(), false);
  if (!state.q) $('q').focus();
}

init();
