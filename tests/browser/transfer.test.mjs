// 导入导出 as a community worker would use it: choose the community, upload a
// small CSV with one bad row, dry run (nothing written, the bad row listed with
// its row number and column), then import; the good rows are there.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, createSubtree, apiCall } from './helpers.mjs'

let browser, page, tree
before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
  tree = await createSubtree(page, { deep: true, label: 'X' })
})
after(async () => {
  if (browser) await browser.close()
})

// GB 11643: a valid ID number from its first 17 digits.
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0)
  return first17 + '10X98765432'[sum % 11]
}

test('a CSV with one bad row: dry run, then import, with the row-by-row report', { skip }, async () => {
  const seq = String(Date.now() % 1000).padStart(3, '0')
  const good1 = idNumber(`42020419800101${seq}`)
  const good2 = idNumber(`42020419850202${seq}`)
  const bad = good1.slice(0, 17) + (good1[17] === '0' ? '1' : '0')
  const csv = `\ufeff姓名,身份证号,手机号\r\n张一${tree.tag},${good1},13800138000\r\n王二${tree.tag},${bad},\r\n李三${tree.tag},${good2},\r\n`

  await page.getByTestId('nav-transfer').click()
  await page.waitForURL((u) => u.pathname === '/transfer')
  assert.equal(await page.title(), '导入导出 - 网格化社会治理平台')
  // the templates are plain downloads
  assert.equal(await page.getByTestId('transfer-template-xlsx').getAttribute('href'), '/api/v1/imports/templates/residents.xlsx')

  await page.getByTestId('transfer-unit').click()
  const picker = page.getByRole('dialog', { name: '导入到' })
  await picker.getByTestId('unit-search').fill(tree.community.name)
  await picker.getByTestId('unit-search-result').filter({ hasText: tree.community.name }).click()
  await picker.getByTestId('unit-picker-chosen').getByText(tree.community.name).waitFor()
  await picker.getByTestId('unit-picker-ok').click()
  await picker.waitFor({ state: 'hidden' })

  await page.getByTestId('transfer-file').setInputFiles({ name: 'residents.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  // the import waits for a dry run of this file
  assert.ok(await page.getByTestId('transfer-import').isDisabled())
  await page.getByTestId('transfer-dry-run').click()
  const summary = page.getByTestId('transfer-summary')
  await summary.getByText('试导入完成，未写入任何数据').waitFor()
  assert.equal(await summary.getByTestId('transfer-counts').textContent(), '共 3 行：新增 2，更新 0，失败 1')
  const errRow = summary.getByTestId('transfer-errors').locator('tbody tr')
  assert.equal(await errRow.count(), 1)
  const cells = await errRow.locator('td').allTextContents()
  assert.equal(cells[0].trim(), '3')
  assert.equal(cells[1].trim(), '身份证号')
  // the row's problem in Chinese (from the server's reason), never its English sentence
  assert.equal(cells[2].trim(), '身份证号校验位不正确，请检查是否输错')
  let list = await apiCall(page, 'GET', `/api/v1/residents?unit_id=${tree.community.id}&total=1`)
  assert.equal(list.body.total, 0, 'the dry run wrote nothing')

  await page.getByTestId('transfer-import').click()
  await summary.getByText('导入完成').waitFor()
  assert.equal(await summary.getByTestId('transfer-counts').textContent(), '共 3 行：新增 2，更新 0，失败 1')
  list = await apiCall(page, 'GET', `/api/v1/residents?unit_id=${tree.community.id}&total=1`)
  assert.equal(list.body.total, 2)
  assert.deepEqual(list.body.items.map((r) => r.name).sort(), [`张一${tree.tag}`, `李三${tree.tag}`].sort())
  await screenshot(page, 'transfer.png')
  assert.deepEqual(await problems(page), [])
})
