// The registers page on the demo kiosk (its timetable has sessions every day) in a real
// browser: a tutor sees today's sessions, a student added from another device appears without a
// reload, the tutor adds and takes off students, prints the register and downloads its CSV, and
// the page fits a phone. (A check-in at the screen reaching the page: tests/sessions_register_live.rs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startKiosk, startBrowser } from './kiosk.mjs';

let kiosk;
let browser;
let session;

before(async () => {
  kiosk = await startKiosk();
  browser = await startBrowser();
  const day = await kiosk.api('GET', '/api/v1/sessions');
  session = day.body.sessions.find((s) => !s.cancelled);
});

after(async () => {
  await browser?.close();
  await kiosk?.stop();
});

async function signedIn(path) {
  const page = await browser.context.newPage();
  await page.goto(kiosk.base + path);
  if (page.url().includes('/login')) {
    await page.selectOption('select[name=name]', 'Desk 2');
    await page.fill('input[name=passcode]', '1234');
    await Promise.all([page.waitForURL('**' + path.split('?')[0] + '*'), page.click('button[type=submit]')]);
  }
  return page;
}

test('a tutor keeps a register that updates by itself', async () => {
  const page = await signedIn('/sessions');
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  const section = page.locator(`section[data-id="${session.id}"]`);
  assert.match(await section.locator('h2').innerText(), new RegExp(session.title));
  assert.match(await page.locator('section.session').first().innerText(), /on the register/);
  await page.evaluate(() => { window.stillTheSamePage = true; });

  // Another device adds a student: the page follows without a reload.
  const added = await kiosk.api('POST', `/api/v1/sessions/${session.id}/attendance`, {});
  assert.equal(added.status, 201);
  await section.locator('[data-count]', { hasText: /^1$/ }).waitFor();

  await section.locator('input[name=member]').fill('M-4004');
  await section.locator('button[type=submit]').click();
  await section.locator('td', { hasText: 'M-4004' }).waitFor();
  await section.getByRole('button', { name: 'Add a student without a number' }).click();
  await section.locator('[data-count]', { hasText: /^3$/ }).waitFor();
  await section.getByRole('button', { name: 'Take M-4004 off' }).click();
  await section.locator('td', { hasText: 'M-4004' }).waitFor({ state: 'detached' });
  await section.getByRole('button', { name: 'Take one off' }).click();
  await section.locator('[data-count]', { hasText: /^1$/ }).waitFor();
  const register = await kiosk.api('GET', `/api/v1/sessions/${session.id}/attendance`);
  assert.equal(register.body.attendees, 1);
  assert.equal(register.body.members.length, 0);

  // A refusal is shown, and changes nothing.
  await section.locator('input[name=member]').fill('Jane Smith');
  await section.locator('button[type=submit]').click();
  await page.locator('#flash', { hasText: 'member number is 1–24 characters' }).waitFor();
  assert.equal(await page.evaluate(() => window.stillTheSamePage), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the register prints and downloads', async () => {
  await kiosk.api('POST', `/api/v1/sessions/${session.id}/attendance`, { member: 'M-5005' });
  const page = await signedIn('/sessions');
  const section = page.locator(`section[data-id="${session.id}"]`);
  const [download] = await Promise.all([page.waitForEvent('download'), section.locator('a[download]').click()]);
  assert.equal(download.suggestedFilename(), `register-demo-${session.id}.csv`);
  const csv = readFileSync(await download.path(), 'utf8').split('\r\n').filter(Boolean);
  assert.equal(csv[0], 'date,starts,course,room,student,added_at,added_by');
  assert.ok(csv.some((l) => l.includes(',M-5005,') && l.endsWith(',demo')), csv.join('\n'));
  await Promise.all([page.waitForURL(`**/sessions/${session.id}/register`), section.getByRole('link', { name: 'Printable register' }).click()]);
  assert.match(await page.locator('h1').innerText(), new RegExp(`Register: ${session.title}`));
  assert.match(await page.locator('table.register').innerText(), /M-5005/);
  // The Print button works under the content security policy (no inline handler).
  await page.evaluate(() => { window.printed = 0; window.print = () => { window.printed += 1; }; });
  await page.getByRole('button', { name: 'Print' }).click();
  assert.equal(await page.evaluate(() => window.printed), 1, 'the Print button prints');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header nav').isVisible(), false, 'no navigation on paper');
  assert.equal(await page.locator('table.register').isVisible(), true);
  await page.close();
});

test('the registers page fits a phone screen', async () => {
  const page = await signedIn('/sessions');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.locator('section.session').first().waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  await page.close();
});
