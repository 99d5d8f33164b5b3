// A joint proposal from draft to 办结: a member drafts a 平时提案 on a phone with a co-signer →
// the co-signer confirms → staff pass the preliminary review and file it → staff assign it
// 会办 to the housing bureau (lead) and the finance bureau (co-unit) → the co-unit sends its
// opinion → the lead unit replies (B) → the co-unit co-signs → staff approve (已答复) → the lead
// proposer is unsatisfied → re-handled → the lead unit replies again → the co-unit co-signs →
// staff approve → both proposers are satisfied →
// staff conclude; the timeline shows every step.
//
// The journey needs the demo committee (its session, units, members and the accounts staff,
// member, member2, unit, unit2), which the servers of playwright.config.ts do not have: they
// start empty and 01 sets up a bare committee. So this file starts its own server with --demo,
// on a fresh SQLite file or a fresh PostgreSQL database following the project it runs in.
import { expect, Page, Locator } from '@playwright/test';
import { demoTest } from './fixtures/demo';
import { loginPage, expectNoOverflow } from './fixtures/pages';

const LEAD_UNIT = '区住房和城乡建设局';
const CO_UNIT = '区财政局';
const TITLE = '关于在书院路街道试点老旧小区加装电梯财政补贴的建议';
const BODY = [
  '我区建成于上世纪九十年代的老旧小区多为六层以下住宅，没有电梯，老年住户上下楼十分困难。',
  '建议区住建局会同区财政局制定加装电梯的补贴办法，简化审批流程，并在书院路街道先行试点。',
].join('\n');

const test = demoTest('proposals', { sqlite: 18185, postgres: 18186 });

/** The card of one action form, found by its heading. */
function card(page: Page, heading: string): Locator {
  return page.locator('section.card', { has: page.getByRole('heading', { name: heading, exact: true }) });
}

/** Uses the action form `action` on proposal `id` and waits for the saved page. */
async function act(page: Page, id: string, action: string, fill?: (c: Locator) => Promise<void>) {
  await page.goto(`/proposals/${id}`);
  const c = card(page, action);
  if (fill) await fill(c);
  await c.getByRole('button', { name: action, exact: true }).click();
  await expect(page.getByText('已保存')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`/proposals/${id}$`));
}

const state = (page: Page) => page.locator('#proposal-state');
const part = (page: Page, unit: string) => page.locator('#handling li', { has: page.locator('strong', { hasText: new RegExp(`^${unit}$`) }) });

