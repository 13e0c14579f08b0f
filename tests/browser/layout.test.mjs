// The staff and central pages at a 1024 px wide window: no page scrolls sideways (a wide table
// scrolls within its own box instead); a footfall chart of a 7-day range with two empty days
// draws all seven days; printing leaves the navigation, forms and buttons out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKiosk, startCentral, startBrowser, CENTRAL_KIOSK_TOKEN } from './kiosk.mjs';

let kiosk;
let central;
let browser;

before(async () => {
  kiosk = await startKiosk();
  central = await startCentral();
  browser = await startBrowser({ viewport: { width: 1024, height: 768 } });
});

after(async () => {
  await browser?.close();
  await kiosk?.stop();
  await central?.stop();
});

/** How far the page scrolls sideways, in CSS pixels (0 when it does not). */
const sideways = (page) => page.evaluate(
  () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
);

const iso = (d) => d.toISOString().slice(0, 10);

/** Seven days ending yesterday, with counts on all but the third and the sixth. */
async function uploadWeek() {
  const days = [];
  for (let i = 7; i >= 1; i--) {
    const d = new Date(Date.now() - i * 86400e3);
    d.setUTCHours(12, 0, 0, 0);
    days.push(d);
  }
  const buckets = days
    .filter((_, i) => i !== 2 && i !== 5)
    .map((d, i) => ({ hour: d.toISOString().replace('.000Z', 'Z'), revision: 1, counts: { door_in: 10 + i, checkins_anonymous: 3 } }));
  const put = await central.api('PUT', '/api/v1/footfall', {
    version: 1, site: 'demo', kiosk: 'entrance', database: '0b0e5e70-0000-4000-8000-00000000a7e5', buckets,
  }, CENTRAL_KIOSK_TOKEN);
  assert.equal(put.status, 200, JSON.stringify(put.body));
  return { from: iso(days[0]), to: iso(days[6]) };
}

async function centralPage() {
  const page = await browser.context.newPage();
  await page.goto(central.base + '/sign-in');
  await page.fill('[name=name]', 'demo');
  await page.fill('[name=passcode]', '1234');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/sign-in')), page.click('button[type=submit]')]);
  return page;
}

test('a 7-day range with two empty days draws seven days on the central site page', async () => {
  const { from, to } = await uploadWeek();
  const page = await centralPage();
  await page.goto(`${central.base}/sites/demo?from=${from}&to=${to}`);
  // The labels under the bars: "Mon 30 Nov", one per day drawn.
  const days = await page.locator('svg.chart').first().locator('text').evaluateAll(
    (texts) => texts.map((t) => t.textContent).filter((t) => /^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}$/.test(t)),
  );
  assert.equal(days.length, 7, days.join(' | '));
  // The table lists the five days with counts; the chart shows the two empty ones as zero.
  assert.equal(await page.locator('table.footfall tbody tr:not(.total)').count(), 5);
  await page.close();
});

test('at 1024 px no central page scrolls sideways; the wide table scrolls in its box', async () => {
  const { from, to } = await uploadWeek();
  const page = await centralPage();
  for (const path of ['/', `/sites/demo?from=${from}&to=${to}`, '/sites/nowhere', '/sign-in']) {
    await page.goto(central.base + path);
    assert.equal(await sideways(page), 0, `${path} scrolls sideways`);
  }
  await page.goto(`${central.base}/sites/demo?from=${from}&to=${to}`);
  const box = page.locator('.scroll').first();
  const [scroll, client] = await box.evaluate((e) => [e.scrollWidth, e.clientWidth]);
  assert.ok(scroll > client, `the footfall table (${scroll} px) scrolls within its ${client} px box`);
  await page.close();
});

test('at 1024 px no staff page scrolls sideways', async () => {
  await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['advisor', 'housing', 'money', 'work'] });
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + '/login');
  assert.equal(await sideways(page), 0, '/login scrolls sideways');
  await page.selectOption('select[name=name]', 'Desk 1');
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  const today = new Date();
  const monthAgo = new Date(Date.now() - 30 * 86400e3);
  for (const path of ['/queue', '/footfall', `/footfall?from=${iso(monthAgo)}&to=${iso(today)}`, '/status']) {
    await page.goto(kiosk.base + path);
    assert.equal(await sideways(page), 0, `${path} scrolls sideways`);
  }
  await page.close();
});

test('printing the footfall and queue pages leaves out navigation, forms and buttons', async () => {
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + '/login');
  await page.selectOption('select[name=name]', 'Desk 2');
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  await page.emulateMedia({ media: 'print' });
  for (const path of ['/footfall', '/queue']) {
    await page.goto(kiosk.base + path);
    const shown = await page.evaluate(() => [...document.querySelectorAll('header nav, main form, main button')]
      .filter((e) => getComputedStyle(e).display !== 'none').length);
    assert.equal(shown, 0, `${path}: navigation, forms and buttons are not printed`);
    assert.match(await page.locator('main h1').innerText(), /\S/, `${path}: the content is printed`);
  }
  const page2 = await centralPage();
  await page2.emulateMedia({ media: 'print' });
  await page2.goto(central.base + '/');
  const shown = await page2.evaluate(() => [...document.querySelectorAll('header a, form, button')]
    .filter((e) => getComputedStyle(e).display !== 'none').length);
  assert.equal(shown, 0, 'central: links in the header, forms and buttons are not printed');
  await page.close();
  await page2.close();
});
