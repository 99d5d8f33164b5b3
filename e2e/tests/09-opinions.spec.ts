// A member writes a public-opinion report on a phone (the form counts its characters as they
// are typed); the information office adopts it with an edit, which shows beside the original;
// the chair approves it; it is issued in a numbered bulletin, whose Word document a real reader
// (python-docx) opens; the office sends it up to 湘潭市政协, whose office adopts the copy in its
// own queue; and the member sees "市政协采用" on the report it wrote.
import { expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const TITLE = '关于书院路社区楼道照明长期损坏的情况反映';
const BODY = '书院路社区多栋老旧住宅楼道照明损坏已久，老人夜间上下楼只能摸黑，已有居民摔伤。据委员走访了解，维修责任不清，物业和社区相互推诿。建议：明确老旧小区公共照明的维修责任主体，由街道统筹尽快修复。';
const ADDED = '，并纳入老旧小区改造一并更换为声控节能灯';

const test = demoTest('opinions', { sqlite: 18193, postgres: 18194 });

test('a member’s report is adopted with an edit, approved, issued, sent up and adopted by the city', async ({ browser }) => {
  // The member writes on a phone; the count says when the text is too long.
  const member = await loginPage(browser, 'member', true);
  await member.goto('/opinion-reports/new');
  await expectNoOverflow(member);
  await member.getByLabel('标题').fill(TITLE);
  const body = member.getByLabel('正文');
  await body.fill('字'.repeat(1501));
  await expect(member.locator('#body-count')).toHaveText('1501 / 1500');
  await expect(member.locator('#body-count')).toHaveClass(/over/);
  expect(await body.evaluate((t: HTMLTextAreaElement) => t.validity.valid)).toBe(false);
  await body.fill(BODY);
  await expect(member.locator('#body-count')).toHaveText(`${[...BODY].length} / 1500`);
  await expect(member.locator('#body-count')).not.toHaveClass(/over/);
  await member.getByLabel('类别').selectOption({ label: '城市建设与管理' });
  await member.getByRole('button', { name: '提交', exact: true }).click();
  await expect(member.locator('#opinion-state')).toHaveText('待编审');
  const reportPath = new URL(member.url()).pathname;

  // The office finds it in its queue and adopts it with an edit; the change is marked.
  const staff = await loginPage(browser, 'staff');
  await staff.goto('/opinion-reports');
  await staff.getByRole('link', { name: TITLE }).click();
  const adopted = BODY.replace('尽快修复。', `尽快修复${ADDED}。`);
  await staff.getByLabel('采用稿').fill(adopted);
  await staff.getByRole('button', { name: '采用', exact: true }).click();
  await expect(staff.locator('#opinion-state')).toHaveText('已采用待审签');
  await expect(staff.locator('#opinion-diff ins')).toHaveText(ADDED);
  await expect(staff.locator('#opinion-original')).toContainText(BODY);
  await expect(staff.locator('#opinion-outcomes')).toContainText('区政协采用');

  // The chair approves.
  const leader = await loginPage(browser, 'leader');
  await leader.goto('/opinion-reports');
  await leader.getByRole('link', { name: TITLE }).click();
  await leader.getByRole('button', { name: '审签同意' }).click();
  await expect(leader.locator('#opinion-state')).toHaveText('已审签待编发');
  await leader.context().close();

  // The office issues it in the year's next bulletin and opens the Word document.
  await staff.goto('/opinion-reports/bulletins');
  await staff.getByRole('checkbox', { name: new RegExp(TITLE) }).check();
  await staff.getByRole('checkbox', { name: '区住房和城乡建设局' }).check();
  await staff.getByRole('button', { name: '编发新一期' }).click();
  await expect(staff.locator('#bulletin-number')).toHaveText(new RegExp(`^${new Date().getFullYear()}年第\\d+期$`));
  await expect(staff.locator('#bulletin')).toContainText(ADDED);
  const [download] = await Promise.all([staff.waitForEvent('download'), staff.locator('#bulletin-docx').click()]);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'xieshang-')), 'bulletin.docx');
  await download.saveAs(file);
  const text = execFileSync('/usr/bin/python3', ['-c', 'import sys, docx\nprint("\\n".join(p.text for p in docx.Document(sys.argv[1]).paragraphs))', file], { env: { ...process.env, PYTHONIOENCODING: 'utf-8' } }).toString();
  expect(text).toContain('社情民意');
  expect(text).toContain(TITLE);
  expect(text).toContain(ADDED);
  expect(text).toContain('区住房和城乡建设局');

  // Sent up to the city committee.
  await staff.goto(reportPath);
  await expect(staff.locator('#opinion-state')).toHaveText('已编发');
  await staff.getByRole('button', { name: '报送上级政协' }).click();
  await expect(staff.locator('#opinion-sent-up')).toHaveText('湘潭市政协');
  await staff.context().close();

  // The city's office finds the copy in its own queue, from below, and adopts it.
  const city = await loginPage(browser, 'xiangtan-admin');
  await city.goto('/opinion-reports');
  const row = city.locator('tr', { has: city.getByRole('link', { name: TITLE }) });
  await expect(row).toContainText('下级报送');
  await row.getByRole('link', { name: TITLE }).click();
  await expect(city.locator('#opinion')).toContainText('湘潭市岳塘区政协');
  await city.getByRole('button', { name: '采用', exact: true }).click();
  await expect(city.locator('#opinion-state')).toHaveText('已采用待审签');
  await city.context().close();

  // The member sees where its report got.
  await member.goto(reportPath);
  await expect(member.locator('#opinion-outcomes')).toContainText('区政协采用');
  await expect(member.locator('#opinion-outcomes')).toContainText('市政协采用');
  await expect(member.locator('#timeline')).toContainText('市政协采用');
  await expectNoOverflow(member);
  await member.goto('/opinion-reports');
  await expect(member.locator('tr', { has: member.getByRole('link', { name: TITLE }) })).toContainText('市政协采用');
  await member.context().close();
});
