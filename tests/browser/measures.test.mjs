// 考核指标: a user with dashboard.read (the administrator here; a leader sees the same page for their unit)
// opens /measures from the menu and sees each figure with its formula beside it, the period and the previous
// period.  The figures are compared with the server's own answer to the page's request, not with fixed
// numbers: other test files of the same run may have made cases this month.  A rate with no denominator
// shows —, not 0 %.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip } from './helpers.mjs'

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
