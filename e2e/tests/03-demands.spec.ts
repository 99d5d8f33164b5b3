// A citizen's concern on a phone, handled to a rated answer: the citizen submits → staff
// assign → the unit answers → staff resolve → the citizen rates "unsatisfied" → re-handled →
// rated "satisfied". On the way the citizen attaches a photo (a text file is refused first) and
// writes to the members through the status page; staff answer in the conversation.
import { test, expect, Page } from '@playwright/test';
import { makePng } from './fixtures/png';
import { loginPage, expectLoaded, PASSWORD } from './fixtures/pages';

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
  // A text file dressed up as a photo is refused by its content; the form comes back filled in.
  await phone.getByLabel('照片（可选，最多5张）').setInputFiles({ name: '校门口.png', mimeType: 'image/png', buffer: Buffer.from('这不是图片，只是一段文字\n') });
  await phone.getByRole('button', { name: '提交' }).click();
  await expect(phone.getByText('只能上传 JPG、PNG 或 WebP 格式的图片')).toBeVisible();
  await expect(phone.locator('#tracking-code')).toHaveCount(0);
  await expect(phone.getByLabel('姓名')).toHaveValue('周群众');
  await expect(phone.getByLabel('具体内容')).toHaveValue('学校门口车速太快，建议增设减速带');
  await expect(phone.getByLabel('类别')).toHaveValue('交通出行');
  await expect(phone.getByLabel('照片（可选，最多5张）')).toHaveValue('');

  // The real photo carries a metadata block, as a phone's would.
  const photo = makePng(320, 240, 'GPS 27.8290N 112.9450E owner=Zhou');
  await phone.getByLabel('照片（可选，最多5张）').setInputFiles({ name: '校门口.png', mimeType: 'image/png', buffer: photo });
  await phone.getByRole('button', { name: '提交' }).click();
  const code = (await phone.locator('#tracking-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z2-9]{8}$/);

  const lookup = async () => {
    await phone.goto('/c/yuetang/track');
    await phone.getByLabel('查询码').fill(code);
    await phone.getByLabel('手机号码后四位').fill('4321');
    await phone.getByRole('button', { name: '查询' }).click();
  };
  await lookup();
  const citizenPhoto = phone.locator('#demand-status div.photos img');
  await expect(citizenPhoto).toHaveCount(1);
  await expect(citizenPhoto).toHaveAttribute('src', /^\/c\/yuetang\/photos\/\d+\/[0-9a-f]+$/);
  await expectLoaded(citizenPhoto);
  expect(await citizenPhoto.evaluate((i: HTMLImageElement) => [i.naturalWidth, i.naturalHeight])).toEqual([320, 240]);
  // Served as a PNG without the metadata block.
  const served = await phone.request.get((await citizenPhoto.getAttribute('src'))!);
  expect(served.status()).toBe(200);
  expect(served.headers()['content-type']).toBe('image/png');
  const body = await served.body();
  expect(body.subarray(0, 8)).toEqual(photo.subarray(0, 8));
  expect(body.includes(Buffer.from('GPS 27.8290N'))).toBe(false);
  expect(body.includes(Buffer.from('tEXt'))).toBe(false);
  // A wrong token shows nothing.
  const forged = await phone.request.get((await citizenPhoto.getAttribute('src'))!.replace(/[0-9a-f]{4}$/, '0000'));
  expect(forged.status()).toBe(404);

  // The citizen writes to the members.
  await expect(phone.locator('#demand-status')).toContainText('暂无留言');
  const form = phone.locator('#message-form');
  await form.getByLabel('给委员留言（补充情况、询问进展）').fill('早上七点半到八点车最多，孩子过马路很危险');
  await form.getByRole('button', { name: '发送' }).click();
  await expect(phone.locator('ol.conversation li.msg.citizen')).toHaveCount(1);
  await expect(phone.locator('ol.conversation li.msg.citizen')).toContainText('早上七点半到八点车最多，孩子过马路很危险');
  await expect(phone.locator('ol.conversation li.msg.staff')).toHaveCount(0);
  await expect(phone.getByLabel('给委员留言（补充情况、询问进展）')).toHaveValue('');

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

  // Staff see the photo and the message on the demand's page, and reply.
  await admin.goto('/demands');
  await admin.getByRole('link', { name: code }).click();
  await expectLoaded(admin.locator('div.photos img'));
  const conversation = admin.locator('#conversation');
  await expect(conversation.locator('li.msg.citizen')).toContainText('早上七点半到八点车最多');
  await conversation.getByLabel('回复群众').fill('收到，已请交警和住建部门现场查看');
  await conversation.getByRole('button', { name: '发送' }).click();
  await expect(admin.getByText('已发送')).toBeVisible();
  await expect(admin.locator('#conversation li.msg.staff')).toContainText('收到，已请交警和住建部门现场查看');

  await lookup();
  await expect(phone.locator('ol.conversation li.msg')).toHaveCount(2);
  await expect(phone.locator('ol.conversation li.msg.citizen')).toContainText('早上七点半到八点车最多');
  await expect(phone.locator('ol.conversation li.msg.staff')).toContainText('收到，已请交警和住建部门现场查看');
  const overflowTalk = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflowTalk).toBeLessThanOrEqual(0);

  await act(admin, code, '交办承办单位', async (p) => {
    await p.getByLabel('承办单位').selectOption({ label: '区住房和城乡建设局' });
  });
  const unit = await loginPage(browser, 'zhujian');
  const answer = async (text: string) =>
    act(unit, code, '答复', async (p) => { await p.locator('section.card', { has: p.getByRole('heading', { name: '答复' }) }).getByLabel('说明').fill(text); });
  await answer('已安排在校门口施划减速标线');
  await act(admin, code, '确认已解决');

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
