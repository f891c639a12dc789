// The web UI of `zhsearch serve` in headless Chromium, as a user drives it:
// search, highlights, facets, paging, date sort, the document view (the
// whole text, every match, 上一处/下一处 and n/N, the list of matches, the
// pages of a PDF), 您是不是要找 suggestions, synonym expansion (~word and
// 同义词扩展), deep links, the back button, keyboard, errors, escaping, a
// phone's width, and no request leaving the server.  TAP output.
// Usage: node ui_test.mjs URL   (CHROMIUM: the browser; PDF_PATH: an indexed
// PDF for the page checks, empty to skip them; PDF_PAGES: its expected text,
// pages split by "\f"; TEXT_DOC: an indexed text file)
import { readFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const base = process.argv[2];
const pdfPath = process.env.PDF_PATH || '';
const textDoc = process.env.TEXT_DOC || '';
const count = (s, w) => s.split(w).length - 1;
let n = 0;
let failed = 0;
function ok(cond, name, detail) {
  n += 1;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined) console.log(`#   ${String(detail).split('\n').join('\n#   ')}`);
  }
}
function skip(name, why) {
  n += 1;
  console.log(`ok ${n} - ${name} # SKIP ${why}`);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
const page = await browser.newPage();
page.setDefaultTimeout(10000);
const foreign = [];
const pageErrors = [];
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) foreign.push(r.url()); });
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error' && !/status of 40\d/.test(m.text())) pageErrors.push(m.text()); });

const text = (sel) => page.$eval(sel, (e) => e.textContent);
const all = (sel) => page.$$eval(sel, (es) => es.map((e) => e.textContent));
const visible = (sel) => page.$eval(sel, (e) => !e.hidden && e.getClientRects().length > 0);
const params = () => new URL(page.url()).searchParams;
async function settle() {
  // the status line or the error says the request has been answered
  await page.waitForNetworkIdle({ idleTime: 150 });
}

