// Staff import a roster with one bad row, read the error, fix the file and import it.
import { test, expect } from '@playwright/test';

const PASSWORD = 'Xieshang-2022!';
const HEADER = '姓名*,性别,出生年月,民族,党派,界别*,职务,工作单位及职务,所属小组,所属镇街,手机号码,状态';

function roster(phone: string): Buffer {
  return Buffer.from([
    HEADER,
    '林一鸣,男,1972.04,汉族,民盟,教育界,委员,某中学 校长,书院路政协小组,书院路街道,13700000001,在职',
    `秦晓岚,女,1980年6月,汉族,,医药卫生界,常委,某医院 主任医师,五里堆街道政协小组,五里堆街道,${phone},在职`,
  ].join('\n'));
}

test('a roster with a bad row is refused, fixed and imported', async ({ page }) => {
  await page.goto('/login');
  await page.getByLabel('用户名').fill('chief');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByRole('navigation', { name: '菜单' }).getByRole('link', { name: '委员', exact: true }).click();
  await page.getByRole('link', { name: '导入名册' }).click();

  await page.getByLabel(/名册文件/).setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: roster('1370000') });
  await page.getByLabel(/自动新建/).check();
  await page.getByRole('button', { name: '上传并检查' }).click();
  const errors = page.locator('#import-errors');
  await expect(errors).toContainText('名册有误，未导入任何数据');
  await expect(errors.getByRole('row', { name: /3 手机号码 手机号码格式不正确/ })).toBeVisible();

  await page.getByLabel(/名册文件/).setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: roster('13700000002') });
  await page.getByLabel(/自动新建/).check();
  await page.getByRole('button', { name: '上传并检查' }).click();
  await expect(page.getByText('检查通过，尚未写入')).toBeVisible();
  await expect(page.getByText('界别：医药卫生界')).toBeVisible();
  await page.getByRole('button', { name: '确认导入' }).click();
  await expect(page.getByText('导入完成')).toBeVisible();
  await expect(page.locator('#import-created')).toHaveText('2');

  await page.goto('/members?q=qxl');
  await expect(page.getByRole('link', { name: '秦晓岚' })).toBeVisible();
  await expect(page.getByText('13700000002')).toBeVisible();
});
