// Driven by tests/sessions_register_live.rs, which runs the kiosk's real screen headless next to
// its staff server: a tutor signs in and opens the registers page (prints `ready`), a student
// checks in for SESSION at the screen and appears on the register without a reload, the tutor
// adds a member, and the register's CSV downloads (prints `done` with what it read).
// Usage: node register-live.mjs BASE SESSION DATE
import { readFileSync } from 'node:fs';
import { startBrowser } from './kiosk.mjs';

const [base, session, date] = process.argv.slice(2);
const browser = await startBrowser();
const fail = async (why) => {
  console.log('failed ' + why);
  await browser.close();
  process.exit(1);
};
try {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${base}/sessions?date=${date}`);
  await page.selectOption('select[name=name]', 'Desk 1');
  await page.fill('input[name=passcode]', '1234');
  await Promise.all([page.waitForURL('**/sessions?date=*'), page.click('button[type=submit]')]);
  await page.locator('#live', { hasText: 'Live' }).waitFor();
  const section = page.locator(`section[data-id="${session}"]`);
  const count = section.locator('[data-count]');
  if ((await count.innerText()) !== '0') await fail('the register was not empty');
  await page.evaluate(() => { window.stillTheSamePage = true; });
  console.log('ready');

  // The student checks in at the screen: the count changes by itself.
  await page.locator(`section[data-id="${session}"] [data-count]`, { hasText: /^1$/ }).waitFor({ timeout: 30000 });
  const anonymous = await page.locator(`section[data-id="${session}"] [data-anonymous]`).innerText();
  if (anonymous !== '1') await fail('the student at the screen is not on the register: ' + anonymous);
  if (!(await page.evaluate(() => window.stillTheSamePage))) await fail('the page reloaded');

  // The tutor adds a member who did not use the kiosk.
  await page.locator(`section[data-id="${session}"] input[name=member]`).fill('m-2002');
  await page.locator(`section[data-id="${session}"] button[type=submit]`).click();
  await page.locator(`section[data-id="${session}"] td`, { hasText: 'M-2002' }).waitFor();
  await page.locator(`section[data-id="${session}"] [data-count]`, { hasText: /^2$/ }).waitFor();
  const flash = await page.locator('#flash').innerText();

  // The register as a spreadsheet.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator(`section[data-id="${session}"] a[download]`).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8');
  console.log('done ' + JSON.stringify({ file: download.suggestedFilename(), csv, flash, problems }));
  await browser.close();
  process.exit(0);
} catch (e) {
  await fail(String(e && e.message ? e.message : e).split('\n')[0]);
}
