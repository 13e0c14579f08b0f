// "I need to talk to someone now" from the kiosk's own screen to every open page: the kiosk runs
// with its touchscreen on Xvfb and the help button is tapped there (xdotool). Two advisors' queue
// pages, another staff page (status) and the display page raise the alert within a second, with
// the alarm played where the page's sound is on (each page asks for a tap on opening; the second
// advisor turned sound off) and the title flashing; one acknowledgement clears it everywhere and
// records who. The display page then shows a call without reloading.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKioskOnScreen, startBrowser, gestureForSound } from './kiosk.mjs';

const DISPLAY_TOKEN = 'demo-display-token-not-for-real-use';
// The help button on the 1280×800 screen: the trailing end of the header.
const HELP_BUTTON = [1084, 72];

let kiosk;
let first;
let second;

before(async () => {
  kiosk = await startKioskOnScreen();
  first = await startBrowser();
  second = await startBrowser();
  // As a desktop browser does: no sound before a tap on the page.
  await gestureForSound(first.context);
  await gestureForSound(second.context);
});

after(async () => {
  await first?.close();
  await second?.close();
  await kiosk?.stop();
});

async function queuePage(context, name) {
  const page = await context.newPage();
  await page.goto(kiosk.base + '/queue');
  await page.selectOption('select[name=name]', name);
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/queue'), page.click('button[type=submit]')]);
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  return page;
}

const plays = (page) => page.evaluate(() => Number(document.body.dataset.soundPlays || 0));

test('a tap on the kiosk raises the alert on every page within a second, and one acknowledgement clears it', async () => {
  const desk1 = await queuePage(first.context, 'Desk 1');
  // The page asks for a tap so the browser lets it play sound.
  assert.equal(await desk1.evaluate(() => window.hubSound.ready()), false, 'no sound before a tap');
  await desk1.locator('#sound-prompt').click();
  await desk1.waitForFunction(() => window.hubSound.ready());
  const desk2 = await queuePage(second.context, 'Desk 2');
  await desk2.locator('#sound').click();
  assert.equal(await desk2.locator('#sound').innerText(), 'Sound: off');
  assert.equal(await desk2.locator('#sound-prompt').count(), 0, 'no prompt with sound off');
  // Another staff page open too: the status page, signed in as Desk 1.
  const status = await first.context.newPage();
  await status.goto(kiosk.base + '/status');
  await status.locator('#help-alerts').waitFor({ state: 'attached' });
  await status.waitForFunction(() => window.hubSound);
  const display = await first.context.newPage();
  await display.goto(`${kiosk.base}/display?token=${DISPLAY_TOKEN}`);
  await display.locator('#sound-prompt').click();
  await display.waitForFunction(() => window.hubSound.ready());
  await display.evaluate(() => { window.stillTheSamePage = true; });
  const before = [await plays(desk1), await plays(desk2), await plays(display)];

  const tapped = Date.now();
  kiosk.tap(...HELP_BUTTON);
  await Promise.all([
    desk1.locator('.help-alert').waitFor({ timeout: 1000 }),
    desk2.locator('.help-alert').waitFor({ timeout: 1000 }),
    status.locator('.help-alert').waitFor({ timeout: 1000 }),
    display.locator('#help:not([hidden])').waitFor({ timeout: 1000 }),
  ]);
  const took = Date.now() - tapped;
  assert.ok(took <= 1000, `the alert took ${took} ms`);
  assert.match(await desk1.locator('.help-alert').innerText(), /needs to talk to someone now/);
  assert.match(await display.locator('#help').innerText(), /needs to talk to someone now/);
  assert.match(await status.locator('.help-alert').innerText(), /needs to talk to someone now/);
  const help = await kiosk.api('GET', '/api/v1/help-requests');
  assert.equal(help.body.open.length, 1);

  // The alarm sounds where sound is on, and the title flashes.
  await desk1.waitForFunction((n) => Number(document.body.dataset.soundPlays) > n, before[0]);
  await display.waitForFunction((n) => Number(document.body.dataset.soundPlays) > n, before[2]);
  await desk1.waitForFunction(() => document.title.includes('HELP NEEDED'));
  await desk2.waitForFunction(() => document.title.includes('HELP NEEDED'));
  await status.waitForFunction(() => document.title.includes('HELP NEEDED'));
  assert.equal(await plays(desk2), before[1], 'no sound where it is off');

  // Desk 2 is going: the alert clears on every page, and the record says who.
  await desk2.locator('.help-alert button', { hasText: 'acknowledge' }).click();
  await Promise.all([
    desk1.locator('.help-alert').waitFor({ state: 'detached' }),
    desk2.locator('.help-alert').waitFor({ state: 'detached' }),
    status.locator('.help-alert').waitFor({ state: 'detached' }),
    display.locator('#help').waitFor({ state: 'hidden' }),
  ]);
  const after = await kiosk.api('GET', '/api/v1/help-requests');
  assert.equal(after.body.open.length, 0);
  assert.equal(after.body.recent[0].acknowledged.by, 'Desk 2');
  await desk1.waitForFunction(() => !document.title.includes('HELP NEEDED'));
  const silent = await plays(desk1);
  await new Promise((r) => setTimeout(r, 4500));
  assert.equal(await plays(desk1), silent, 'the alarm stops once acknowledged');

  // A call shows on the display page as it happens, in the holder's language too.
  const added = await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['housing'], language: 'pl', interpreter: true });
  assert.equal(added.status, 201);
  const called = await kiosk.api('POST', `/api/v1/tickets/${added.body.ticket.id}/call`);
  assert.equal(called.status, 200);
  const latest = display.locator('#calls li').first();
  await latest.locator('.ticket', { hasText: 'A 001' }).waitFor();
  assert.match(await latest.innerText(), /the front desk/);
  assert.match(await latest.locator('.other').innerText(), /Wywołujemy A 001/);
  assert.equal(await display.evaluate(() => window.stillTheSamePage), true, 'no reload');
  const html = await display.content();
  // Ticket numbers and places only: no need, no desk or login, no interpreter wish.
  assert.doesNotMatch(await display.locator('main').innerText(), /Desk \d|housing|interpreter|called by/i);
  assert.doesNotMatch(html, /housing|Desk \d|interpreter/i, 'nor in the page\'s data');
});

test('the display page needs its own token, never a session', async () => {
  const page = await first.context.newPage();
  const wrong = await page.goto(`${kiosk.base}/display?token=not-the-token`);
  assert.equal(wrong.status(), 401);
  const none = await page.goto(`${kiosk.base}/display`);
  assert.equal(none.status(), 401, 'a signed-in session does not open it');
  const events = await fetch(`${kiosk.base}/display/events?token=nope`);
  assert.equal(events.status, 401);
  await page.close();
});

test('a display whose browser allows sound without a tap asks for none and chimes for a call', async () => {
  // A kiosk-mode browser started with --autoplay-policy=no-user-gesture-required.
  const tv = await startBrowser({}, ['--autoplay-policy=no-user-gesture-required']);
  try {
    const page = await tv.context.newPage();
    await page.goto(`${kiosk.base}/display?token=${DISPLAY_TOKEN}`);
    await page.waitForFunction(() => window.hubSound.ready());
    assert.equal(await page.locator('#sound-prompt').count(), 0, 'no prompt');
    const added = await kiosk.api('POST', '/api/v1/walk-ins', { needs: ['advisor'] });
    await kiosk.api('POST', `/api/v1/tickets/${added.body.ticket.id}/call`);
    await page.waitForFunction(() => Number(document.body.dataset.soundPlays) > 0);
  } finally {
    await tv.close();
  }
});
