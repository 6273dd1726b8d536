// 登记离开 as people use it: a resident who died is recorded on their page
// (reason, date, note; a missing reason is said under the field and nothing is
// sent), carries the 已死亡 tag, drops out of the grid's default resident list
// and comes back with 全部; 撤销离开登记 undoes it.  A household head with
// other members is refused by the server, whose words are shown above the form.
// On a phone a resident is recorded as 迁出本地 with the default date (today),
// and the 已离开 list shows them, without sideways scrolling.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, createSubtree, apiCall, PHONE, noHorizontalScroll, idNumber, ok } from './helpers.mjs'

const square = (lng, lat, d = 0.01) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]]],
})
/** YYYY-MM-DD in Beijing, daysAgo days before now. */
const beijingDate = (daysAgo = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() - daysAgo * 86_400_000))

let browser, page, tree, grid, gridH, dying, leaving, head, spouse
const seq = Math.floor(Math.random() * 900) + 50

const resident = async (id) => ok(await apiCall(page, 'GET', `/api/v1/residents/${id}`), 200)

before(async () => {
  if (skip) return
  browser = await launch()
  page = await newPage(browser)
  await loginAsAdmin(page)
  tree = await createSubtree(page, { deep: true, label: 'D' })
  const c = tree.community
  grid = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}离开网格`, geometry: square(114.95, 30.25) }))
  gridH = await ok(await apiCall(page, 'POST', '/api/v1/grids', { parent_id: c.id, name: `${c.name}住户网格`, geometry: square(114.96, 30.25) }))
  const person = async (name, date, unitId) => ok(await apiCall(page, 'POST', '/api/v1/residents', { name: `${name}${tree.tag}`, id_number: idNumber(date, seq), unit_id: unitId }))
  dying = await person('赵离世', '19380612', grid.id)
  leaving = await person('钱外迁', '19900203', grid.id)
  // A household of two in grid H: its head cannot leave before another member heads it.
  head = await person('孙户主', '19650909', gridH.id)
  spouse = await person('李配偶', '19670404', gridH.id)
  const building = await ok(await apiCall(page, 'POST', '/api/v1/buildings', { grid_id: gridH.id, name: `离开楼${tree.tag}` }))
  const house = await ok(await apiCall(page, 'POST', `/api/v1/buildings/${building.id}/houses`, { room: '101' }))
  const household = await ok(await apiCall(page, 'POST', '/api/v1/households', { house_id: house.id, head_resident_id: head.id }))
  await ok(await apiCall(page, 'POST', `/api/v1/households/${household.id}/members`, { resident_id: spouse.id, relation: 'spouse' }), 200)
})
after(async () => {
  if (browser) await browser.close()
})

test('a death is recorded on the resident page, hides them from the default list, and is undone', { skip }, async () => {
  const sent = []
  const track = (req) => req.method() === 'POST' && /\/api\/v1\/residents\/\d+\/(departure|return)$/.test(new URL(req.url()).pathname) && sent.push(req.url())
  page.on('request', track)
  try {
    await page.goto(`/residents/${dying.id}`)
    await page.getByTestId('resident-title').getByText(dying.name).waitFor()
    assert.equal(await page.getByTestId('resident-status').count(), 0, 'no status tag while present')
    assert.equal(await page.getByTestId('resident-return').count(), 0)

    await page.getByTestId('resident-depart').click()
    const dialog = page.getByTestId('resident-depart-dialog')
    const dateInput = dialog.getByTestId('resident-depart-on').locator('input')
    assert.equal(await dateInput.inputValue(), beijingDate(), 'the date defaults to today (Beijing)')
    // No reason chosen: said under the field, nothing sent.
    await dialog.getByTestId('resident-depart-submit').click()
    await dialog.locator('.el-form-item__error').getByText('请选择离开原因').waitFor()
    assert.deepEqual(sent, [])

    await dialog.getByTestId('resident-depart-reason').getByText('死亡', { exact: true }).click()
    await dialog.getByText('死亡日期').waitFor() // the date's label follows the reason
    await dialog.locator('.el-form-item__error').waitFor({ state: 'hidden' })
    const on = beijingDate(9)
    await dateInput.fill(on)
    await dateInput.press('Enter')
    assert.equal(await dateInput.inputValue(), on)
    await dialog.getByTestId('resident-depart-note').fill('病故，已注销户口')
    await screenshot(page, 'resident-depart-dialog.png')
    await dialog.getByTestId('resident-depart-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.getByText('已登记死亡').waitFor()
    assert.equal(sent.length, 1)

    // The page reloaded the resident: the tag with the date, the note, and the undo button.
    await page.getByTestId('resident-status').getByText(`已死亡 · ${on}`).waitFor()
    await page.getByTestId('resident-departure').getByText(`已死亡 · ${on}`).waitFor()
    await page.getByText('病故，已注销户口').waitFor()
    await page.getByTestId('resident-return').waitFor()
    await page.getByTestId('resident-depart').waitFor({ state: 'detached' })
    await screenshot(page, 'resident-deceased.png')
    let r = await resident(dying.id)
    assert.equal(r.status, 'deceased')
    assert.equal(r.departed_on, on)
    assert.equal(r.departure_note, '病故，已注销户口')
    const audit = await ok(await apiCall(page, 'GET', '/api/v1/audit?action=resident.depart&limit=1'), 200)
    assert.equal(audit.items[0].object_id, String(dying.id))

    // The grid's list: present people only by default, everyone with 全部 (the departed with their tag).
    await page.goto(`/residents?unit_id=${grid.id}`)
    const table = page.getByTestId('resident-table')
    await table.getByText(leaving.name).waitFor()
    assert.equal(await page.getByTestId('resident-total').textContent(), '共 1 人')
    assert.equal(await table.getByText(dying.name).count(), 0)
    assert.ok(await page.getByTestId('residents-status').getByRole('radio', { name: '在住' }).isChecked())
    await page.getByTestId('residents-status').getByText('全部', { exact: true }).click()
    await table.getByText(dying.name).waitFor()
    await page.waitForURL((u) => u.searchParams.get('status') === 'all' && u.searchParams.get('unit_id') === String(grid.id))
    assert.equal(await page.getByTestId('resident-total').textContent(), '共 2 人')
    const row = table.locator('tr', { hasText: dying.name })
    assert.equal(await row.getByTestId('resident-status').textContent(), '已死亡')
    assert.equal(await table.locator('tr', { hasText: leaving.name }).getByTestId('resident-status').count(), 0)
    await screenshot(page, 'residents-all.png')

    // 撤销离开登记, from the list's link, after a confirmation.
    await row.getByRole('link', { name: dying.name }).click()
    await page.waitForURL((u) => u.pathname === `/residents/${dying.id}`)
    await page.getByTestId('resident-return').click()
    const confirm = page.getByRole('dialog', { name: '撤销离开登记' })
    await confirm.getByText(`确定撤销${dying.name}的离开登记吗？`, { exact: false }).waitFor()
    await confirm.getByRole('button', { name: '撤销登记' }).click()
    await page.getByText('已撤销离开登记').waitFor()
    await page.getByTestId('resident-depart').waitFor()
    // the tag goes with the reloaded resident (waited for: the button and the tag may not swap in one frame)
    await page.getByTestId('resident-status').waitFor({ state: 'detached' })
    assert.equal(sent.length, 2)
    r = await resident(dying.id)
    assert.equal(r.status, 'present')
    assert.equal(r.departed_on, null)
    assert.equal(r.departure_note, null)
  } finally {
    page.off('request', track)
  }
  assert.deepEqual(await problems(page), [])
})

test('a household head with other members is refused, saying why in Chinese', { skip }, async () => {
  await page.goto(`/residents/${head.id}`)
  await page.getByTestId('resident-title').getByText(head.name).waitFor()
  await page.getByTestId('resident-depart').click()
  const dialog = page.getByTestId('resident-depart-dialog')
  await dialog.getByTestId('resident-depart-reason').getByText('迁出本地', { exact: true }).click()
  await dialog.getByText('迁出日期').waitFor()
  await dialog.getByTestId('resident-depart-submit').click()
  const error = dialog.getByTestId('form-error')
  await error.waitFor()
  // Why, in Chinese only (the server's reason code, not its English sentence).
  await error.getByText('此人是户主，且户内还有其他成员').waitFor()
  assert.doesNotMatch(await error.textContent(), /[A-Za-z]{3,}/)
  await error.getByTestId('resident-depart-head-first').getByText('请先在住户中更换户主').waitFor()
  assert.ok(await dialog.isVisible(), 'the dialog stays open')
  assert.equal((await resident(head.id)).status, 'present')
  await page.keyboard.press('Escape')
  await dialog.waitFor({ state: 'hidden' })
  assert.deepEqual(await problems(page), [])
})

test('on a phone, a move away is recorded with the default date and the 已离开 list shows it', { skip }, async () => {
  const phone = await newPage(browser, PHONE)
  try {
    await loginAsAdmin(phone)
    await phone.goto(`/residents/${leaving.id}`)
    await phone.getByTestId('resident-title').getByText(leaving.name).waitFor()
    await phone.getByTestId('resident-depart').click()
    const dialog = phone.getByTestId('resident-depart-dialog')
    await dialog.getByTestId('resident-depart-reason').getByText('迁出本地', { exact: true }).click()
    const today = beijingDate()
    assert.equal(await dialog.getByTestId('resident-depart-on').locator('input').inputValue(), today)
    assert.ok(await noHorizontalScroll(phone))
    await screenshot(phone, 'resident-depart-phone.png')
    await dialog.getByTestId('resident-depart-submit').click()
    await dialog.waitFor({ state: 'hidden' })
    await phone.getByTestId('resident-status').getByText(`已迁出 · ${today}`).waitFor()
    assert.ok(await noHorizontalScroll(phone))
    await screenshot(phone, 'resident-moved-away-phone.png')
    const r = await resident(leaving.id)
    assert.equal(r.status, 'moved_away')
    assert.equal(r.departed_on, today)

    await phone.goto(`/residents?unit_id=${grid.id}&status=departed`)
    const cards = phone.getByTestId('resident-cards')
    await cards.getByText(leaving.name).waitFor()
    assert.equal(await cards.getByText(dying.name).count(), 0, 'returned: present again')
    assert.equal(await cards.getByTestId('resident-card').filter({ hasText: leaving.name }).getByTestId('resident-status').textContent(), '已迁出')
    assert.ok(await phone.getByTestId('residents-status').getByRole('radio', { name: '已离开' }).isChecked())
    assert.ok(await noHorizontalScroll(phone))
    await screenshot(phone, 'residents-departed-phone.png')
    assert.deepEqual(await problems(phone), [])
  } finally {
    await phone.context().close()
  }
})
