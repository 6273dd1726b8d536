// 考核指标: a user with dashboard.read (the administrator here; a leader sees the same page for their unit)
// opens /measures from the menu and sees each figure with its formula beside it, the period and the previous
// period; with no cases the rates show — (no denominator), not 0 %.
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
  await page.getByRole('menuitem', { name: '考核指标' }).click()
  await page.waitForURL(/\/measures/)
  const table = page.getByTestId('measures-table')
  const row = table.locator('tr', { hasText: '结案率' }).first()
  await row.waitFor()
  assert.match(await row.innerText(), /结案率 = 已结案件数 ÷ 上报件数/)
  assert.equal(await row.locator('[data-code="closure_rate"]').innerText(), '—')
  const reported = table.locator('tr', { hasText: '上报数' }).first()
  assert.equal(await reported.locator('[data-code="reported"]').innerText(), '0')
  assert.match(await page.getByTestId('measures-unit').innerText(), /统计期 \d{4}-\d\d-\d\d 至 \d{4}-\d\d-\d\d/)
  await page.getByTestId('measures-period').getByText('本季度').click()
  await page.getByTestId('measures-unit').getByText(/-01 至/).waitFor()
  assert.deepEqual(await problems(page), [])
})
