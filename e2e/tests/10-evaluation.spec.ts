// Staff change one rule of the 2022 rulebook (a visit is worth 1 point instead of ½, without a
// cap); the kept scores do not move until the year is evaluated again; after re-evaluation the
// member's duty file shows the visits line at its new worth, each record linking to its visit;
// the member reads the same file on a phone.
import { expect } from '@playwright/test';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const test = demoTest('evaluation', { sqlite: 18195, postgres: 18196 });

test('a rule edited and the year re-evaluated shows in the member’s file with its sources', async ({ browser }) => {
  // The member's own file: the visits line before the edit.
  const member = await loginPage(browser, 'member', true);
  await member.goto('/evaluation');
  await expect(member).toHaveURL(/\/evaluation\/members\/\d+/);
  const filePath = new URL(member.url()).pathname;
  const visits = member.locator('details.line', { hasText: '走访群众' });
  const count = await visits.locator('tbody tr').count();
  expect(count).toBeGreaterThan(0);
  await expect(visits.locator('.line-points')).toHaveText(String(count * 0.5));
  const before = await member.locator('#total').innerText();

  // Staff edit the rule.
  const staff = await loginPage(browser, 'staff');
  await staff.goto('/evaluation?year=2022');
  await expect(staff.locator('#year-state')).toHaveText('已评价');
  await expect(staff.locator('#inactive')).toContainText('不活跃委员');
  await staff.getByRole('link', { name: '评分规则' }).click();
  const row = staff.locator('tr[data-kind="visit"]');
  await row.locator('input[name="points.visit"]').fill('1');
  await row.locator('input[name="cap.visit"]').fill('');
  await staff.locator('#save-rules').click();
  await expect(staff.locator('.flash')).toContainText('已保存');
  await expect(staff.locator('input[name="points.visit"]')).toHaveValue('1');

  // Saved, not yet counted: the file still shows the kept score and says the live one differs.
  await staff.goto(`${filePath}?year=2022`);
  await expect(staff.locator('#total')).toHaveText(before);
  await expect(staff.locator('#live-changed')).toBeVisible();

  // Re-evaluate: the line and the total move by exactly the visits' new worth.
  await staff.goto('/evaluation?year=2022');
  await staff.locator('#evaluate').click();
  await expect(staff.locator('.flash')).toContainText('已按当前规则完成评价');
  await staff.goto(`${filePath}?year=2022`);
  const line = staff.locator('details.line', { hasText: '走访群众' });
  await expect(line.locator('.line-points')).toHaveText(String(count));
  expect(Number(await staff.locator('#total').innerText())).toBeCloseTo(Number(before) + count * 0.5, 5);
  await expect(staff.locator('#live-changed')).toHaveCount(0);
  await line.locator('summary').click();
  const source = line.locator('tbody a').first();
  await expect(source).toHaveAttribute('href', /^\/visits\/\d+$/);
  await source.click();
  await expect(staff).toHaveURL(/\/visits\/\d+$/);

  // The member sees the same on the phone, without sideways scrolling.
  await member.reload();
  await expect(member.locator('details.line', { hasText: '走访群众' }).locator('.line-points')).toHaveText(String(count));
  await expectNoOverflow(member);
  await member.screenshot({ path: test.info().outputPath('member-file-phone.png'), fullPage: true });
});
