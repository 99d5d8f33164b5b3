// A member studio from set-up to use: the administrator opens an offline studio with the two
// members imported by 02, puts one on duty on the first reception day and prints the poster;
// a citizen on a phone finds the studio's public page, sees who is on duty and writes to it
// online with a photo; staff record a reception there and register a concern raised during it.
import { test, expect } from '@playwright/test';
import { makePng } from './fixtures/png';
import { loginPage, expectLoaded, expectNoOverflow } from './fixtures/pages';

const STUDIO = '书院路委员工作室';
const ON_DUTY = '林一鸣';
const OTHER = '秦晓岚';

/** Today in China Standard Time, as the server counts reception days. */
function todayCst(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

test.describe.serial('member studios', () => {
  let studioId = '';
  let dutyDay = '';
  let onlineCode = '';

  test('the administrator opens a studio, sets the duty and prints the poster', async ({ browser }) => {
    const admin = await loginPage(browser, 'chief');
    await admin.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '委员工作室' }).click();
    await expect(admin.getByText('还没有委员工作室')).toBeVisible();
    await admin.getByRole('link', { name: '新建工作室' }).click();

    // A wrong time is refused and the form keeps what was typed.
    await admin.getByLabel('工作室名称').fill(STUDIO);
    await admin.getByLabel('线下工作室').check();
    await admin.getByLabel('所属政协小组').selectOption({ label: '书院路政协小组' });
    await admin.getByLabel('所在镇街社区').selectOption({ label: '书院路街道' });
    await admin.getByLabel('详细地址').fill('书院路街道办事处');
    await admin.getByLabel('房间').fill('一楼102室');
    await admin.getByLabel('联系电话').fill('0731-58581234');
    await admin.getByLabel('接待时间').fill('9点到11点半');
    await admin.getByLabel('周三', { exact: true }).check();
    await admin.getByLabel('简介').fill('每周三上午委员轮流接待群众，倾听民声、解决民忧。');
    await admin.getByLabel(ON_DUTY).check();
    await admin.getByLabel(OTHER).check();
    await admin.getByRole('button', { name: '保存' }).click();
    await expect(admin.getByText('接待时间格式应为 09:00-11:30')).toBeVisible();
    await expect(admin.getByLabel('工作室名称')).toHaveValue(STUDIO);
    await expect(admin.getByLabel('周三', { exact: true })).toBeChecked();
    await expect(admin.getByLabel(ON_DUTY)).toBeChecked();

    await admin.getByLabel('接待时间').fill('09:00-11:30');
    await admin.getByRole('button', { name: '保存' }).click();
    await expect(admin.getByText('已保存')).toBeVisible();
    await expect(admin).toHaveURL(/\/studios\/\d+$/);
    studioId = admin.url().match(/\/studios\/(\d+)$/)![1];
    await expect(admin.getByRole('heading', { name: STUDIO })).toBeVisible();
    await expect(admin.locator('dl.facts')).toContainText('周三');
    await expect(admin.locator('dl.facts')).toContainText('09:00-11:30');
    await expect(admin.locator('dl.facts')).toContainText(`${ON_DUTY}、${OTHER}`);

    // The coming eight weeks of Wednesdays, a week apart, nobody on duty yet.
    const days = admin.locator('#roster ul.roster > li');
    await expect(days.first()).toBeVisible();
    const dates = (await days.locator('p > strong').allTextContents()).map((d) => d.trim());
    expect(dates.length).toBeGreaterThanOrEqual(8);
    expect(dates.length).toBeLessThanOrEqual(9);
    for (const [i, d] of dates.entries()) {
      expect(d).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${d}T00:00:00Z`).getUTCDay()).toBe(3);
      if (i > 0) expect(Date.parse(d) - Date.parse(dates[i - 1])).toBe(7 * 86_400_000);
    }
    dutyDay = dates[0];
    const ahead = (Date.parse(dutyDay) - Date.parse(todayCst())) / 86_400_000;
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThan(7);
    const first = days.first();
    await expect(first.locator('p').first()).toHaveText(`${dutyDay} 周三 — 未排班`);

    await first.getByText('安排值班').click();
    await first.getByLabel(ON_DUTY).check();
    await first.getByRole('button', { name: '保存' }).click();
    await expect(admin.getByText('已保存')).toBeVisible();
    const firstAfter = admin.locator('#roster ul.roster > li').first();
    await expect(firstAfter.locator('p').first()).toHaveText(`${dutyDay} 周三 — ${ON_DUTY}`);
    await expect(firstAfter.getByLabel(ON_DUTY)).toBeChecked();
    await expect(firstAfter.getByLabel(OTHER)).not.toBeChecked();
    await expect(admin.locator('#roster ul.roster > li').nth(1).locator('p').first()).toContainText('未排班');

    // The poster, with its QR code pointing at the public page.
    await expect(admin.getByRole('link', { name: '公开页面' })).toHaveAttribute('href', `/c/yuetang/studios/${studioId}`);
    await expect(admin.getByRole('link', { name: '订阅值班日历（iCalendar）' })).toHaveAttribute('href', `/c/yuetang/studios/${studioId}/duty.ics`);
    const [poster] = await Promise.all([admin.context().waitForEvent('page'), admin.getByRole('link', { name: '打印A4海报' }).click()]);
    await poster.waitForLoadState();
    await expect(poster).toHaveURL(new RegExp(`/studios/${studioId}/poster$`));
    await expect(poster.getByRole('heading', { name: STUDIO })).toBeVisible();
    await expect(poster.locator('figure.qr svg')).toBeVisible();
    const box = (await poster.locator('figure.qr svg').boundingBox())!;
    expect(box.width).toBeGreaterThan(100);
    expect(Math.abs(box.width - box.height)).toBeLessThan(2);
    await expect(poster.locator('figure.qr')).toContainText(`/c/yuetang/studios/${studioId}`);
    await expect(poster.locator('article.poster')).toContainText('09:00-11:30');

    // The duty calendar names the member on the day.
    const ics = await admin.request.get(`/c/yuetang/studios/${studioId}/duty.ics`);
    expect(ics.status()).toBe(200);
    expect(ics.headers()['content-type']).toContain('text/calendar');
    const cal = await ics.text();
    expect(cal).toContain('BEGIN:VCALENDAR');
    expect(cal).toContain(`DTSTART;TZID=Asia/Shanghai:${dutyDay.replaceAll('-', '')}T090000`);
    expect(cal).toContain(ON_DUTY);
    await admin.context().close();
  });

  test('a citizen on a phone finds the studio and writes to it with a photo', async ({ browser }, info) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const phone = await context.newPage();
    await phone.goto(`/c/yuetang/studios/${studioId}`);
    await expect(phone.getByRole('heading', { name: STUDIO })).toBeVisible();
    await expect(phone.getByText('每周三上午委员轮流接待群众')).toBeVisible();
    const duty = phone.locator('#duty');
    await expect(duty.getByRole('heading', { name: '近期接待日与值班委员' })).toBeVisible();
    const firstDay = duty.locator('ul.roster > li').first();
    await expect(firstDay).toContainText(dutyDay);
    await expect(firstDay).toContainText(ON_DUTY);
    await expect(duty.locator('ul.roster > li').nth(1)).toContainText('待安排');
    await expectNoOverflow(phone);
    await phone.screenshot({ path: info.outputPath('studio-public-375.png'), fullPage: true });

    await phone.getByRole('link', { name: '在线反映问题' }).click();
    await expect(phone).toHaveURL(new RegExp(`/c/yuetang/demands/new\\?studio=${studioId}$`));
    await expect(phone.locator('#via-studio')).toHaveText(`通过委员工作室反映：${STUDIO}`);
    await phone.getByLabel('姓名').fill('吴大姐');
    await phone.getByLabel('手机号码').fill('13800005678');
    await phone.getByLabel('类别').selectOption({ index: 1 });
    await phone.getByLabel('具体内容').fill('小区路灯坏了三盏，晚上回家看不清路');
    await phone.getByLabel('照片（可选，最多5张）').setInputFiles([
      { name: '路灯1.png', mimeType: 'image/png', buffer: makePng(400, 300) },
      { name: '路灯2.png', mimeType: 'image/png', buffer: makePng(300, 400) },
    ]);
    await expectNoOverflow(phone);
    await phone.screenshot({ path: info.outputPath('concern-form-375.png'), fullPage: true });
    await phone.getByRole('button', { name: '提交' }).click();
    onlineCode = (await phone.locator('#tracking-code').textContent())!.trim();
    expect(onlineCode).toMatch(/^[A-Z2-9]{8}$/);

    await phone.goto('/c/yuetang/track');
    await phone.getByLabel('查询码').fill(onlineCode);
    await phone.getByLabel('手机号码后四位').fill('5678');
    await phone.getByRole('button', { name: '查询' }).click();
    const photos = phone.locator('#demand-status div.photos img');
    await expect(photos).toHaveCount(2);
    await expectLoaded(photos.nth(0));
    await expectLoaded(photos.nth(1));
    await expectNoOverflow(phone);
    await phone.screenshot({ path: info.outputPath('status-375.png'), fullPage: true });
    await context.close();

    // Staff find it under the studio, with both photos.
    const staff = await loginPage(browser, 'staff1');
    await staff.goto('/demands');
    await staff.getByRole('link', { name: onlineCode }).click();
    await expect(staff.locator('dl.facts')).toContainText(STUDIO);
    await expect(staff.locator('div.photos img')).toHaveCount(2);
    await expectLoaded(staff.locator('div.photos img').first());
    await staff.context().close();
  });

  test('staff record a reception at the studio and register a concern raised there', async ({ browser }) => {
    const staff = await loginPage(browser, 'staff1');
    await staff.goto(`/studios/${studioId}`);
    await staff.getByRole('link', { name: '登记接待' }).click();
    await expect(staff).toHaveURL(new RegExp(`/receptions/new\\?studio=${studioId}$`));
    await expect(staff.getByLabel('委员工作室')).toHaveValue(studioId);
    await expect(staff.getByLabel('接待日期')).toHaveValue(todayCst());
    // The studio's own members are offered first.
    const choices = staff.locator('fieldset', { has: staff.getByText('值班委员') }).locator('label.check');
    await expect(choices).toHaveCount(2);

    // Without a member on duty it is refused.
    await staff.getByLabel('接待群众（人次）').fill('3');
    await staff.getByRole('button', { name: '保存' }).click();
    await expect(staff.getByText('请至少选择一位值班委员')).toBeVisible();

    await staff.getByLabel('接待地点').selectOption({ label: '书院路街道' });
    await staff.getByLabel('接待群众（人次）').fill('3');
    await staff.getByLabel(ON_DUTY).check();
    await staff.getByLabel('接待情况').fill('接待群众3人次，反映路灯、停车等问题');
    await staff.getByRole('button', { name: '保存' }).click();
    await expect(staff.getByText('已保存')).toBeVisible();
    await expect(staff).toHaveURL(/\/receptions\/\d+$/);
    const receptionUrl = staff.url();
    const receptionId = receptionUrl.match(/\/receptions\/(\d+)$/)![1];
    await expect(staff.locator('#citizens-received')).toHaveText('3');
    await expect(staff.locator('dl.facts')).toContainText(STUDIO);
    await expect(staff.locator('dl.facts')).toContainText(ON_DUTY);
    const registered = staff.locator('section.card', { has: staff.getByRole('heading', { name: /本次登记的诉求/ }) });
    await expect(registered.getByRole('heading')).toContainText('0');

    await registered.getByRole('link', { name: '登记群众诉求' }).click();
    await expect(staff).toHaveURL(new RegExp(`/demands/new\\?reception=${receptionId}$`));
    // Opened from the reception, the form is set to the studio and its channel.
    await expect(staff.getByText(`接待记录 ${todayCst()}`)).toBeVisible();
    await expect(staff.locator('select[name=channel]')).toHaveValue('studio');
    await expect(staff.locator('select[name=channel] option:checked')).toHaveText('委员工作室接待');
    await expect(staff.locator('select[name=studio_id]')).toHaveValue(studioId);
    await staff.getByLabel('姓名').fill('郑师傅');
    await staff.getByLabel('手机号码').fill('13700009876');
    await staff.getByLabel('意见建议').check();
    await staff.getByLabel('类别').selectOption({ index: 1 });
    await staff.getByLabel('具体内容').fill('建议在书院路菜市场旁划定临时停车位');
    await staff.getByLabel('照片（可选，最多5张）').setInputFiles({ name: '菜市场.png', mimeType: 'image/png', buffer: makePng(200, 120) });
    await staff.getByRole('button', { name: '保存' }).click();
    await expect(staff.getByText('已保存')).toBeVisible();
    await expect(staff).toHaveURL(/\/demands\/\d+$/);
    const demandCode = (await staff.locator('h1 code').textContent())!.trim();
    await expect(staff.locator('dl.facts')).toContainText(STUDIO);
    await expectLoaded(staff.locator('div.photos img'));

    // The demand page leads back to the reception, which lists it.
    await staff.locator('dl.facts').getByRole('link', { name: todayCst() }).click();
    await expect(staff).toHaveURL(receptionUrl);
    await expect(registered.getByRole('heading')).toContainText('1');
    await expect(registered.getByRole('row', { name: new RegExp(demandCode) })).toContainText('建议在书院路菜市场旁划定临时停车位');
    // The concern written online is not counted as raised at the reception.
    await expect(registered).not.toContainText(onlineCode);

    await staff.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '接待记录' }).click();
    await expect(staff.locator('#reception-totals')).toHaveText(/接待次数\s*1\s*·\s*接待群众（人次）\s*3/);
    await expect(staff.getByRole('row', { name: new RegExp(STUDIO) })).toContainText(ON_DUTY);

    // The studio page counts it too.
    await staff.goto(`/studios/${studioId}`);
    await expect(staff.locator('dl.facts')).toContainText('接待次数 1 · 接待群众（人次） 3');
    await staff.context().close();
  });
});
