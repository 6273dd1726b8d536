// The case loop as people live it (docs/cases.md): a resident reports a problem with a photo on a phone
// (390×844, their position from the phone) and is shown the number and the secret once; the street's
// dispatcher finds it in 待派遣, registers it and dispatches it to a department; the department receives it
// and feeds back with a photo; the dispatcher verifies and closes it; the resident tracks it with number and
// secret — the public timeline, the photos — rates it 不满意 and asks for it to be handled again, and sees
// it back in 已立案.  Each step is asserted as the user sees it: the state tag, exactly the buttons the role
// may use, the dialogs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { launch, newPage, problems, loginAsAdmin, screenshot, skip, apiCall, ok, PHONE, noHorizontalScroll } from './helpers.mjs'
import { caseArea, account, loginAs, photo, addPhotos, pickCategory, pickRemote, openAction, submitAction } from './caseSteps.mjs'

let browser, admin, area, dispatcher, handler
const seen = {} // number, secret, id

before(async () => {
  if (skip) return
  browser = await launch()
  admin = await newPage(browser)
  await loginAsAdmin(admin)
  area = await caseArea(admin, { label: 'K', lng: 115.1, lat: 30.4 })
  dispatcher = await account(browser, admin, 'dispatcher', area.tree.street, `派遣员${area.tree.tag}`)
  handler = await account(browser, admin, 'department', area.department, `城管队员${area.tree.tag}`)
})
after(async () => {
  if (browser) await browser.close()
})

const buttons = async (page) =>
  (await page.getByTestId('case-actions').locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.testid))).map((x) => x.replace('case-do-', '')).sort()

