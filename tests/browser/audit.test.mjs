// The audit log in a real browser: a manager signs in, finds the staff actions on the status
// page, narrows them with the filter and downloads them as CSV; an advisor sees no such section.
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

async function signIn(page, name, next) {
  await page.goto(kiosk.base + next);
  await page.selectOption('select[name=name]', name);
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**' + next), page.click('button[type=submit]')]);
}

test('a manager filters the audit log and downloads it as CSV', async () => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await signIn(page, 'Desk 1', '/status');
  const added = await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['housing'] });
  assert.equal(added.status, 201);
  const called = await kiosk.api('POST', '/api/v1/queue/call-next');
  assert.equal(called.status, 200);

  await page.reload();
  const table = page.locator('#audit-table');
  await table.waitFor();
  const text = await table.innerText();
  assert.match(text, /Desk 1 \(sign-in\)\s+sign-in/);
  assert.match(text, /demo \(token\)\s+walk-in\s+ticket A 001\s+needs: housing/);
  assert.match(text, /demo \(token\)\s+call\s+ticket A 001\s+next in line/);

  await page.selectOption('select[name=action]', 'walk-in');
  await Promise.all([page.waitForURL(/action=walk-in/), page.click('#audit-title ~ form button[type=submit]')]);
  assert.equal(await page.locator('#audit-table tbody tr').count(), 1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#audit-csv')]);
  assert.equal(download.suggestedFilename(), 'audit-demo.csv');
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(csv[0], 'when,who,via,action,subject,detail,from');
  assert.equal(csv.length, 2, csv.join('\n'));
  assert.match(csv[1], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,demo,token,walk-in,ticket A 001,needs: housing,127\.0\.0\.1$/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an advisor sees the status page without the audit log', async () => {
  const other = await startBrowser();
  const page = await other.context.newPage();
  await signIn(page, 'Desk 2', '/status');
  assert.match(await page.locator('h1').first().innerText(), /Status/);
  assert.equal(await page.locator('#audit-table').count(), 0);
  const res = await page.request.get(kiosk.base + '/status/audit.csv');
  assert.equal(res.status(), 403);
  await other.close();
});
