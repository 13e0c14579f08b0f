// Neither service's pages can be put in a frame by another site (clickjacking the sign-in
// form): Chromium refuses them under `frame-ancestors 'none'`, and the staff queue page still
// runs its script, now a file of its own, without a content security policy complaint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKiosk, startCentral, startBrowser } from './kiosk.mjs';

let kiosk;
let central;
let browser;

before(async () => {
  kiosk = await startKiosk();
  central = await startCentral();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await kiosk?.stop();
  await central?.stop();
});

for (const [name, path] of [['the kiosk sign-in page', '/login'], ['the central sign-in page', '/sign-in']]) {
  test(`${name} cannot be framed by another site`, async () => {
    const base = path === '/login' ? kiosk.base : central.base;
    const page = await browser.context.newPage();
    const blocked = new Promise((resolve) => {
      page.on('console', (m) => { if (m.text().includes("frame-ancestors 'none'")) resolve(m.text()); });
    });
    await page.setContent(`<iframe src="${base}${path}" width="600" height="400"></iframe>`);
    assert.match(await blocked, /violates the following Content Security Policy directive/);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.equal(await frame.locator('input[name=passcode]').count(), 0, 'the form must not show');
    await page.close();
  });
}

test('the queue page runs its script file under the policy', async () => {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(kiosk.base + '/login?next=/queue');
  await page.selectOption('select[name=name]', 'Desk 1');
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  const csp = (await page.request.get(kiosk.base + '/queue.js')).headers()['content-security-policy'];
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  assert.deepEqual(problems, []);
  await page.close();
});