async function run() {
  // --- the empty page, the search box ---
  await page.goto(base, { waitUntil: 'networkidle0' });
  ok((await page.title()).includes('搜索'), 'the page loads, Chinese title');
  ok(await page.$eval('meta[name=viewport]', (e) => e.content.includes('width=device-width')), 'viewport meta for phones');
  ok(await page.evaluate(() => document.activeElement.id === 'q'), 'the search box has the focus on an empty page');
  ok((await text('#go')) === '搜索', 'the button says 搜索');

  // --- a search with Enter ---
  await page.type('#q', '行政复议');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results li.hit');
  await settle();
  const status = await text('#status');
  ok(/^共 \d+ 条结果/.test(status), 'results counted: 共 N 条结果', status);
  ok(params().get('q') === '行政复议', 'the URL holds the query (pushState)', page.url());
  const marks = await all('#results mark');
  ok(marks.length > 0 && marks.every((m) => m === '行政复议'), 'snippets highlight exactly the matches', marks.slice(0, 5).join('|'));
  ok((await all('#results a.title')).every((t) => t.length > 0), 'every hit has a title link');
  const years = await all('#facets button[data-facet=year]');
  ok(years.length >= 2, 'year facet listed', years.join('|'));
  ok((await all('#facets button[data-facet=issuer]')).length >= 2, 'issuer facet listed');

  // --- a facet filters ---
  await page.click('#facets button[data-facet=year][data-value="2021"]');
  await page.waitForFunction(() => document.getElementById('q').value.includes('year:2021'));
  await settle();
  ok((await page.$eval('#q', (e) => e.value)) === '行政复议 year:2021', 'a year facet adds year:2021 to the query');
  const metas = await all('#results .meta');
  ok(metas.length > 0 && metas.every((m) => m.includes('2021')), 'and every hit is of 2021', metas.join('\n'));
  const yearsNow = await all('#facets button[data-facet=year]');
  ok(yearsNow.length === 1, 'the year facet now has one value', yearsNow.join('|'));
  await page.click('#facets button[data-facet=issuer]');
  await page.waitForFunction(() => document.getElementById('q').value.includes('issuer:"'));
  await settle();
  const issuerTotal = parseInt((await text('#status')).match(/共 (\d+)/)[1], 10);
  ok(issuerTotal >= 1 && issuerTotal < parseInt(status.match(/共 (\d+)/)[1], 10), 'an issuer facet narrows the results', issuerTotal);

  // --- the back button returns to the earlier search ---
  await page.goBack();
  await settle();
  await page.goBack();
  await settle();
  ok((await page.$eval('#q', (e) => e.value)) === '行政复议', 'back restores the earlier query', await page.$eval('#q', (e) => e.value));

  // --- paging ---
  await page.goto(`${base}?q=${encodeURIComponent('法治政府')}`, { waitUntil: 'networkidle0' });
  const total = parseInt((await text('#status')).match(/共 (\d+)/)[1], 10);
  ok(total > 10, 'a deep link /?q= runs the search on load', total);
  ok(await visible('#pager'), 'the pager is shown when there are more than 10 results');
  ok(await page.$eval('#prev', (e) => e.disabled), '上一页 is disabled on the first page');
  const firstPage = await all('#results a.title');
  await page.click('#next');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('offset') === '10');
  await settle();
  ok((await text('#pageno')).startsWith('第 2 /'), '下一页 goes to page 2', await text('#pageno'));
  const secondPage = await all('#results a.title');
  ok(secondPage.length > 0 && secondPage.length <= 10, 'page 2 lists the rest', secondPage.length);
  await page.click('#prev');
  await page.waitForFunction(() => !new URLSearchParams(location.search).get('offset'));
  await settle();
  ok(JSON.stringify(await all('#results a.title')) === JSON.stringify(firstPage), '上一页 comes back to page 1');

  // --- date sort ---
  await page.select('#sort', 'date-desc');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('sort') === 'date-desc');
  await settle();
  const dates = (await all('#results .meta')).map((m) => (m.match(/\d{4}-\d{2}-\d{2}/) || [''])[0]).filter(Boolean);
  const sorted = [...dates].sort().reverse();
  ok(dates.length >= 2 && JSON.stringify(dates) === JSON.stringify(sorted), '按日期排序（新→旧） orders by date, newest first', dates.join(' '));
  await page.select('#sort', 'date');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('sort') === 'date');
  await settle();
  const datesUp = (await all('#results .meta')).map((m) => (m.match(/\d{4}-\d{2}-\d{2}/) || [''])[0]).filter(Boolean);
  ok(JSON.stringify(datesUp) === JSON.stringify([...datesUp].sort()), '按日期排序（旧→新） orders by date, oldest first', datesUp.join(' '));

  // --- keyboard ---
  await page.goto(`${base}?q=${encodeURIComponent('行政复议')}`, { waitUntil: 'networkidle0' });
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('/');
  ok(await page.evaluate(() => document.activeElement.id === 'q'), '/ focuses the search box');
  ok((await page.$eval('#q', (e) => e.value)) === '行政复议', '/ is not typed into the box');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('j');
  ok(await page.evaluate(() => document.activeElement.classList.contains('title')), 'j focuses the first result link');
  const firstTitle = await page.evaluate(() => document.activeElement.textContent);

  // --- the document view, opened with the keyboard ---
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.getElementById('doc-view').hidden);
  await settle();
  ok(params().get('doc'), 'Enter on a result opens the document view; the URL names the document', page.url());
  ok((await text('#doc-title')) === firstTitle, 'the document view shows the title', await text('#doc-title'));
  const docMarks = await all('#doc-text mark');
  ok(docMarks.length >= 1 && docMarks.every((m) => m === '行政复议'), 'the text has every match highlighted', docMarks.length);
  ok((await text('#doc-text')).length > 200, 'the text is shown', (await text('#doc-text')).length);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => document.getElementById('doc-view').hidden);
  ok(await visible('#results'), 'Esc returns to the results');

  // --- pages of a PDF ---
  if (pdfPath) {
    await page.goto(`${base}?q=${encodeURIComponent('法治政府')}&doc=${encodeURIComponent(pdfPath)}`, { waitUntil: 'networkidle0' });
    const pagesLine = await text('#doc-pages');
    ok(/匹配所在页：第 1 页（\d+ 处）/.test(pagesLine), 'a PDF: the pages of its matches are listed', pagesLine);
    ok((await all('#doc-text .page-break')).some((t) => /第 \d+ 页/.test(t)), 'a PDF: the text is marked with its page', await all('#doc-text .page-break'));
    ok((await all('#doc-text mark')).length >= 1, 'a PDF: matches highlighted');
    const markers = await all('#doc-text .page-break');
    const expected = readFileSync(process.env.PDF_PAGES, 'utf8').replace(/\f$/, '').split('\f');
    ok(JSON.stringify(markers) === JSON.stringify(expected.map((_, i) => `第 ${i + 1} 页`)),
      'a PDF: a 第 N 页 marker at the start of every page, in order', markers.join('|'));
    // a phrase on page 3 only of the expected text is shown on page 3
    const phrase = '跨省通办';
    ok(expected.map((p, i) => (p.includes(phrase) ? i + 1 : 0)).filter(Boolean).join() === '3', `${phrase} is on page 3 of report.pdf.pages`);
    await page.goto(`${base}?q=${encodeURIComponent(phrase)}&doc=${encodeURIComponent(pdfPath)}`, { waitUntil: 'networkidle0' });
    const onPage = await page.$$eval('#doc-text mark', (ms) => ms.map((m) => {
      let e = m;
      let p = 0;
      while ((e = e.previousSibling)) if (e.classList && e.classList.contains('page-break')) { p = +e.dataset.page; break; }
      return p;
    }));
    ok(onPage.length === count(expected[2], phrase) && onPage.every((p) => p === 3),
      `a PDF: every match of ${phrase} is shown after the 第 3 页 marker (and before 第 4 页)`, onPage.join());
    ok((await text('#doc-pages')) === '匹配所在页：第 3 页（3 处）', 'a PDF: 匹配所在页 names page 3', await text('#doc-pages'));
    ok(/（第 3 页）/.test(await text('#match-pos')), 'a PDF: the current match says its page', await text('#match-pos'));
    const pageText = await page.evaluate(() => {
      const a = document.getElementById('page-3');
      const b = document.getElementById('page-4');
      const r = document.createRange();
      r.setStartAfter(a);
      r.setEndBefore(b);
      return r.toString();
    });
    const sq = (x) => x.replace(/\s+/g, '');
    ok(sq(pageText).length > 500 && sq(expected[2]).includes(sq(pageText)),
      'a PDF: the text between 第 3 页 and 第 4 页 is page 3 of report.pdf.pages (running header and footer aside)', pageText.slice(0, 80));
  } else {
    skip('a PDF: the pages of its matches are listed', 'this build does not read PDF');
  }

  // --- the whole text of a document, every match, n / N ---
  if (textDoc) {
    const fileText = readFileSync(textDoc, 'utf8');
    const w = '法治政府';
    await page.goto(`${base}?q=${encodeURIComponent(w)}&doc=${encodeURIComponent(textDoc)}`, { waitUntil: 'networkidle0' });
    const shown = await text('#doc-text');
    ok(shown.trim() === fileText.trim(), 'the document view shows the whole text of the file', `${shown.length} vs ${fileText.length}`);
    ok(await page.$eval('#doc-note', (e) => e.hidden), 'no "not complete" note for a whole document');
    const dm = await all('#doc-text mark');
    const want = count(fileText, w);
    ok(want > 5 && dm.length === want && dm.every((m) => m === w), `every match of ${w} in the file is highlighted (${want})`, dm.length);
    ok(await visible('#match-nav') && (await text('#match-count')) === `共 ${want} 处匹配`, 'the count of matches: 共 N 处匹配', await text('#match-count'));
    const cur = () => page.$$eval('#doc-text mark', (ms) => ms.findIndex((m) => m.classList.contains('current')));
    ok(await cur() === 0, 'the first match is current on opening');
    ok((await text('#match-pos')) === `第 1 / ${want} 处`, 'its position: 第 1 / N 处', await text('#match-pos'));
    await page.keyboard.press('n');
    ok(await cur() === 1, 'n goes to the next match');
    await page.keyboard.press('n');
    ok(await cur() === 2 && (await text('#match-pos')) === `第 3 / ${want} 处`, 'n again: the third', await text('#match-pos'));
    await page.keyboard.down('Shift');
    await page.keyboard.press('N');
    await page.keyboard.up('Shift');
    ok(await cur() === 1, 'N goes back to the previous match');
    await page.click('#prev-match');
    await page.click('#prev-match');
    ok(await cur() === want - 1, '上一处 from the first wraps to the last', await cur());
    await page.click('#next-match');
    ok(await cur() === 0, '下一处 from the last wraps to the first');
    const inView = await page.$eval('#doc-text mark.current', (m) => {
      const r = m.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    ok(inView, 'the current match is scrolled into view');
    const items = await all('#match-list li');
    ok(items.length === want && items.every((t) => t.includes(w)), 'the list of matches has every match with its context', items.length);
    await page.click('#match-list-box summary');
    await page.click('#match-list li:nth-child(4) button');
    ok(await cur() === 3, 'a click on the 4th in the list makes it current', await cur());
    // no query: the document alone
    await page.goto(`${base}?doc=${encodeURIComponent(textDoc)}`, { waitUntil: 'networkidle0' });
    ok((await text('#doc-text')).trim() === fileText.trim() && (await all('#doc-text mark')).length === 0,
      'a document opened without a query: the whole text, nothing marked');
    ok(!(await visible('#match-nav')) && !(await visible('#match-list-box')), 'and no match navigation');
    // a document not in the index
    await page.goto(`${base}?q=x&doc=${encodeURIComponent(`${textDoc}.none`)}`, { waitUntil: 'networkidle0' });
    ok(await visible('#error') && (await text('#error')).length > 0, 'a document not in the index: the error is shown', await text('#error'));
  } else {
    skip('the document view shows the whole text of the file', 'TEXT_DOC not given');
  }

  // --- 您是不是要找 ---
  await page.goto(`${base}?q=${encodeURIComponent('依法形政')}`, { waitUntil: 'networkidle0' });
  ok(await visible('#suggest') && (await text('#suggest')).startsWith('您是不是要找：'), 'a slip (依法形政): 您是不是要找 is shown', await text('#suggest'));
  const sug = await all('#suggest a.suggestion');
  ok(sug[0] === '依法行政' && /依法行政 \(\d+\)/.test(await text('#suggest')), 'the variant 依法行政 with its count, as a link', await text('#suggest'));
  ok((await page.$eval('#q', (e) => e.value)) === '依法形政' && /^共 0 条/.test(await text('#status')),
    'the suggestion is not applied on its own', await text('#status'));
  ok(!(await visible('#pager')), 'no pager for no results');
  const sugCount = parseInt(((await text('#suggest')).match(/依法行政 \((\d+)\)/) || [0, -1])[1], 10);
  await page.click('#suggest a.suggestion');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('q') === '依法行政'
    && /^共 [1-9]/.test(document.getElementById('status').textContent), { polling: 100 });
  const sugTotal = parseInt((await text('#status')).match(/共 (\d+)/)[1], 10);
  ok((await page.$eval('#q', (e) => e.value)) === '依法行政' && sugTotal === sugCount && sugTotal > 0,
    'a click on it runs that query, which finds as many documents as it said', `${sugTotal} vs ${sugCount}`);
  ok(await page.$eval('#suggest', (e) => e.hidden), 'a query that finds enough has no suggestions');

  // --- synonyms: ~word, 同义词扩展 ---
  await page.goto(`${base}?q=${encodeURIComponent('异地通办')}`, { waitUntil: 'networkidle0' });
  ok(/^共 0 条/.test(await text('#status')), 'a word of a synonym group alone finds nothing', await text('#status'));
  ok(!(await page.$eval('#expand', (e) => e.checked)), '同义词扩展 is off by default');
  await page.click('#expand');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('expand') === '1'
    && /^共 [1-9]/.test(document.getElementById('status').textContent), { polling: 100 });
  ok(/^共 [1-9]/.test(await text('#status')), '同义词扩展 on: the group finds documents, the URL says expand=1', await text('#status'));
  ok((await text('#expanded')).includes('异地通办 → 跨省通办、异地通办、全国通办'), 'what the word expanded to is shown', await text('#expanded'));
  const exMarks = await all('#results mark');
  ok(exMarks.length > 0 && exMarks.every((m) => m === '跨省通办'), 'the snippets highlight the member found', exMarks.join('|'));
  await page.click('#results a.title');
  await page.waitForFunction(() => !document.getElementById('doc-view').hidden
    && document.getElementById('doc-text').textContent.length > 0, { polling: 100 });
  ok((await all('#doc-text mark')).length > 0, 'the document view of an expanded search highlights the group', params().get('expand'));
  await page.goto(`${base}?q=${encodeURIComponent('~异地通办')}`, { waitUntil: 'networkidle0' });
  ok(/^共 [1-9]/.test(await text('#status')) && !(await page.$eval('#expand', (e) => e.checked)), '~word in the query box expands without the checkbox', await text('#status'));

  // --- errors, escaping ---
  await page.goto(`${base}?q=${encodeURIComponent('(复议')}`, { waitUntil: 'networkidle0' });
  ok(await visible('#error') && /column/.test(await text('#error')), 'a syntax error is shown with its column', await text('#error'));
  await page.goto(`${base}?q=${encodeURIComponent('测试报告')}`, { waitUntil: 'networkidle0' });
  const hits = await all('#results li.hit');
  ok(hits.length === 1, 'the document with HTML in its name and text is found', hits.length);
  ok(await page.evaluate(() => window.__xss === undefined && !document.querySelector('#results img, #results b, #results script, #results i')),
    'titles, paths and snippets are text, never HTML');
  ok((await text('#results li.hit')).includes('<'), 'the markup is shown as text', await text('#results li.hit'));

  // --- a phone ---
  await page.setViewport({ width: 375, height: 740, isMobile: true, hasTouch: true });
  await page.goto(`${base}?q=${encodeURIComponent('行政复议')}&facet=year`, { waitUntil: 'networkidle0' });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  ok(width <= 376, 'a phone (375 px): no horizontal scrolling', width);
  const box = await page.$eval('#q', (e) => e.getBoundingClientRect().width);
  ok(box >= 150, 'a phone: the search box is usable', box);

  ok(foreign.length === 0, 'no request leaves the server', foreign.join('\n'));
  ok(pageErrors.length === 0, 'no script errors', pageErrors.join('\n'));
}

try {
  await run();
} catch (e) {
  ok(false, 'the UI test ran to the end', e.stack);
} finally {
  await browser.close();
}
console.log(`# ${n - failed} passed, ${failed} failed`);
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
