// Derived tags as people see them: a resident born in 1950 carries 老年人
// marked 自动 (from the birth date) beside the hand-set 退役军人; only the
// hand-set one has a close button, the add list offers neither 老年人 nor
// 未成年人, and the residents list filtered by 老年人 finds the resident.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, skip, createSubtree, apiCall, ok, PHONE } from './helpers.mjs'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid resident ID number (GB 11643) for area 420204, the date and a 3-digit sequence. */
function idNumber(date, seq) {
  const first = `420204${date}${String(seq).padStart(3, '0')}`
  const sum = [...first].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0)
  return first + '10X98765432'[sum % 11]
}
const square = (lng, lat, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
})

let browser, page, elder


before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
  const tree = await createSubtree(page, { deep: true, label: 'T' })
  const grid = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: tree.community.id, name: `${tree.community.name}标签网格`, geometry: square(114.97, 30.26) }))
  const seq = Math.floor(Math.random() * 900) + 50
  elder = await ok(await apiCall(page, 'POST', '/api/v1/residents', { name: `周老人${tree.tag}`, id_number: idNumber('19500315', seq), unit_id: grid.id, tags: ['veteran'] }))
})
after(async () => {
  if (browser) await browser.close()
})

test('a tag that follows from the birth date is shown as such and cannot be removed or added by hand', { skip }, async () => {
  await page.goto(`/residents/${elder.id}`)
  const box = page.getByTestId('resident-tags-edit')
  const derived = box.locator('[data-testid="resident-tag"][data-derived="true"]')
  await derived.waitFor()
  assert.equal(await derived.count(), 1)
  assert.match(await derived.innerText(), /老年人\s*·自动/)
  assert.equal(await derived.getAttribute('title'), '按出生日期自动得出，不能手动添加或移除')
  assert.equal(await derived.locator('.el-tag__close').count(), 0, 'no close button on a derived tag')
  const manual = box.locator('[data-testid="resident-tag"][data-derived="false"]')
  assert.equal(await manual.innerText(), '退役军人')
  assert.equal(await manual.locator('.el-tag__close').count(), 1, 'a hand-set tag can be removed')

  // the add list holds hand-set tags only
  await box.getByTestId('resident-tag-add').click()
  const options = page.locator('.el-select-dropdown:visible .el-select-dropdown__item')
  await options.first().waitFor()
  const names = await options.allInnerTexts()
  assert.ok(names.includes('残疾人'), names.join(','))
  assert.ok(!names.includes('老年人') && !names.includes('未成年人'), names.join(','))
  await page.keyboard.press('Escape')

  // the list filtered by 老年人 finds the resident, marked the same way
  await page.goto(`/residents?tag=elderly&search=${encodeURIComponent(elder.name)}`)
  const row = page.locator('.el-table__row', { hasText: elder.name })
  await row.waitFor()
  assert.match(await row.locator('[data-derived="true"]').innerText(), /老年人/)
  assert.deepEqual(await problems(page), [])
})

test('on a phone the residents cards show the tags too', { skip }, async () => {
  const phone = await newPage(browser, PHONE)
  try {
    await loginAsAdmin(phone)
    await phone.goto(`/residents?search=${encodeURIComponent(elder.name)}`)
    const card = phone.getByTestId('resident-card').filter({ hasText: elder.name })
    await card.waitFor()
    assert.match(await card.locator('[data-testid="resident-tag"][data-derived="true"]').innerText(), /老年人/)
    assert.equal(await card.locator('[data-testid="resident-tag"][data-derived="false"]').innerText(), '退役军人')
    assert.deepEqual(await problems(phone), [])
  } finally {
    await phone.context().close()
  }
})