test('a joint proposal is filed, handled jointly, re-handled, rated and concluded', async ({ browser }) => {
  // Who the co-signer is: the one member the lead's co-signer list offers and the co-signer's own
  // list leaves out (a proposer never co-signs their own proposal).
  const cosigner = await loginPage(browser, 'member2', true);
  await cosigner.goto('/proposals/new');
  const offeredTo = async (page: Page) =>
    page.locator('input[name=cosigner_ids]').evaluateAll((xs) => xs.map((x) => [(x as HTMLInputElement).value, x.parentElement!.textContent!.trim()]));
  const cosignerSees = new Set((await offeredTo(cosigner)).map(([id]) => id));

  const lead = await loginPage(browser, 'member', true);
  await lead.locator('ul.tiles').getByRole('link', { name: '提案', exact: true }).click();
  await expect(lead).toHaveURL(/\/proposals$/);
  await lead.getByRole('link', { name: '撰写提案' }).click();
  const leadSees = await offeredTo(lead);
  expect(leadSees.length).toBeGreaterThan(100);
  const onlyForLead = leadSees.filter(([id]) => !cosignerSees.has(id));
  expect(onlyForLead).toHaveLength(1);
  const [cosignerId, cosignerName] = onlyForLead[0];
  const onlyForCosigner = [...cosignerSees].filter((id) => !leadSees.some(([x]) => x === id));
  expect(onlyForCosigner).toHaveLength(1);
  const leadName = (await cosigner.locator(`input[name=cosigner_ids][value="${onlyForCosigner[0]}"]`).evaluate((x) => x.parentElement!.textContent!.trim()));

  // The draft: a too-short text is refused and the form keeps what was typed.
  await lead.getByLabel('平时提案').check();
  await lead.getByLabel('案由（标题）').fill(TITLE);
  await lead.getByLabel('提案内容（情况分析与具体建议）').fill('老旧小区没有电梯。');
  await lead.getByLabel('建议承办单位').fill(`${LEAD_UNIT}、${CO_UNIT}`);
  await lead.locator(`input[name=cosigner_ids][value="${cosignerId}"]`).check();
  await lead.getByRole('button', { name: '保存草稿' }).click();
  await expect(lead.getByRole('alert')).toBeVisible();
  await expect(lead.locator('p.field-error')).toHaveCount(1);
  await expect(lead.getByLabel('案由（标题）')).toHaveValue(TITLE);
  await expect(lead.getByLabel('平时提案')).toBeChecked();
  await expect(lead.locator(`input[name=cosigner_ids][value="${cosignerId}"]`)).toBeChecked();
  await lead.getByLabel('提案内容（情况分析与具体建议）').fill(BODY);
  await lead.getByRole('button', { name: '保存草稿' }).click();
  await expect(lead.getByText('已保存')).toBeVisible();
  await expect(lead).toHaveURL(/\/proposals\/\d+$/);
  const id = lead.url().match(/\/proposals\/(\d+)$/)![1];
  await expect(lead.getByRole('heading', { level: 1 })).toHaveText(TITLE);
  await expect(state(lead)).toHaveText('草稿');
  await expect(lead.locator('section.card').first()).toContainText('平时提案');
  const signers = lead.locator('dl.facts span.signer');
  await expect(signers).toHaveText([`${leadName}（第一提案人）`, `${cosignerName}（待确认）`]);
  await expectNoOverflow(lead);

  // Submitting a joint proposal first collects the signature; staff cannot see it yet.
  await act(lead, id, '提交');
  await expect(state(lead)).toHaveText('征集附议');
  await expect(card(lead, '提交')).toHaveCount(0);
  const staff = await loginPage(browser, 'staff');
  expect((await staff.goto(`/proposals/${id}`))!.status()).toBe(404);

  // The co-signer finds it among their proposals and confirms.
  await cosigner.goto('/proposals');
  await cosigner.getByRole('link', { name: TITLE }).click();
  await expect(state(cosigner)).toHaveText('征集附议');
  await expect(cosigner.locator('dl.facts span.signer').nth(1)).toHaveText(`${cosignerName}（待确认）`);
  await expectNoOverflow(cosigner);
  await act(cosigner, id, '确认附议');
  await expect(state(cosigner)).toHaveText('已提交');
  await expect(cosigner.locator('dl.facts span.signer').nth(1)).toHaveText(`${cosignerName} ✓`);
  await expect(card(cosigner, '确认附议')).toHaveCount(0);

  // Staff find it among the submitted ones, pass the preliminary review and file it.
  await staff.goto('/proposals?state=submitted');
  const row = staff.getByRole('row', { name: new RegExp(TITLE) });
  await expect(row).toContainText(leadName);
  await expect(row).toContainText('已提交');
  await row.getByRole('link', { name: TITLE }).click();
  await expect(staff).toHaveURL(new RegExp(`/proposals/${id}$`));
  await act(staff, id, '初审通过');
  await expect(state(staff)).toHaveText('审查中');
  await act(staff, id, '立案');
  await expect(state(staff)).toHaveText('已立案');
  const number = (await staff.locator('h1 .tag').textContent())!.trim();
  expect(number.length).toBeGreaterThan(0);
  await expect(card(staff, '立案')).toHaveCount(0);

  // 会办: the housing bureau answers, the finance bureau gives its opinion.
  const assign = staff.locator('#assign');
  await assign.getByLabel('交办方式').selectOption({ label: '会办（主办单位答复）' });
  await assign.getByLabel('主办单位（单办、会办）').selectOption({ label: LEAD_UNIT });
  await assign.getByLabel(CO_UNIT, { exact: true }).check();
  await assign.getByRole('button', { name: '交办' }).click();
  await expect(staff.getByText('已保存')).toBeVisible();
  await expect(state(staff)).toHaveText('已交办');
  await expect(staff.locator('#assign')).toHaveCount(0);
  await expect(part(staff, LEAD_UNIT)).toContainText('办理中');
  await expect(part(staff, CO_UNIT)).toContainText(`${CO_UNIT}（会办） — 办理中`);
  await expect(staff.locator('#handling h2')).toContainText('办理期限');

  // The co-unit finds it in its list and sends its opinion; it cannot reply itself.
  const unit2 = await loginPage(browser, 'unit2');
  await unit2.goto('/proposals');
  await unit2.getByRole('link', { name: TITLE }).click();
  await expect(state(unit2)).toHaveText('已交办');
  await expect(card(unit2, '答复')).toHaveCount(0);
  await act(unit2, id, '提出会办意见', async (c) => {
    await c.getByLabel('说明').fill('区财政局可从城市更新资金中安排电梯补贴，每台不超过15万元。');
  });
  await expect(part(unit2, CO_UNIT)).toContainText('已提会办意见');
  await expect(part(unit2, CO_UNIT)).toContainText('每台不超过15万元');
  await expect(card(unit2, '提出会办意见')).toHaveCount(0);

  // The lead unit reads the opinion and replies, class B.
  const unit = await loginPage(browser, 'unit');
  await unit.goto('/proposals');
  await unit.getByRole('link', { name: TITLE }).click();
  await expect(part(unit, CO_UNIT)).toContainText('每台不超过15万元');
  await expect(card(unit, '提出会办意见')).toHaveCount(0);
  const reply = async (cls: string, text: string) =>
    act(unit, id, '答复', async (c) => {
      await c.getByLabel('答复类别').selectOption(cls);
      await c.getByLabel('说明').fill(text);
    });
  await reply('B', '已将书院路街道三个小区列入2023年加装电梯计划，补贴办法正在制定。');
  await expect(part(unit, LEAD_UNIT)).toContainText('已答复待审核 · B类');
  await expect(state(unit)).toHaveText('已交办');

  // The co-unit co-signs the reply (会签); until then staff cannot approve it.
  const cosign = async () => {
    await staff.goto(`/proposals/${id}`);
    await expect(part(staff, LEAD_UNIT)).toContainText('待会办单位会签后审核');
    await expect(part(staff, LEAD_UNIT).getByRole('button', { name: '审核通过' })).toHaveCount(0);
    await act(unit2, id, '会签答复');
    await expect(part(unit2, CO_UNIT)).toContainText('已会签');
  };
  await cosign();

  // Staff approve: the proposal is answered.
  const approve = async () => {
    await staff.goto(`/proposals/${id}`);
    await expect(part(staff, CO_UNIT).getByRole('button')).toHaveCount(0);
    await part(staff, LEAD_UNIT).getByRole('button', { name: '审核通过' }).click();
    await expect(staff.getByText('已保存')).toBeVisible();
    await expect(state(staff)).toHaveText('已答复');
  };
  await approve();
  await expect(part(staff, LEAD_UNIT)).toContainText('答复已审核 · B类');

  // The lead proposer is not satisfied: the units handle it again.
  await lead.goto(`/proposals/${id}`);
  await expect(state(lead)).toHaveText('已答复');
  await expect(part(lead, LEAD_UNIT)).toContainText('已将书院路街道三个小区列入2023年加装电梯计划');
  await expectNoOverflow(lead);
  const rate = async (page: Page, label: string) => {
    await page.goto(`/proposals/${id}`);
    const r = page.locator('#rate');
    await r.getByLabel(label, { exact: true }).check();
    await r.getByRole('button', { name: '评价答复' }).click();
    await expect(page.getByText('已保存')).toBeVisible();
  };
  await rate(lead, '不满意');
  await expect(state(lead)).toHaveText('重新办理');
  await expect(lead.locator('#rate')).toHaveCount(0);

  await unit.goto(`/proposals/${id}`);
  await expect(state(unit)).toHaveText('重新办理');
  await expect(part(unit, LEAD_UNIT)).toContainText('办理中');
  await reply('A', '补贴办法已印发，书院路街道首批6部电梯已开工。');
  await expect(part(unit, LEAD_UNIT)).toContainText('已答复待审核 · A类');
  await cosign();
  await approve();
  await expect(part(staff, LEAD_UNIT)).toContainText('答复已审核 · A类');
  await expect(part(staff, LEAD_UNIT)).toContainText('首批6部电梯已开工');

  // Both proposers are satisfied; the proposal is evaluated only when both have rated.
  await rate(lead, '满意');
  await expect(state(lead)).toHaveText('已答复');
  await rate(cosigner, '满意');
  await expect(state(cosigner)).toHaveText('已评价');
  await expect(cosigner.locator('#rate')).toHaveCount(0);
  await expectNoOverflow(cosigner);

  // Staff conclude.
  await act(staff, id, '办结');
  await expect(state(staff)).toHaveText('已办结');
  await expect(staff.locator('h1 .tag')).toHaveText(number);
  await expect(card(staff, '办结')).toHaveCount(0);

  // The timeline, as the lead proposer sees it on the phone: members by name, other accounts by
  // their display names; approvals name the class, ratings the proposer's words.
  await lead.goto(`/proposals/${id}`);
  await expect(state(lead)).toHaveText('已办结');
  const steps = lead.locator('ol.timeline li');
  await expect(steps).toHaveText([
    new RegExp(`${leadName} 起草$`),
    new RegExp(`${leadName} 提交$`),
    new RegExp(`${cosignerName} 确认附议$`),
    /提案委干部 初审通过$/,
    new RegExp(`提案委干部 立案：${number}$`),
    /提案委干部 交办：会办$/,
    /区财政局联络员 会办单位提出意见：区财政局可从城市更新资金中安排电梯补贴/,
    /区住建局联络员 承办单位答复：已将书院路街道三个小区列入2023年加装电梯计划/,
    /区财政局联络员 会办单位会签答复$/,
    /提案委干部 审核通过答复：B类$/,
    new RegExp(`${leadName} 评价：不满意$`),
    /区住建局联络员 承办单位答复：补贴办法已印发/,
    /区财政局联络员 会办单位会签答复$/,
    /提案委干部 审核通过答复：A类$/,
    new RegExp(`${leadName} 评价：满意$`),
    new RegExp(`${cosignerName} 评价：满意$`),
    /提案委干部 办结$/,
  ]);
  await expectNoOverflow(lead);
});
