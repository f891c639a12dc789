// zhsearch web UI: one page over /api/search and /api/doc.
// Rules: every text from the index (titles, paths, snippets) goes into the
// page through textContent, never as HTML; highlights are byte ranges into
// UTF-8 text, cut on the encoded bytes; the URL holds the state
// (?q=&offset=&sort=, &doc=PATH for the document view) through
// history.pushState, so a search or a document can be linked and the back
// button works; no network beyond this server.
'use strict';

const PAGE = 10;
const $ = (id) => document.getElementById(id);
const enc = new TextEncoder();
const dec = new TextDecoder();
let state = { q: '', offset: 0, sort: 'relevance', doc: '' };

function el(tag, props, ...kids) {
  const e = document.createElement(tag);
  Object.assign(e, props || {});
  for (const k of kids) e.append(k);
  return e;
}

// Text with [start, len] byte ranges marked: <mark> elements, the rest text.
// A "\f" (page break of a paged document) becomes a page marker.
function highlighted(text, ranges, pageStart) {
  const frag = document.createDocumentFragment();
  const bytes = enc.encode(text);
  let at = 0;
  let page = pageStart || 0;
  const plain = (s) => {
    const parts = s.split('\f');
    parts.forEach((p, i) => {
      if (i > 0) {
        page += 1;
        frag.append(el('span', { className: 'page-break', textContent: page ? `第 ${page} 页` : '' }));
      }
      if (p) frag.append(p);
    });
  };
  for (const [start, len] of ranges || []) {
    if (start < at || start + len > bytes.length) continue;
    plain(dec.decode(bytes.subarray(at, start)));
    frag.append(el('mark', { textContent: dec.decode(bytes.subarray(start, start + len)) }));
    at = start + len;
  }
  plain(dec.decode(bytes.subarray(at)));
  return frag;
}

function titleOf(h) {
  if (h.title) return h.title;
  const p = h.path || '';
  return p.slice(p.lastIndexOf('/') + 1) || p;
}

function metaOf(h) {
  const parts = [];
  for (const k of ['issuer', 'year', 'date', 'docno']) if (h[k] !== undefined) parts.push(String(h[k]));
  if (h.format && h.format !== 'text') parts.push(h.format);
  parts.push(h.path);
  if (h.page) parts.push(`第 ${h.page} 页`);
  if (h.ocr) parts.push('OCR');
  return parts.join(' · ');
}

function urlFor(s) {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.offset) p.set('offset', String(s.offset));
  if (s.sort && s.sort !== 'relevance') p.set('sort', s.sort);
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
  go({ q, offset: 0, sort: state.sort, doc: '' }, true);
}

function quoteIssuer(v) {
  return `issuer:"${v.replace(/["“”]/g, ' ')}"`;
}

function renderResults(res) {
  const list = $('results');
  list.replaceChildren();
  $('status').textContent = `共 ${res.total} 条结果（${res.elapsed_ms.toFixed(1)} 毫秒）`;
  res.hits.forEach((h) => {
    const a = el('a', { className: 'title', textContent: titleOf(h), href: urlFor({ q: state.q, sort: state.sort, offset: state.offset, doc: h.path }) });
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

function renderDoc(d) {
  $('doc-title').textContent = titleOf(d);
  $('doc-meta').textContent = metaOf(d);
  const mp = d.match_pages || [];
  $('doc-pages').textContent = mp.length
    ? `匹配所在页：${mp.map(([p, n]) => `第 ${p} 页（${n} 处）`).join('、')}` : '';
  const note = $('doc-note');
  note.hidden = d.complete;
  note.textContent = d.complete ? '' : '仅显示文档中包含匹配的最长片段；全文请查看原文件。';
  const first = d.page ? d.page : 0;
  $('doc-text').replaceChildren(highlighted(d.text, d.highlights, first));
  if (first) $('doc-text').prepend(el('span', { className: 'page-break', textContent: `第 ${first} 页` }));
}

let seq = 0;
async function load() {
  const my = ++seq;
  $('q').value = state.q;
  $('sort').value = state.sort;
  const inDoc = !!state.doc;
  $('doc-view').hidden = !inDoc;
  $('search-view').hidden = inDoc;
  document.title = state.q ? `${state.q} - zhsearch 搜索` : 'zhsearch 搜索';
  showError('');
  if (!state.q) {
    $('results').replaceChildren();
    $('facets').replaceChildren();
    $('status').textContent = '';
    $('pager').hidden = true;
    return;
  }
  try {
    if (inDoc) {
      const d = await getJson('/api/doc', { q: state.q, path: state.doc });
      if (my === seq) renderDoc(d);
    } else {
      const res = await getJson('/api/search', {
        q: state.q, offset: state.offset, limit: PAGE, sort: state.sort, facet: ['year', 'issuer'],
      });
      if (my === seq) renderResults(res);
    }
  } catch (e) {
    if (my !== seq) return;
    showError(e.message);
    if (!inDoc) {
      $('results').replaceChildren();
      $('facets').replaceChildren();
      $('status').textContent = '';
      $('pager').hidden = true;
    }
  }
}

function go(next, push) {
  state = next;
  if (push) history.pushState(null, '', urlFor(state));
  load().then(() => {
    if (!state.doc) return;
    const m = document.querySelector('#doc-text mark');
    if (m) m.scrollIntoView({ block: 'center' });
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
    go({ q: $('q').value.trim(), offset: 0, sort: $('sort').value, doc: '' }, true);
  });
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
    } else if (!typing && (ev.key === 'j' || ev.key === 'k')) {
      focusHit(ev.key === 'j' ? 1 : -1);
    }
  });
  go(readUrl(), false);
  if (!state.q) $('q').focus();
}

init();
