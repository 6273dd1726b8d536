// 考核指标: a user with dashboard.read (the administrator here; a leader sees the same page for their unit)
// opens /measures from the menu and sees each figure with its formula beside it, the period and the previous
// period.  The figures are compared with the server's own answer to the page's request, not with fixed
// numbers: other test files of the same run may have made cases this month.  A rate with no denominator
// shows —, not 0 %.
//
// A street's leader: /measures opens on their street with the figures the server gives the same request, the
// unit picker never offers another street (and asking for one by URL shows the error, no figures), a click on
// a community drills down to its figures; the street's disputes (loaded with `gridgov demo-disputes`) give
// the 矛盾纠纷调解 section: 调解成功率 and 协议履行率 with numerator / denominator and the formula.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { launch, newPage, problems, loginAsAdmin, skip, apiCall, ok, createSubtree } from './helpers.mjs'
import { account, loginAs } from './caseSteps.mjs'

let browser, page

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
})
after(async () => {
  if (browser) await browser.close()
})

test('a figure with its formula, numerator and denominator, and the previous period', { skip }, async () => {
  await page.goto('/')
  const answer = page.waitForResponse((r) => r.url().includes('/api/v1/measures?') && r.request().method() === 'GET')
  await page.getByRole('menuitem', { name: '考核指标' }).click()
  await page.waitForURL(/\/measures/)
  const items = Object.fromEntries((await (await answer).json()).items.map((i) => [i.code, i]))
  const table = page.getByTestId('measures-table')
  const row = table.locator('tr', { hasText: '结案率' }).first()
  await row.waitFor()
  assert.match(await row.innerText(), /结案率 = 已结案件数 ÷ 上报件数/)
  const closure = items.closure_rate
  assert.equal(await row.locator('[data-code="closure_rate"]').innerText(),
    closure.has_value ? `${closure.value.toFixed(1)}%` : '—')
  if (closure.has_value) assert.match(await row.innerText(), new RegExp(`${closure.numerator} / ${closure.denominator}`))
  const reported = table.locator('tr', { hasText: '上报数' }).first()
  assert.equal(await reported.locator('[data-code="reported"]').innerText(), items.reported.has_value ? String(items.reported.value) : '—')
  assert.match(await page.getByTestId('measures-unit').innerText(), /统计期 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d/)
  await page.getByTestId('measures-period').getByText('本季度').click()
  await page.getByTestId('measures-unit').getByText(/-01 至/).waitFor()
  assert.deepEqual(await problems(page), [])
})

/** Every figure of a measures table as the page shows it, by code. */
async function shown(table) {
  return table.locator('[data-code]').evaluateAll((els) => Object.fromEntries(els.map((e) => [e.dataset.code, e.textContent.trim()])))
}
const figure = (m) => {
  if (!m.has_value) return '—'
  if (m.unit_kind === 'percent') return `${m.value.toFixed(1)}%`
  if (m.unit_kind === 'hours') return `${m.value.toFixed(1)} 工作小时`
  return String(m.value)
}

