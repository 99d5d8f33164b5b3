// A citizen suggests a consultation topic on a phone without an account; staff plan it,
// prepare and hold the meeting, write and issue the four-part minutes and hand the agreed
// action to a unit; the unit's liaison, on a phone, starts and finishes it; staff record the
// participants' satisfaction, close the consultation and download the 协商专报, which a real
// reader (python-docx) opens.
import { expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const TITLE = '书院路社区楼道堆物清理';
const ACTION = '一个月内组织清理书院路社区楼道堆放杂物并建立长效管理机制';

const test = demoTest('consultations', { sqlite: 18191, postgres: 18192 });

function isoDay(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

test('a citizen’s topic becomes a consultation whose outcome a unit carries out, and the report opens', async ({ browser }) => {
  // The citizen, on a phone, no account.
  const citizen = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true })).newPage();
  await citizen.goto('/c/yuetang/consultations/suggest');
  await expectNoOverflow(citizen);
  await citizen.getByLabel('议题（一句话）').fill(TITLE);
  await citizen.getByLabel('具体情况').fill('楼道里堆满了旧家具和纸箱，存在消防隐患，希望社区、物业和居民一起商量解决。');
  await citizen.getByLabel('手机号码（仅供工作人员联系您）').fill('139 0000 1234');
  await citizen.getByRole('button', { name: '提交议题' }).click();
  await expect(citizen.locator('#topic-thanks')).toBeVisible();
  await citizen.context().close();

  // Staff find it among the topics waiting and take it through the meeting.
  const staff = await loginPage(browser, 'staff');
  await staff.goto('/consultations?status=proposed');
  await staff.getByRole('link', { name: TITLE }).click();
  await expect(staff.locator('#consultation')).toContainText('13900001234');
  await staff.getByRole('button', { name: '列入年度计划' }).click();
  await expect(staff.getByText('已保存')).toBeVisible();
  await expect(staff.locator('#consultation-state')).toHaveText('已列入计划');
  await staff.getByLabel('协商日期').fill(isoDay(0));
  await staff.getByLabel('协商方式').fill('院坝协商会');
  await staff.getByRole('button', { name: '开始筹备' }).click();
  await expect(staff.locator('#consultation-state')).toHaveText('筹备中');
  await staff.getByRole('button', { name: '登记已召开' }).click();
  await expect(staff.locator('#consultation-state')).toHaveText('已召开');
  await staff.getByLabel('情况通报').fill('社区通报了楼道堆物的排查情况。');
  await staff.getByLabel('委员提问').fill('委员询问清理后如何防止反弹。');
  await staff.getByLabel('部门答复').fill('区住建局答复将督促物业落实巡查。');
  await staff.getByLabel('协商发言').fill('居民代表同意集中清理并签订承诺书。');
  await staff.getByRole('button', { name: '保存纪要' }).click();
  await staff.getByRole('button', { name: '印发纪要' }).click();
  await expect(staff.locator('#consultation-state')).toHaveText('纪要已印发');
  await staff.getByLabel('商定事项').fill(ACTION);
  await staff.getByLabel('承办单位').selectOption({ label: '区住房和城乡建设局' });
  await staff.getByLabel('办理时限').fill(isoDay(30));
  await staff.getByRole('button', { name: '交办', exact: true }).click();
  await expect(staff.locator('#outcomes article')).toContainText(ACTION);
  const consultationPath = new URL(staff.url()).pathname;

  // The unit carries it out from a phone.
  const unit = await loginPage(browser, 'unit', true);
  await unit.goto('/consultations');
  await unit.getByRole('link', { name: TITLE }).click();
  await expectNoOverflow(unit);
  await unit.getByRole('button', { name: '开始办理' }).click();
  await expect(unit.locator('#outcomes article')).toHaveAttribute('data-state', 'in_progress');
  await unit.getByLabel('说明（进展、原因）').fill('已清理12个楼道，物业每周巡查。');
  await unit.getByRole('button', { name: '已办结' }).click();
  await expect(unit.locator('#outcomes article')).toHaveAttribute('data-state', 'done');
  await unit.context().close();

  // Staff settle it with the participants' satisfaction and close the consultation.
  await staff.goto(consultationPath);
  await staff.getByLabel('参加人员满意度').selectOption({ label: '满意' });
  await staff.getByRole('button', { name: '登记满意度并办结' }).click();
  await expect(staff.locator('#outcomes article')).toHaveAttribute('data-state', 'closed');
  await staff.getByRole('button', { name: '结束本次协商' }).click();
  await expect(staff.locator('#consultation-state')).toHaveText('成果已办结');

  const [download] = await Promise.all([staff.waitForEvent('download'), staff.getByRole('link', { name: '下载协商专报（.docx）' }).click()]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xieshang-')), 'report.docx');
  await download.saveAs(file);
  const text = execFileSync('/usr/bin/python3', ['-c', 'import sys, docx\nprint("\\n".join(p.text for p in docx.Document(sys.argv[1]).paragraphs))', file], { env: { ...process.env, PYTHONIOENCODING: 'utf-8' } }).toString();
  expect(text).toContain('协商专报');
  expect(text).toContain(TITLE);
  expect(text).toContain(ACTION);
  expect(text).toContain('已办结');
  await staff.context().close();
});
