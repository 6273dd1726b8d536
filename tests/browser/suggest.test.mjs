// 智能派单 (docs/suggest.md) as people use it: a county of its own whose closed cases (through the API: two
// kinds of text, rubbish handled by the street's 城管中队 and broken lamps by the community) are the model's
// training data.  The administrator opens 智能派单 (/settings/suggest), retrains the county — the button says
// 训练中… until the server answers — and sees its hit rates as the server reports them.  The street's
// dispatcher then types a rubbish complaint in the intake form: the category chips appear, and a click fills
// the category (nothing before it); a new case's 派遣 dialog shows the unit chips, and a click fills the unit.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, apiCall, ok } from './helpers.mjs'
import { caseArea, account, loginAs, openAction } from './caseSteps.mjs'

let browser, admin, area, lamp, dispatcher

const RUBBISH = ['小区东门垃圾堆积无人清运', '路边暴露垃圾发臭', '垃圾桶满了垃圾堆在地上', '菜市场门口垃圾成堆']
const LAMPS = ['楼道路灯不亮晚上看不清', '小区路灯坏了一直不亮', '单元门口灯不亮', '路灯闪烁不亮']

async function closedCase(category, description, unitId) {
  let k = ok(await apiCall(admin, 'POST', '/api/v1/cases', { channel: 'walk_in', category_id: category.id, description, unit_id: area.tree.community.id }))
  const steps = [['accept', {}], ['register', {}], ['dispatch', { unit_id: unitId }], ['receive', {}], ['feedback', { note: '已处置' }], ['verify_pass', {}]]
  // a walk-in taken by staff starts registered (立案 at intake): accept and register only when still due
  const due = { accept: 'reported', register: 'accepted' }
  for (const [action, extra] of steps) if (!due[action] || k.state === due[action]) k = ok(await apiCall(admin, 'POST', `/api/v1/cases/${k.id}/actions/${action}`, { version: k.version, ...extra }), 200)
  assert.equal(k.state, 'closed')
  return k
}

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await caseArea(admin, { label: 'S', lng: 114.6, lat: 30.6 })
  const cats = ok(await apiCall(admin, 'GET', '/api/v1/categories'), 200)
  const complaint = cats.items.find((x) => x.code === 'complaint')
  lamp = ok(await apiCall(admin, 'POST', '/api/v1/categories', { parent_id: complaint.id, code: `tl${Math.floor(Math.random() * 1e6)}`, name: `测试路灯${area.tree.tag}${Math.floor(Math.random() * 1000)}`, first_handler: 'dispatcher' }))
  // 24 closed cases: each text three times (a tenth is held out from training by its id)
  for (let round = 0; round < 3; round++) {
    for (const d of RUBBISH) await closedCase(area.category, `${d}${round}`, area.department.id)
    for (const d of LAMPS) await closedCase(lamp, `${d}${round}`, area.tree.community.id)
  }
  dispatcher = await account(browser, admin, 'dispatcher', area.tree.street, `派遣员${area.tree.tag}`)
})
after(async () => {
  if (browser) await browser.close()
})

test('the administrator retrains the county and sees its hit rates', { skip }, async () => {
  const p = admin
  await p.goto('/')
  await p.getByRole('menuitem', { name: '智能派单' }).click()
  await p.waitForURL(/\/settings\/suggest$/)
  const row = p.getByTestId('suggest-models').locator('.el-table__body tr', { hasText: area.tree.county.name })
  await row.waitFor()
  // retrain: the button says so while the server trains, then the row is the server's fresh one
  let release
  const held = new Promise((r) => (release = r))
  await p.route(`**/api/v1/suggest/models/${area.tree.county.id}/retrain`, async (route) => {
    await held // hold the answer until the progress has been seen
    await route.continue()
  })
  const answer = p.waitForResponse((r) => r.url().endsWith(`/api/v1/suggest/models/${area.tree.county.id}/retrain`))
  await row.getByTestId('suggest-retrain').click()
  await row.getByTestId('suggest-retrain').getByText('训练中…').waitFor()
  release()
  const fresh = await (await answer).json()
  await p.getByText(`${area.tree.county.name}的模型已重新训练`).waitFor()
  await row.getByTestId('suggest-retrain').getByText('重新训练').waitFor()
  await p.unroute(`**/api/v1/suggest/models/${area.tree.county.id}/retrain`)
  assert.ok(fresh.trained && fresh.n_train + fresh.n_test === 24, JSON.stringify(fresh))
  const pct = (v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)}%` : '—')
  const text = await row.innerText()
  assert.match(text, new RegExp(`${fresh.n_train} / ${fresh.n_test} 件`))
  assert.equal(await row.getByTestId('suggest-category-top1').innerText(), pct(fresh.category_top1))
  assert.ok(text.includes(`${pct(fresh.unit_top1)} / ${pct(fresh.unit_top3)}`), text)
  // the list as the server gives it now
  const listed = ok(await apiCall(p, 'GET', '/api/v1/suggest/models'), 200).items.find((m) => m.county.id === area.tree.county.id)
  assert.equal(listed.trained_at, fresh.trained_at)
  assert.deepEqual(await problems(p), [])
})

test('the intake shows category chips and the dispatch dialog unit chips; a click fills the field', { skip }, async () => {
  const page = await loginAs(browser, dispatcher)
  await page.goto('/cases/new')
  await page.getByTestId('intake-description').fill('东门垃圾堆积好几天了，没人清运')
  const chips = page.getByTestId('intake-suggestions')
  await chips.waitFor()
  const first = chips.getByTestId('intake-suggestion').first()
  assert.ok((await first.innerText()).includes(area.category.name), await chips.innerText())
  // nothing chosen until clicked
  assert.ok(!(await page.getByTestId('intake-category').innerText()).includes(area.category.name))
  await first.click()
  await page.getByTestId('intake-category').getByText(area.category.name).waitFor()

  // a new case about a lamp, registered; its 派遣 dialog offers the community first
  let k = ok(await apiCall(page, 'POST', '/api/v1/cases', { channel: 'walk_in', category_id: lamp.id, description: '3栋楼道路灯不亮', unit_id: area.tree.community.id }))
  for (const [action, state] of [['accept', 'reported'], ['register', 'accepted']]) if (k.state === state) k = ok(await apiCall(page, 'POST', `/api/v1/cases/${k.id}/actions/${action}`, { version: k.version }), 200)
  const asked = ok(await apiCall(page, 'POST', '/api/v1/cases/suggestions', { description: k.description, unit_id: area.tree.community.id }), 200)
  assert.equal(asked.state, 'ready')
  await page.goto(`/cases/${k.id}`)
  const dialog = await openAction(page, 'dispatch')
  const unitChips = dialog.getByTestId('case-action-suggestion')
  await unitChips.first().waitFor()
  const best = asked.units[0]
  assert.equal(best.id, area.tree.community.id, JSON.stringify(asked.units))
  assert.match(await unitChips.first().innerText(), new RegExp(`建议单位：${best.name} \\d+%`))
  // the unit field stays empty until the chip is clicked
  assert.ok(!(await dialog.getByTestId('case-action-unit').innerText()).includes(best.name))
  await unitChips.first().click()
  await dialog.getByTestId('case-action-unit').getByText(best.name).waitFor()
  await dialog.getByTestId('case-action-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByTestId('case-handler').getByText(best.name).waitFor()
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