test('a street leader: their street as the server answers, no other street to pick, drill-down, mediation', { skip: skip || !process.env.GG_CLI_COMMON }, async () => {
  const area = await createSubtree(page, { deep: true, label: 'L' })
  const other = ok(await apiCall(page, 'POST', '/api/v1/units', { parent_id: area.county.id, level: 'street', code: `${area.county.code.slice(0, 6)}002000`, name: `邻街道${area.tag}` }))
  // 40 disputes over the street's community in the last 10 days: 30 mediated to success, 25 found performed
  // (the page's period, this month so far, holds those of them registered this month)
  execFileSync(process.env.GG_BINARY, ['demo-disputes', '--unit', String(area.street.id), '--count', '40', '--success', '30', '--performed', '25', '--days', '10', ...process.env.GG_CLI_COMMON.split('\n')])
  const leader = await account(browser, page, 'leader', area.street, '街道领导')
  const lp = await loginAs(browser, leader)
  try {
    const answer = lp.waitForResponse((r) => r.url().includes('/api/v1/measures?') && r.request().method() === 'GET')
    await lp.getByRole('menuitem', { name: '考核指标' }).click()
    const res = await answer
    const url = new URL(res.url())
    const mine = await res.json()
    assert.equal(mine.unit.id, area.street.id)
    await lp.getByTestId('measures-unit').getByText(area.street.name).waitFor()
    // the same request asked again of the server: the page shows its figures
    const again = ok(await apiCall(lp, 'GET', url.pathname + url.search), 200)
    const table = lp.getByTestId('measures-table')
    await table.locator('[data-code="closure_rate"]').waitFor()
    const cases = await shown(table)
    for (const m of again.items.filter((i) => i.group !== 'mediation')) assert.equal(cases[m.code], figure(m), m.code)
    // the mediation section: the street's disputes, each rate with its fraction and formula
    const med = lp.getByTestId('measures-mediation')
    const success = again.items.find((i) => i.code === 'mediation_success_rate')
    const performed = again.items.find((i) => i.code === 'mediation_performance_rate')
    assert.ok(success && performed, 'the leader has dispute.read: the mediation rows are listed')
    // the same figures as the mediation desk's own measures over the page's period (the disputes of the
    // last 10 days that fall in this month)
    const desk = ok(await apiCall(lp, 'GET', `/api/v1/mediation/measures?unit_id=${area.street.id}&from=${again.period.from}&to=${again.period.to}`), 200)
    const deskOf = Object.fromEntries(desk.items.map((i) => [i.code, i]))
    for (const [m, d] of [[success, deskOf.success_rate], [performed, deskOf.performance_rate]])
      assert.deepEqual([m.numerator, m.denominator, m.value], [d.numerator, d.denominator, d.has_value ? d.value : null])
    assert.ok(success.denominator > 0, 'some of the disputes were registered this month')
    await lp.getByRole('heading', { name: '矛盾纠纷调解' }).waitFor()
    const srow = med.locator('tr', { hasText: '调解成功率' }).first()
    assert.equal(await srow.locator('[data-code="mediation_success_rate"]').innerText(), figure(success))
    assert.match(await srow.innerText(), new RegExp(`${success.numerator} / ${success.denominator}`))
    assert.match(await srow.innerText(), /调解成功率 = 调解成功数 ÷ 已调解纠纷数/)
    const prow = med.locator('tr', { hasText: '协议履行率' }).first()
    assert.equal(await prow.locator('[data-code="mediation_performance_rate"]').innerText(), figure(performed))
    assert.match(await prow.innerText(), new RegExp(`${performed.numerator} / ${performed.denominator}`))
    // only their own street to pick (one grant: no picker at all); the neighbour by URL is refused
    assert.equal(await lp.getByTestId('measures-unit-pick').count(), 0)
    await lp.goto(`/measures?unit_id=${other.id}`)
    await lp.getByRole('alert').waitFor()
    assert.equal(await lp.getByTestId('measures-table').count(), 0)
    assert.ok(!(await lp.locator('body').innerText()).includes(other.name))
    // drill-down: the street's community, its figures as the server gives them
    await lp.goto('/measures')
    await lp.getByTestId('measures-unit').getByText(area.street.name).waitFor()
    const drilled = lp.waitForResponse((r) => r.url().includes(`/api/v1/measures?`) && r.url().includes(`unit_id=${area.community.id}`))
    await lp.locator('.kids').getByRole('button', { name: area.community.name }).click()
    await lp.waitForURL(new RegExp(`unit_id=${area.community.id}`))
    const kid = await (await drilled).json()
    await lp.getByTestId('measures-unit').getByText(area.community.name).waitFor()
    const kidShown = await shown(lp.getByTestId('measures-table'))
    for (const m of kid.items.filter((i) => i.group !== 'mediation')) assert.equal(kidShown[m.code], figure(m), m.code)
    // now the picker: the street (their grant) and the community shown — never the neighbour street
    const pick = lp.getByTestId('measures-unit-pick')
    await pick.click()
    // the dropdown renders after the click: wait for its options before reading them
    await lp.locator('.el-select-dropdown__item:visible').first().waitFor()
    const options = await lp.locator('.el-select-dropdown__item:visible').allInnerTexts()
    assert.deepEqual(options.sort(), [area.community.name, area.street.name].sort())
    await lp.locator('.el-select-dropdown__item:visible', { hasText: area.street.name }).click()
    await lp.getByTestId('measures-unit').getByText(area.street.name).waitFor()
    assert.deepEqual(await problems(lp), [])
  } finally {
    await lp.context().close()
  }
})
