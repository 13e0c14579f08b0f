// The staff pages in a real browser: sign in, see a walk-in added through the API appear
// without a reload (with a title badge), call it, mark it seen, download the footfall CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startKiosk, startBrowser } from './kiosk.mjs';

let kiosk;
let browser;

before(async () => {
  kiosk = await startKiosk();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await kiosk?.stop();
});

test('an advisor signs in, sees a walk-in arrive live, calls it and marks it seen', async () => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

  await page.goto(kiosk.base + '/queue');
  assert.match(page.url(), /\/login\?next=/);
  await page.selectOption('select[name=name]', 'Desk 1');
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  assert.match(await page.locator('#queue').innerText(), /Nobody is waiting/);

  // Remember this document: if it reloads, the marker is gone.
  await page.evaluate(() => { window.stillTheSamePage = true; });
  const added = await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['advisor'] });
  assert.equal(added.status, 201);
  const id = added.body.ticket.id;
  const row = page.locator(`tr[data-id="${id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /A 001/);
  assert.match(await row.innerText(), /Chat with an advisor/);
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true);
  assert.match(await page.title(), /^\(1\) Queue/);

  await row.getByRole('button', { name: 'Call A 001' }).click();
  await page.locator(`tr[data-id="${id}"]`, { hasText: 'Called by Desk 1' }).waitFor();
  let t = await kiosk.api('GET', `/api/v1/tickets/${id}`);
  assert.equal(t.body.ticket.state, 'called');
  assert.equal(t.body.ticket.called_by, 'Desk 1');
  assert.doesNotMatch(await page.title(), /^\(/, 'the badge clears once the advisor acts');

  await page.locator(`tr[data-id="${id}"]`).getByRole('button', { name: 'Seen A 001' }).click();
  await page.locator(`tr[data-id="${id}"]`).waitFor({ state: 'detached' });
  t = await kiosk.api('GET', `/api/v1/tickets/${id}`);
  assert.equal(t.body.ticket.state, 'seen');
  assert.match(await page.locator('#flash').innerText(), /A 001: seen/);
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a refusal shows the kiosk\'s own words (the problem\'s detail), not only its status', async () => {
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + '/queue');
  if (page.url().includes('/login')) {
    await page.selectOption('select[name=name]', 'Desk 1');
    await page.fill('input[name=passcode]', '1234');
    await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  }
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  // The first test left nobody waiting.
  await page.locator('button[data-act="call-next"]').first().click();
  const flash = page.locator('#flash', { hasText: 'nobody is waiting' });
  await flash.waitFor({ timeout: 5000 });
  assert.doesNotMatch(await flash.innerText(), /refused this/);
  await page.close();
});

test('a manager downloads the footfall CSV', async () => {
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + '/footfall');
  if (page.url().includes('/login')) {
    await page.selectOption('select[name=name]', 'Desk 2');
    await page.fill('input[name=passcode]', '1234');
    await Promise.all([page.waitForURL('**/footfall'), page.click('button[type=submit]')]);
  }
  assert.equal(await page.locator('svg[role=img], section svg').count() > 0, true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  assert.match(download.suggestedFilename(), /^footfall-demo-\d{4}-\d\d-\d\d-to-\d{4}-\d\d-\d\d\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean);
  const head = csv[0].split(',');
  assert.equal(head[0], 'date');
  const today = csv[csv.length - 1].split(',');
  const col = (name) => Number(today[head.indexOf(name)]);
  assert.ok(col('dropins_joined') >= 1, csv.join('\n'));
  assert.ok(col('dropins_seen') >= 1, csv.join('\n'));
  await page.close();
});

test('the queue page fits a phone screen', async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['housing', 'money'], priority: true });
  await page.goto(kiosk.base + '/queue');
  if (page.url().includes('/login')) {
    await page.fill('input[name=passcode]', '1234');
    await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  }
  await page.locator('tr[data-id]').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.close();
});
