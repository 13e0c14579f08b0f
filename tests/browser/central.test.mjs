// The central service's pages in a real browser: a reader is sent to the sign-in page, a wrong
// passcode shows the error on the form, the right one lands on the site page with its table and
// chart, the session cookie cannot be read from script, and signing out ends the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCentral, startBrowser, CENTRAL_KIOSK_TOKEN } from './kiosk.mjs';

let central;
let browser;

before(async () => {
  central = await startCentral();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await central?.stop();
});

test('a reader signs in, reads a site and signs out', async () => {
  const hour = new Date(Date.now() - 3600e3);
  hour.setUTCMinutes(0, 0, 0);
  const upload = {
    version: 1,
    site: 'demo',
    kiosk: 'entrance',
    database: '0b0e5e70-0000-4000-8000-000000000001',
    buckets: [{ hour: hour.toISOString(), revision: 1, counts: { door_in: 37, checkins_anonymous: 12 } }],
  };
  const put = await central.api('PUT', '/api/v1/footfall', upload, CENTRAL_KIOSK_TOKEN);
  assert.equal(put.status, 200, JSON.stringify(put.body));

  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(central.base + '/sites/demo');
  assert.equal(new URL(page.url()).pathname, '/sign-in');

  await page.fill('[name=name]', 'demo');
  await page.fill('[name=passcode]', '0000');
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
  assert.match(await page.locator('body').innerText(), /do not match/);

  await page.fill('[name=name]', 'demo');
  await page.fill('[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/sites/demo'), page.click('button[type=submit]')]);
  assert.match(await page.locator('body').innerText(), /The Life Rooms \(demo\)/);
  assert.equal(await page.locator('table.footfall td', { hasText: /^37$/ }).count() > 0, true);
  const chart = await page.locator('svg.chart').first().boundingBox();
  assert.ok(chart && chart.width > 100, 'the chart is drawn');
  assert.equal(await page.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');

  await page.goto(central.base + '/');
  assert.equal(new URL(page.url()).pathname, '/');
  await Promise.all([page.waitForURL('**/sign-in'), page.click('form[action="/sign-out"] button')]);
  await page.goto(central.base + '/');
  assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out');
  assert.deepEqual(problems, []);
});
