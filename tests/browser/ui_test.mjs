// The web UI of `zhsearch serve` in headless Chromium, as a user drives it:
// search, highlights, facets, paging, date sort, the document view with its
// pages, deep links, the back button, keyboard, errors, escaping, a phone's
// width, and no request leaving the server.  TAP output.
// Usage: node ui_test.mjs URL   (CHROMIUM: the browser; PDF_PATH: an indexed
// PDF for the page checks, empty to skip them)
import puppeteer from 'puppeteer-core';

const base = process.argv[2];
const pdfPath = process.env.PDF_PATH || '';
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
const visible = (sel) => page.$eval(sel, (e) => !e.hidden && e.offsetParent !== null);
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
  } else {
    skip('a PDF: the pages of its matches are listed', 'this build does not read PDF');
  }

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
