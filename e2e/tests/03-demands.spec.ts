// A citizen's concern on a phone, handled to a rated answer: the citizen submits → staff
// assign → the unit answers → staff resolve → the citizen rates "unsatisfied" → re-handled →
// rated "satisfied".
import { test, expect, Page, Browser } from '@playwright/test';

const PASSWORD = 'Xieshang-2022!';

async function loginPage(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByRole('heading', { name: /欢迎您/ })).toBeVisible();
  return page;
}

async function act(page: Page, code: string, action: string, fill?: (p: Page) => Promise<void>) {
  await page.goto('/demands');
  await page.getByRole('link', { name: code }).click();
  const card = page.locator('section.card', { has: page.getByRole('heading', { name: action }) });
  if (fill) await fill(page);
  await card.getByRole('button', { name: action }).click();
  await expect(page.getByText('已保存')).toBeVisible();
}

test('a concern from a phone is handled, re-handled and rated', async ({ browser }) => {
  const phone = await (await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })).newPage();
  await phone.goto('/c/yuetang/demands/new');
  await phone.getByLabel('姓名').fill('周群众');
  await phone.getByLabel('手机号码').fill('13900004321');
  await phone.getByLabel('类别').selectOption('交通出行');
  await phone.getByLabel('具体内容').fill('学校门口车速太快，建议增设减速带');
  await phone.getByRole('button', { name: '提交' }).click();
  const code = (await phone.locator('#tracking-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{8}$/);

  // The administrator gives the housing bureau an account (the unit is created with it).
  const admin = await loginPage(browser, 'chief');
  await admin.goto('/users');
  await admin.getByLabel('用户名').fill('zhujian');
  await admin.getByLabel('姓名').fill('住建局联络员');
  await admin.getByLabel('角色').selectOption('unit');
  await admin.getByLabel('所属承办单位').fill('区住房和城乡建设局');
  await admin.getByLabel('初始密码').fill(PASSWORD);
  await admin.getByRole('button', { name: '新建' }).click();
  await expect(admin.getByText('账号已创建')).toBeVisible();

  await act(admin, code, '交办承办单位', async (p) => {
    await p.getByLabel('承办单位').selectOption({ label: '区住房和城乡建设局' });
  });
  const unit = await loginPage(browser, 'zhujian');
  const answer = async (text: string) =>
    act(unit, code, '答复', async (p) => { await p.locator('section.card', { has: p.getByRole('heading', { name: '答复' }) }).getByLabel('说明').fill(text); });
  await answer('已安排在校门口施划减速标线');
  await act(admin, code, '确认已解决');

  const lookup = async () => {
    await phone.goto('/c/yuetang/track');
    await phone.getByLabel('查询码').fill(code);
    await phone.getByLabel('手机号码后四位').fill('4321');
    await phone.getByRole('button', { name: '查询' }).click();
  };
  await lookup();
  await expect(phone.locator('#demand-answer')).toHaveText('已安排在校门口施划减速标线');
  await phone.getByLabel('不满意').check();
  await phone.getByRole('button', { name: '提交评价' }).click();
  await expect(phone.locator('#demand-status')).toContainText('办理中');

  await answer('已加装减速带两条并设置警示牌');
  await act(admin, code, '确认已解决');
  await lookup();
  await phone.getByLabel('满意', { exact: true }).check();
  await phone.getByRole('button', { name: '提交评价' }).click();
  await expect(phone.locator('#demand-status')).toContainText('已回访');
  await expect(phone.locator('#demand-status')).toContainText('回访评价：满意');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
