// Staff register today's study session on a computer and share it with the other committees;
// the member at the door scans the code shown on the activity's page with a phone (the test
// decodes the QR picture itself, so the code is proven scannable, not just printed), signs in
// with one tap, and staff see the member present on the roll. The shared session then appears
// in the exchange feed, linked for its own committee.
import { expect } from '@playwright/test';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const TITLE = '委员履职能力专题学习会第二期';

const test = demoTest('activities', { sqlite: 18189, postgres: 18190 });

test('a member signs in to an activity by scanning its QR code, and the shared activity reaches the exchange feed', async ({ browser }) => {
  const staff = await loginPage(browser, 'staff');
  await staff.goto('/activities/new');
  await staff.getByLabel('活动类型').selectOption({ label: '学习' });
  await staff.getByLabel('活动名称').fill(TITLE);
  await staff.getByLabel('信息互通：本系统各级政协可见').check();
  await staff.getByRole('button', { name: '保存' }).click();
  await expect(staff.getByText('已保存')).toBeVisible();
  await expect(staff).toHaveURL(/\/activities\/\d+$/);
  const activityPath = new URL(staff.url()).pathname;

  // What the phone's camera reads: the QR picture on the page, decoded.
  const qr = staff.locator('#sign-in-code figure svg');
  await expect(qr).toBeVisible();
  const png = PNG.sync.read(await qr.screenshot());
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded, 'the code decodes').not.toBeNull();
  const link = new URL(decoded!.data);
  expect(link.pathname).toMatch(/^\/a\/[A-Za-z0-9]+$/);
  await expect(staff.locator('#sign-in-code .url')).toHaveText(decoded!.data);

  const member = await loginPage(browser, 'member', true);
  await member.goto(link.pathname);
  await expect(member.getByRole('heading', { name: '签到' })).toBeVisible();
  await expect(member.locator('#sign-in')).toContainText(TITLE);
  await expectNoOverflow(member);
  await member.getByRole('button', { name: '签到' }).click();
  await expect(member.getByText('您已签到，谢谢参加')).toBeVisible();
  // Scanning again changes nothing and says so.
  await member.goto(link.pathname);
  await expect(member.getByText('您已签到，谢谢参加')).toBeVisible();

  await staff.goto(activityPath);
  const present = staff.locator('#roll tr[data-attendance="present"]');
  await expect(present).toHaveCount(1);
  await expect(present).toContainText('已签到');

  // 信息互通: the session is in the feed, linked to its page for its own committee.
  await member.goto('/exchange');
  await expect(member.getByRole('link', { name: TITLE })).toHaveAttribute('href', activityPath);
  await expect(member.locator('#exchange-feed')).toContainText('韶山市政协');
  await expectNoOverflow(member);
  await member.context().close();
  await staff.context().close();
});
