// A member back from a home visit logs it on a phone: the kind and whom as big buttons, how
// many people, what was heard and the one concern raised — everything else is filled in (today,
// the member itself as visitor, its place). The visit is saved with the concern registered as a
// demand linked to it, which the member then finds in its demand list, and the visit list's
// totals move by what was logged.
//
// Like 05, the journey needs the demo committee and its accounts, which the servers of
// playwright.config.ts do not have, so this file starts its own server with --demo, on a fresh
// SQLite file or a fresh PostgreSQL database following the project it runs in.
import { expect, Page } from '@playwright/test';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const HEARD = '独居老人反映楼道灯坏了一个多月，晚上下楼取药不方便。';
const CONCERN = '书院路小区3栋楼道照明损坏，请物业尽快维修';

const test = demoTest('visits', { sqlite: 18187, postgres: 18188 });

/** 走访次数, 走访人次, 入户走访人次 as the visit list shows them. */
async function totals(page: Page): Promise<number[]> {
  const figures = await page.locator('#visit-totals strong').allTextContents();
  expect(figures).toHaveLength(3);
  return figures.map(Number);
}

test('a member logs a home visit with a concern on a phone, the concern becomes a demand, and the member signs in to an activity by its code', async ({ browser }) => {
  const page = await loginPage(browser, 'member', true);
  await page.locator('ul.tiles').getByRole('link', { name: '走访', exact: true }).click();
  await expect(page).toHaveURL(/\/visits$/);
  const [visits, people, home] = await totals(page);
  expect(visits).toBeGreaterThan(0);
  await expectNoOverflow(page);

  await page.getByRole('link', { name: '记录走访' }).click();
  await expect(page).toHaveURL(/\/visits\/new$/);
  // The member went on the visit: its own record is ticked and listed first.
  const ticked = page.locator('#visit-visitors input:checked');
  await expect(ticked).toHaveCount(1);
  const me = (await page.locator('#visit-visitors label').first().textContent())!.trim();
  await expect(page.locator('#visit-visitors label').first().locator('input')).toBeChecked();
  await expect(page.getByLabel('走访日期')).not.toHaveValue('');
  await expectNoOverflow(page);

  // What the member does: two taps, a number, two short texts and the save button.
  const started = Date.now();
  await page.getByLabel('入户走访').check();
  await page.getByLabel('群众家庭').check();
  await page.getByLabel('走访人次').fill('2');
  await page.getByLabel('听到的情况').fill(HEARD);
  await page.getByLabel('群众反映的诉求（每行一条，选填）').fill(CONCERN);
  await page.getByRole('button', { name: '保存' }).click();
  await expect(page.getByText('已保存')).toBeVisible();
  expect(Date.now() - started).toBeLessThan(30_000);

  await expect(page).toHaveURL(/\/visits\/\d+$/);
  await expect(page.locator('dl.facts')).toContainText('入户走访');
  await expect(page.locator('#visit-whom')).toHaveText('群众家庭');
  await expect(page.locator('#visit-visitors')).toHaveText(me);
  await expect(page.getByText(HEARD)).toBeVisible();
  const demand = page.locator('#visit-demands a[href^="/demands/"]');
  await expect(demand).toHaveCount(1);
  const code = (await demand.textContent())!.trim();
  expect(code).toMatch(/^[A-Z0-9]{6,}$/);
  await expect(page.locator('#visit-demands')).toContainText(CONCERN.slice(0, 20));
  await expectNoOverflow(page);

  // The concern is a demand of its own, registered through the visit, in the member's list.
  await demand.click();
  await expect(page).toHaveURL(/\/demands\/\d+$/);
  await expect(page.getByText(CONCERN)).toBeVisible();
  await expect(page.locator('dl.facts dd').filter({ hasText: /^走访$/ })).toHaveCount(1);
  await page.goto('/demands');
  await expect(page.getByRole('link', { name: code })).toBeVisible();

  // The list's figures count the new visit.
  await page.goto('/visits');
  expect(await totals(page)).toEqual([visits + 1, people + 2, home + 2]);

  // Back at the community hall, the member signs in to today's activity by its code, on the
  // same phone (staff show the code; 07 decodes the QR picture itself).
  const staff = await loginPage(browser, 'staff');
  await staff.goto('/activities/new');
  await staff.getByLabel('活动类型').selectOption({ label: '小组活动' });
  await staff.getByLabel('活动名称').fill('书院路小组入户走访情况交流会');
  await staff.getByRole('button', { name: '保存' }).click();
  await expect(staff.getByText('已保存')).toBeVisible();
  const signInCode = (await staff.locator('#activity-code').textContent())!.trim();
  await page.goto(`/a/${signInCode}`);
  await expectNoOverflow(page);
  await page.getByRole('button', { name: '签到' }).click();
  await expect(page.getByText('您已签到，谢谢参加')).toBeVisible();
  await staff.reload();
  await expect(staff.locator('#roll tr[data-attendance="present"]')).toContainText(me);
  await staff.context().close();
  await page.context().close();
});
