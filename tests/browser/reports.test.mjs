// 报告 as a county leader: the menu has 报告, "生成本月报告" makes a report that goes 待生成/生成中 → 已完成 on
// the page without a reload (the list polls), and its PDF downloads (a real PDF with the county's name in
// it); the table's 导出 Excel gives the list as a workbook.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { execFileSync } from 'node:child_process'
import { launch, problems, loginAsAdmin, newPage, screenshot, skip, apiCall, ok } from './helpers.mjs'
import { caseArea, account, loginAs } from './caseSteps.mjs'

let browser, admin, area, leader

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await caseArea(admin, { label: 'R', lng: 115.2, lat: 30.4 })
  await ok(await apiCall(admin, 'POST', '/api/v1/cases', { channel: 'hotline', category_id: area.category.id, description: `路灯不亮${area.tree.tag}`, unit_id: area.grid.id }))
  leader = await account(browser, admin, 'leader', area.tree.county, `区领导${area.tree.tag}`)
})
after(async () => {
  if (browser) await browser.close()
})

test('a leader generates this month’s report and downloads its PDF', { skip }, async () => {
  const page = await loginAs(browser, leader)
  await page.getByTestId('nav-reports').click()
  await page.waitForURL((u) => u.pathname === '/reports')
  await page.getByRole('heading', { name: '月度报告' }).waitFor()
  await page.getByTestId('report-generate').getByText('生成本月报告').waitFor()
  await page.getByTestId('report-generate').click()
  const row = page.getByTestId('report-table').locator('tr', { hasText: area.tree.county.name })
  await row.waitFor()
  // progress shows on the page until the job is done (polled, no reload)
  await row.locator('[data-status="done"]').waitFor({ timeout: 30000 })
  await row.getByText('已完成').waitFor()
  await screenshot(page, 'reports-done.png')
  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('[data-testid^="report-pdf-"]').click()])
  const file = await download.path()
  const bytes = fs.readFileSync(file)
  assert.equal(bytes.subarray(0, 4).toString(), '%PDF')
  try {
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-']).toString().replace(/ /g, '')
    assert.ok(text.includes(area.tree.county.name), text.slice(0, 200))
    assert.ok(text.includes('本月受理事件1件'), text.slice(0, 400))
  } catch (e) {
    if (e.code !== 'ENOENT') throw e // no poppler-utils: the bytes were checked
  }
  // the table's 导出 Excel
  const [sheet] = await Promise.all([page.waitForEvent('download'), page.getByTestId('reports-export').click()])
  assert.match(sheet.suggestedFilename(), /^reports-\d{8}\.xlsx$/)
  assert.equal(fs.readFileSync(await sheet.path()).subarray(0, 2).toString(), 'PK')
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