test('a resident reports with a photo on a phone and is shown the number and the secret once', { skip }, async () => {
  const page = await newPage(browser, { ...PHONE, geolocation: area.point, permissions: ['geolocation'] })
  await page.goto('/report')
  await page.getByRole('heading', { name: '我要报事' }).waitFor()
  // Nothing chosen: said under the fields, nothing sent.
  await page.getByTestId('report-submit').click()
  await page.getByText('请填写问题类型').waitFor()
  await page.getByText('请在地图上标注问题位置').waitFor()

  await pickCategory(page, page.getByTestId('report-category'), area.category.name)
  await page.getByTestId('report-description').fill(`小区东门纸箱堆积${area.tree.tag}`)
  await addPhotos(page, page, 'report-photos', [await photo(page, 'before', '#c63')])
  assert.equal(await page.getByTestId('report-photos-item').locator('img').count(), 1, 'a thumbnail made in the browser')
  await page.getByTestId('map-locate').click()
  await page.getByTestId('map-point').waitFor()
  await page.getByTestId('report-name').fill('王女士')
  await page.getByTestId('report-phone').fill('13800138000')
  assert.ok(await noHorizontalScroll(page), 'no sideways scrolling on a phone')
  await screenshot(page, 'case-report-phone.png')
  await page.getByTestId('report-submit').click()

  await page.getByTestId('report-done').waitFor()
  seen.number = (await page.getByTestId('report-number').textContent()).trim()
  seen.secret = (await page.getByTestId('report-secret').textContent()).trim()
  assert.match(seen.number, /^GG\d{14}$/)
  assert.ok(seen.secret.length >= 8, seen.secret)
  await page.getByText('查询码只显示这一次').waitFor()
  assert.ok(await noHorizontalScroll(page))
  await screenshot(page, 'case-report-done.png')
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the dispatcher registers the case and dispatches it to a department', { skip }, async () => {
  assert.ok(seen.number, 'the report test ran first')
  const page = await loginAs(browser, dispatcher)
  await page.getByTestId('nav-cases').click()
  await page.waitForURL((u) => u.pathname === '/cases')
  await page.getByTestId('case-boxes').getByText('待派遣', { exact: true }).click()
  await page.waitForURL((u) => u.searchParams.get('box') === 'dispatch')
  const row = page.getByTestId('case-table').locator('tr', { hasText: seen.number })
  await row.waitFor()
  await row.getByText('已上报').waitFor()
  await row.getByTestId('case-number').click()
  await page.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname))
  seen.id = new URL(page.url()).pathname.split('/').pop()
  await page.getByTestId('case-number').getByText(seen.number).waitFor()
  await page.getByTestId('case-category').getByText(area.category.name).waitFor()
  // The reporter's phone is masked for staff.
  assert.doesNotMatch(await page.getByTestId('case-reporter').textContent(), /13800138000/)
  await page.getByTestId('case-photos-item').first().waitFor()
  await page.locator('[data-testid="case-photos-item"][data-loaded="1"]').first().waitFor()
  const first = await buttons(page)
  assert.ok(first.includes('register') && first.includes('reject'), first.join(','))
  assert.ok(!first.includes('receive') && !first.includes('feedback') && !first.includes('rate'), first.join(','))

  // Someone else accepts it while the dialog is open: the stale version is refused, said so, and the page
  // shows the case as it is now (已受理), with the buttons of that state.
  let dialog = await openAction(page, 'register')
  const before = ok(await apiCall(admin, 'GET', `/api/v1/cases/${seen.id}`), 200)
  ok(await apiCall(admin, 'POST', `/api/v1/cases/${seen.id}/actions/accept`, { version: before.version }), 200)
  await dialog.getByTestId('case-action-submit').click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByText('事件已被他人处理，已刷新为最新状态').waitFor()
  await page.getByTestId('case-state').getByText('已受理', { exact: true }).waitFor()
  assert.ok(!(await buttons(page)).includes('accept'))
  // 立案, now with the fresh version
  dialog = await openAction(page, 'register')
  await submitAction(page, dialog, '已立案')
  // 派遣: the unit is required; then the department chosen by name.
  dialog = await openAction(page, 'dispatch')
  await dialog.getByTestId('case-action-submit').click()
  await dialog.getByText('请选择承办单位').waitFor()
  await pickRemote(page, dialog.getByTestId('case-action-unit'), area.department.name)
  await dialog.getByTestId('case-action-note').fill('请今日内清理')
  await screenshot(page, 'case-dispatch-dialog.png')
  await submitAction(page, dialog, '已派遣')
  await page.getByTestId('case-handler').getByText(area.department.name).waitFor()
  await page.getByTestId('case-task').getByText('主办').waitFor()
  await page.getByTestId('case-timeline').getByText('请今日内清理').waitFor()
  assert.ok(!(await buttons(page)).includes('dispatch'))
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the department receives it and feeds back with a photo', { skip }, async () => {
  assert.ok(seen.id)
  const page = await loginAs(browser, handler)
  await page.goto('/cases')
  const row = page.getByTestId('case-table').locator('tr', { hasText: seen.number })
  await row.getByText('已派遣').waitFor()
  await page.goto(`/cases/${seen.id}`)
  await page.getByTestId('case-number').getByText(seen.number).waitFor()
  const offered = await buttons(page)
  assert.ok(offered.includes('receive'), offered.join(','))
  assert.ok(!offered.includes('dispatch') && !offered.includes('verify_pass'), offered.join(','))
  await submitAction(page, await openAction(page, 'receive'), '处置中')

  // 申请延期: a reason and days (or hours); the request waits for the dispatcher.
  let ext = await openAction(page, 'extend_request')
  await ext.getByTestId('case-action-per').getByText('工作日', { exact: true }).click()
  await ext.getByTestId('case-action-amount').locator('input').fill('2')
  await ext.getByTestId('case-action-submit').click()
  await ext.getByText('请填写原因').waitFor()
  await ext.getByTestId('case-action-reason').fill('需协调环卫车辆')
  await ext.getByTestId('case-action-submit').click()
  await ext.waitFor({ state: 'hidden' })
  await page.getByTestId('case-extension-pending').waitFor()
  assert.ok(!(await buttons(page)).includes('extend_request'), 'one request at a time')

  const dialog = await openAction(page, 'feedback')
  await dialog.getByTestId('case-action-submit').click()
  await dialog.getByText('请填写说明').waitFor()
  await dialog.getByTestId('case-action-note').fill('纸箱已清运，现场已清扫')
  await addPhotos(page, dialog, 'case-action-photos', [await photo(page, 'after', '#3a7')])
  await submitAction(page, dialog, '待核查')
  await page.getByTestId('case-timeline').getByText('纸箱已清运，现场已清扫').waitFor()
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the dispatcher verifies and closes it', { skip }, async () => {
  const page = await loginAs(browser, dispatcher)
  await page.goto('/cases?box=verify')
  await page.getByTestId('case-table').locator('tr', { hasText: seen.number }).getByText('待核查').waitFor()
  await page.goto(`/cases/${seen.id}`)
  await page.getByTestId('case-state').getByText('待核查').waitFor()
  // 督办 with a due date
  const sup = await openAction(page, 'supervise')
  const due = sup.getByTestId('case-action-due').locator('input')
  await due.fill('2030-01-10 18:00:00')
  await due.press('Enter')
  await sup.getByTestId('case-action-note').fill('请尽快核查')
  await sup.getByTestId('case-action-submit').click()
  await sup.waitFor({ state: 'hidden' })
  await page.getByTestId('case-supervised').waitFor()
  await page.getByText('督办期限 2030-01-10 18:00').waitFor()
  // before and after photos
  await page.locator('[data-testid="case-photos-item"][data-loaded="1"]').nth(1).waitFor()
  // a note for the reporter (公开) and one for staff only (内部)
  for (const [text, pub] of [['已复核现场，问题已解决', true], ['复核人：城管中队', false]]) {
    const d = await openAction(page, 'note')
    await d.getByTestId('case-action-note').fill(text)
    if (pub) await d.getByTestId('case-action-public').click()
    await d.getByTestId('case-action-submit').click()
    await d.waitFor({ state: 'hidden' })
    const ev = page.getByTestId('case-event').filter({ hasText: text })
    await ev.getByTestId('case-event-visibility').getByText(pub ? '公开' : '内部').waitFor()
  }
  await submitAction(page, await openAction(page, 'verify_pass'), '已结案')
  const left = await buttons(page)
  assert.ok(!left.includes('verify_pass') && !left.includes('feedback'), left.join(','))
  await screenshot(page, 'case-closed.png')
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the resident tracks it by number and secret, rates it 不满意 and has it reopened', { skip }, async () => {
  const page = await newPage(browser, PHONE)
  await page.goto('/track')
  await page.getByTestId('track-number').fill(seen.number)
  await page.getByTestId('track-secret').fill('wrong-secret')
  await page.getByTestId('track-submit').click()
  await page.getByTestId('track-error').getByText('编号或查询码不正确').waitFor()

  await page.getByTestId('track-secret').fill(seen.secret)
  await page.getByTestId('track-submit').click()
  const result = page.getByTestId('track-result')
  await result.getByTestId('case-state').getByText('已结案').waitFor()
  await result.getByText(area.category.name).waitFor()
  const timeline = page.getByTestId('case-timeline')
  await timeline.getByText('纸箱已清运，现场已清扫').waitFor()
  await timeline.getByText('已复核现场，问题已解决').waitFor()
  assert.equal(await timeline.getByText('复核人：城管中队').count(), 0, 'internal notes stay inside')
  // internal words never reach the public page
  assert.equal(await page.getByText('内部').count(), 0)
  assert.ok(await noHorizontalScroll(page))
  await screenshot(page, 'case-track.png')

  await page.getByTestId('track-rating-choice').getByText('不满意', { exact: true }).click()
  await page.getByTestId('track-comment').fill('纸箱第二天又堆上了')
  await page.getByTestId('track-rate-submit').click()
  await page.getByTestId('track-rating').getByText('不满意').waitFor()
  await result.getByTestId('case-state').getByText('已评价').waitFor()

  await page.getByTestId('track-reopen-reason').fill('问题反复出现，请重新处理')
  await page.getByTestId('track-reopen-submit').click()
  await result.getByTestId('case-state').getByText('已立案').waitFor()
  await page.getByTestId('track-actions').waitFor({ state: 'detached' })
  await screenshot(page, 'case-reopened.png')
  assert.deepEqual(await problems(page), [])
  await page.context().close()

  const c = ok(await apiCall(admin, 'GET', `/api/v1/cases/${seen.id}`), 200)
  assert.equal(c.state, 'registered')
  assert.equal(c.reopen_count, 1)
})

