// The foundation's journeys, in order on one fresh server per project: first-run setup,
// accounts, login and logout, lockout after five failures, and a phone-sized screen.
import { test, expect, Page } from '@playwright/test';

const PASSWORD = 'Xieshang-2022!';

async function login(page: Page, username: string, password = PASSWORD) {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
}

async function logout(page: Page) {
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page.getByText('您已安全退出')).toBeVisible();
}

test.describe.serial('foundation', () => {
  test('first run: the setup page creates the committee and its administrator', async ({ page }) => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/setup$/);
    await expect(page.getByRole('heading', { name: '首次使用：初始化' })).toBeVisible();

    await page.getByLabel('政协名称').fill('湘潭市岳塘区政协');
    await page.getByLabel('代码').fill('yuetang');
    await page.getByLabel('管理员用户名').fill('chief');
    await page.getByLabel('姓名').fill('管理员甲');
    await page.getByLabel('管理员初始密码').fill('alllowercase');
    await page.getByLabel('确认新密码').fill('different-one');
    await page.getByRole('button', { name: '完成初始化' }).click();
    await expect(page.getByText('密码至少10位，且包含')).toBeVisible();
    await expect(page.getByText('两次输入的密码不一致')).toBeVisible();
    await expect(page.getByLabel('政协名称')).toHaveValue('湘潭市岳塘区政协');

    await page.getByLabel('管理员初始密码').fill(PASSWORD);
    await page.getByLabel('确认新密码').fill(PASSWORD);
    await page.getByRole('button', { name: '完成初始化' }).click();
    await expect(page.getByText('初始化完成，欢迎使用')).toBeVisible();
    await expect(page.getByRole('heading', { name: /欢迎您，管理员甲/ })).toBeVisible();
    await expect(page.getByText('湘潭市岳塘区政协')).toBeVisible();

    const again = await page.goto('/setup');
    expect(again?.status()).toBe(404);
    await expect(page.getByText('页面不存在')).toBeVisible();
  });

  test('the administrator creates accounts', async ({ page }) => {
    await login(page, 'chief');
    await page.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '账号管理' }).click();
    for (const [username, name, role] of [['staff1', '机关干部一', 'staff'], ['member1', '委员一', 'member']]) {
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('姓名').fill(name);
      await page.getByLabel('角色').selectOption(role);
      await page.getByLabel('初始密码').fill(PASSWORD);
      await page.getByRole('button', { name: '新建' }).click();
      await expect(page.getByText('账号已创建')).toBeVisible();
      await expect(page.getByRole('cell', { name: username })).toBeVisible();
    }
    await logout(page);
  });

  test('login and logout, in Chinese and in English', async ({ page }) => {
    await login(page, 'staff1', 'wrong-Password-1');
    await expect(page.getByText('用户名或密码错误')).toBeVisible();
    await login(page, 'staff1');
    await expect(page.getByRole('heading', { name: /欢迎您，机关干部一/ })).toBeVisible();
    await expect(page.getByRole('link', { name: '账号管理' })).toHaveCount(0);

    await page.getByRole('link', { name: 'English' }).click();
    await expect(page.getByRole('heading', { name: /Welcome/ })).toBeVisible();
    await page.getByRole('link', { name: '中文' }).click();
    await expect(page.getByRole('heading', { name: /欢迎您/ })).toBeVisible();

    await logout(page);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login\?next=/);
  });

  test('five failed logins lock the account', async ({ page }) => {
    for (let i = 1; i <= 4; i++) {
      await login(page, 'member1', `wrong-Password-${i}`);
      await expect(page.getByText('用户名或密码错误')).toBeVisible();
    }
    await login(page, 'member1', 'wrong-Password-5');
    await expect(page.getByText('连续登录失败次数过多，账号已锁定15分钟')).toBeVisible();
    await login(page, 'member1');
    await expect(page.getByText('账号已锁定15分钟')).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test('a phone-sized screen', async ({ browser }, info) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.screenshot({ path: info.outputPath('login-375.png'), fullPage: true });
    await login(page, 'chief');
    await expect(page.getByRole('heading', { name: /欢迎您/ })).toBeVisible();
    // The navigation folds into a menu button on a phone.
    const nav = page.getByRole('navigation', { name: '菜单' });
    await expect(nav).toBeHidden();
    await page.getByText('菜单', { exact: true }).click();
    await expect(nav.getByRole('link', { name: '账号管理' })).toBeVisible();
    await nav.getByRole('link', { name: '账号管理' }).click();
    await expect(page.getByRole('heading', { name: /账号管理/ })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(page.getByText('已锁定')).toBeVisible();
    await page.screenshot({ path: info.outputPath('users-375.png'), fullPage: true });
    await context.close();
  });
});
