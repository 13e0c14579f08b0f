// The advisor's day on the queue page, in Chromium against a real kiosk: each ticket's language
// and interpreter wish, "mine" and "all" for a login that serves some needs, "Call next" within
// that remit, and a pause made on one page showing on another at once, then resumed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKiosk, startBrowser } from './kiosk.mjs';

let kiosk;
let first;
let second;

before(async () => {
  kiosk = await startKiosk();
  first = await startBrowser();
  second = await startBrowser();
});

after(async () => {
  await first?.close();
  await second?.close();
  await kiosk?.stop();
});

async function queuePage(browser, name) {
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + '/queue');
  await page.selectOption('select[name=name]', name);
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  return page;
}

const row = (page, number) => page.locator('#queue-table tr', { hasText: number });

test('language, interpreter, mine or all, call next within the remit, and a pause every page sees', async () => {
  const advisor = await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['advisor'] });
  const housing = await kiosk.api('POST', '/api/v1/walk-ins', {
    needs: ['housing'], language: 'pl', interpreter: true,
  });
  assert.equal(advisor.status, 201);
  assert.equal(housing.status, 201);

  const desk = await queuePage(first, 'Housing desk');
  const other = await queuePage(second, 'Desk 1');
  // Each ticket's language, named in itself, and the interpreter wish.
  const polish = row(desk, 'A 002');
  assert.match(await polish.innerText(), /Polski/);
  assert.match(await polish.innerText(), /Interpreter/);
  assert.doesNotMatch(await row(desk, 'A 001').innerText(), /Interpreter/);

  // "Mine" shows only the needs this login serves; "All" everything. Desk 1 serves all: no toggle.
  assert.equal(await other.locator('#show').count(), 0);
  await desk.locator('#show button[data-show=mine]').click();
  await row(desk, 'A 001').waitFor({ state: 'detached' });
  assert.equal(await desk.locator('#show button[data-show=mine]').getAttribute('aria-pressed'), 'true');
  await desk.locator('#show button[data-show=all]').click();
  await row(desk, 'A 001').waitFor();

  // Call next calls the first ticket within the remit, not the first in the queue.
  await desk.locator('button[data-act=call-next]').click();
  await desk.locator('#flash', { hasText: 'Calling A 002' }).waitFor();
  await row(other, 'A 002').locator('td.state', { hasText: 'Called by Housing desk' }).waitFor();

  // Desk 1 pauses drop-ins with a reason: the Housing desk's page shows it without a reload.
  await other.locator('#pause-form summary').click();
  await other.fill('#pause-reason', 'room full');
  await other.locator('#pause-form button[data-act=pause]').click();
  const notice = desk.locator('#pause[data-paused="1"]');
  await notice.waitFor({ timeout: 2000 });
  assert.match(await notice.innerText(), /paused since \d\d:\d\d by Desk 1 \(room full\)/);
  // While paused, a waiting ticket can be asked to come back another day.
  await row(desk, 'A 001').locator('button[data-act=come-back]').waitFor();
  const queue = await kiosk.api('GET', '/api/v1/queue');
  assert.equal(queue.body.pause.reason, 'room full');

  await desk.locator('#pause button[data-act=resume]').click();
  await other.locator('#pause[data-paused="0"]').waitFor({ state: 'attached' });
  assert.equal(await other.locator('#pause-form').isHidden(), false);
  assert.equal((await kiosk.api('GET', '/api/v1/queue')).body.pause, null);
});