test('a logged-in resident reports from their door’s QR code and finds it in 我的报事', { skip }, async () => {
  const building = ok(await apiCall(admin, 'POST', '/api/v1/buildings', { grid_id: area.grid.id, name: `报事楼${area.tree.tag}` }))
  const house = ok(await apiCall(admin, 'POST', `/api/v1/buildings/${building.id}/houses`, { room: '302' }))
  const token = ok(await apiCall(admin, 'GET', `/api/v1/houses/${house.id}`), 200).qr_token
  const resident = await account(browser, admin, 'resident', area.tree.community, `居民${area.tree.tag}`)
  const page = await loginAs(browser, resident, PHONE)
  // a resident's menu: report and their own reports, no workbench
  await page.getByTestId('menu-button').click()
  await page.getByTestId('nav-my-cases').waitFor()
  assert.equal(await page.getByTestId('nav-cases').count(), 0)
  await page.getByTestId('nav-my-cases').click()
  await page.waitForURL((u) => u.pathname === '/me/cases')
  await page.getByText('您还没有报过事').waitFor()

  await page.goto(`/report?qr=${token}`)
  const useHouse = page.getByTestId('report-use-house')
  await useHouse.getByText('302').waitFor()
  assert.equal(await page.getByTestId('point-map').count(), 0, 'the house is the place: no map needed')
  await pickCategory(page, page.getByTestId('report-category'), area.category.name)
  await page.getByTestId('report-description').fill(`楼道灯不亮${area.tree.tag}`)
  await addPhotos(page, page, 'report-photos', [await photo(page, 'lamp', '#333')])
  await page.getByTestId('report-submit').click()
  const number = (await page.getByTestId('report-number').textContent()).trim()

  await page.getByRole('button', { name: '我的报事' }).click()
  await page.waitForURL((u) => u.pathname === '/me/cases')
  const card = page.getByTestId('mine-card').filter({ hasText: number })
  await card.getByText(`楼道灯不亮${area.tree.tag}`).waitFor()
  await card.click()
  await page.waitForURL((u) => /^\/cases\/\d+$/.test(u.pathname))
  await page.getByTestId('case-number').getByText(number).waitFor()
  await page.getByText('返回我的报事').waitFor()
  const offered = await buttons(page)
  assert.ok(!offered.some((a) => ['register', 'dispatch', 'accept', 'reject'].includes(a)), offered.join(','))
  assert.ok(await noHorizontalScroll(page))
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})

test('the dispatcher sees a possible duplicate and merges it', { skip }, async () => {
  const at = { lat: area.point.latitude + 0.001, lon: area.point.longitude + 0.001 }
  const mk = async (text) => ok(await apiCall(admin, 'POST', '/api/v1/cases', { channel: 'walk_in', category_id: area.category.id, description: text, ...at }))
  const first = await mk(`路灯不亮${area.tree.tag}`)
  const second = await mk(`路灯坏了好几天${area.tree.tag}`)
  const page = await loginAs(browser, dispatcher)
  await page.goto(`/cases/${second.id}`)
  const dups = page.getByTestId('case-duplicates')
  const row = dups.getByTestId('case-duplicate').filter({ hasText: first.number })
  await row.waitFor()
  await row.getByTestId('case-duplicate-merge').click()
  const dialog = page.getByTestId('case-action-dialog')
  await dialog.getByTestId('case-action-merge').getByText(first.number).waitFor() // the duplicate, chosen
  await submitAction(page, dialog, '已合并')
  await page.getByText(`已合并到 ${first.number}`).waitFor()
  assert.ok(!(await buttons(page)).includes('merge'))
  assert.deepEqual(await problems(page), [])
  await page.context().close()
})
